#!/usr/bin/env bash
# Every architecture newsclf-fit --help lists, with its own defaults, on the bundled sample: it
# trains from a token stream of every word (half the sample's rows, by --split-out: every arch
# still scores above 0.6 on the whole sample, the mlp 0.71, at half the cost), writes a model that
# newsclf-eval and newsclf-predict load, --inspect names its arch, and with --threads 1 the same
# run gives the same bytes. The ensemble of all the others mixes them with weights that sum to 1.
# Under a sanitizer (NEWSCLF_SANITIZE) each arch is fit once: the second fit would take the same
# path through the code again, and the Release run compares the bytes.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q --max-words 0 -o tokens.bin "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
newsclf-embed -q --vocab tokens.bin -o emb.npy "$TESTDATA/glove.sample.100d.txt.xz" || fail "embed failed"
newsclf-fit -q --validation-split 0.5 --split-out half.bin rest.bin tokens.bin || fail "--split-out failed"
archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
[ -n "$archs" ] || fail "newsclf-fit --help lists no --arch choices"
others=$(echo "$archs" | tr ' ' '\n' | grep -vx ensemble | paste -sd, -)
headline="Why Exercise Alone May Not Be the Key to Weight Loss"

for arch in $archs; do
  opts=(--arch "$arch" --threads 1 -e emb.npy)
  [ "$arch" = ensemble ] && opts+=(--members "$others")
  newsclf-fit -q "${opts[@]}" -o "$arch.model" half.bin 2> "$arch.err" || { fail "fit --arch $arch: $(tail -3 "$arch.err")"; continue; }
  if [ -z "${NEWSCLF_SANITIZE:-}" ]; then
    newsclf-fit -q "${opts[@]}" -o "$arch.again" half.bin 2> /dev/null
    cmp -s "$arch.model" "$arch.again" || fail "fit --arch $arch --threads 1 twice gave different files"
  fi
  newsclf-predict -m "$arch.model" --inspect > "$arch.json" || fail "predict --inspect of the $arch model failed"
  jq -e --arg a "$arch" '.arch == $a and .hyperparameters.arch == $a' "$arch.json" > /dev/null ||
    fail "--inspect of the $arch model: $(head -c 200 "$arch.json")"
  newsclf-eval -q -m "$arch.model" "$TESTDATA/news.sample.tsv" > "$arch.eval" || fail "eval of the $arch model failed"
  jq -e '.n == 10001 and .accuracy > 0.6' "$arch.eval" > /dev/null || fail "$arch: accuracy on the sample $(jq -c '{n, accuracy}' "$arch.eval")"
  echo "$headline" | newsclf-predict -q -m "$arch.model" | jq -e '.probabilities | [.b, .t, .e, .m] | add | . > 0.999 and . < 1.001' > /dev/null ||
    fail "$arch: predict's probabilities do not sum to 1"
done

if [ -s ensemble.json ]; then
  jq -e --arg o "$others" '(.members | map(.arch) | join(",")) == $o' ensemble.json > /dev/null ||
    fail "the ensemble's members are not $others: $(jq -c '[.members[].arch]' ensemble.json)"
fi
# A member arch that does not exist, and an ensemble without validation rows, are usage errors.
expect_exit 2 newsclf-fit -q --arch ensemble --members mlp,nope -e emb.npy -o none.model tokens.bin 2> /dev/null
expect_exit 2 newsclf-fit -q --arch ensemble --validation-split 0 -e emb.npy -o none.model tokens.bin 2> /dev/null
[ ! -e none.model ] || fail "a refused fit left a model file"

finish
