#!/usr/bin/env bash
# scripts/experiment.mk for every arch newsclf-fit --help lists, on the bundled sample: each ends
# with metrics.json of the held-out stream, whose rows are the same for every arch, none of them
# in the training stream, and the model was fit on the training stream alone (the ensemble
# fitting its weights on its own split of it). One epoch where the arch takes --epochs as such.
# Under a sanitizer (NEWSCLF_SANITIZE) on the first 2,000 rows of the sample: each arch takes the
# same path through the tools on fewer rows.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

data=$TESTDATA/news.sample.tsv
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  head -n 2000 "$data" > news.tsv
  data=$SCRATCH/news.tsv
fi
rows=$(grep -c . "$data")

mk() { make --no-print-directory -C "$NEWSCLF_SOURCE_DIR" -f scripts/experiment.mk BIN="$NEWSCLF_BIN" DATA="$data" "$@"; }
# ids STREAM: the record ids of a token stream, sorted.
ids() { newsclf-tokenize --output-format jsonl "$1" | jq -r .id | sort; }

archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
[ -n "$archs" ] || fail "newsclf-fit --help lists no --arch choices"
for arch in mlp linear bag cnn lstm ensemble; do
  [[ " $archs " == *" $arch "* ]] || fail "newsclf-fit --help does not list $arch"
done

for arch in $archs; do
  out="$SCRATCH/$arch"
  case $arch in
    linear | ensemble) epochs=() ;;  # linear: passes of coordinate descent; the ensemble's members take their own
    *) epochs=(EPOCHS=1) ;;
  esac
  if ! mk OUT="$out" ARCH="$arch" "${epochs[@]}" THREADS=1 > "$arch.log" 2>&1; then
    fail "ARCH=$arch: the experiment failed: $(tail -3 "$arch.log")"
    continue
  fi
  [ -s "$out/metrics.json" ] || { fail "ARCH=$arch left no metrics.json"; continue; }
  ids "$out/train.tokens" > "$arch.train.ids"
  ids "$out/validation.tokens" > "$arch.validation.ids"
  train=$(wc -l < "$arch.train.ids")
  held_out=$(wc -l < "$arch.validation.ids")
  [ "$((train + held_out))" -eq "$rows" ] || fail "ARCH=$arch: $train + $held_out rows, not the data's $rows"
  jq -e --argjson n "$held_out" '.n == $n' "$out/metrics.json" > /dev/null ||
    fail "ARCH=$arch: metrics.json has n $(jq .n "$out/metrics.json"), the held-out stream $held_out rows"
  common=$(comm -12 "$arch.train.ids" "$arch.validation.ids" | wc -l)
  [ "$common" -eq 0 ] || fail "ARCH=$arch: $common record ids are in both the training and the held-out stream"
  newsclf-predict -m "$out/model" --inspect > "$arch.json" || { fail "ARCH=$arch: --inspect failed"; continue; }
  jq -e --arg a "$arch" --argjson n "$train" '.arch == $a and .training.rows == $n' "$arch.json" > /dev/null ||
    fail "ARCH=$arch: the model is not a $arch fit on the $train rows of train.tokens: $(jq -c '{arch, rows: .training.rows}' "$arch.json")"
  if [ "$arch" = ensemble ]; then
    jq -e '.hyperparameters.split_by == "story" and .training.validation_rows > 0' "$arch.json" > /dev/null ||
      fail "the ensemble did not fit its weights on its own story split of train.tokens"
  else
    jq -e '.training.validation_rows == 0' "$arch.json" > /dev/null || fail "ARCH=$arch kept validation rows of train.tokens"
  fi
  cmp -s "$out/validation.tokens" "$SCRATCH/mlp/validation.tokens" || fail "ARCH=$arch held out other rows than ARCH=mlp"
done

# --split-out needs rows to hold out, and splits the one stream it is given.
expect_exit 2 newsclf-fit -q --validation-split 0 --split-out a.tokens b.tokens "$SCRATCH/mlp/tokens" 2>/dev/null
expect_exit 2 newsclf-fit -q --validation "$SCRATCH/mlp/validation.tokens" --split-out a.tokens b.tokens "$SCRATCH/mlp/tokens" 2>/dev/null
[ ! -e a.tokens ] && [ ! -e b.tokens ] || fail "a refused --split-out wrote a stream"
# By story, no story is on both sides.
newsclf-fit -q --split-by story --split-out a.tokens b.tokens "$SCRATCH/mlp/tokens" || fail "--split-by story --split-out failed"
stories() { newsclf-tokenize --output-format jsonl "$1" | jq -r .story | sort -u; }
[ -z "$(comm -12 <(stories a.tokens) <(stories b.tokens))" ] || fail "--split-by story put a story on both sides"

finish
