#!/usr/bin/env bash
# scripts/experiment.mk: the experiment's outputs, metrics of the held-out stream, nothing redone
# when nothing changed, a changed hyperparameter redoing only the fit, a changed split redoing the
# split, the final model on every row, compressed inputs, an unknown hyperparameter refused, the
# fit under mpirun with RANKS=2.
# test-experiment-archs runs it for every arch.
. "$(dirname "$0")/lib.sh"

mk() { make --no-print-directory -C "$NEWSCLF_SOURCE_DIR" -f scripts/experiment.mk BIN="$NEWSCLF_BIN" "$@"; }
out="$SCRATCH/exp"

mk OUT="$out" > "$SCRATCH/first.log" 2>&1 || fail "the experiment failed: $(tail -5 "$SCRATCH/first.log")"
for f in model metrics.json train.log tokens train.tokens validation.tokens embedding.npy vocab.txt; do
  [ -s "$out/$f" ] || fail "the experiment left no $f"
done
jq -e '.n == 2001 and .accuracy > 0.5' "$out/metrics.json" > /dev/null || fail "metrics.json is not the validation split's: $(head -c 200 "$out/metrics.json")"
newsclf-eval -q -m "$out/model" "$out/validation.tokens" | cmp -s - "$out/metrics.json" || fail "metrics.json is not the model's on validation.tokens"
grep -q 'Epoch 2/2' "$out/train.log" || fail "train.log has no epoch lines"
grep -q '8000 training rows, 0 validation rows' "$out/train.log" || fail "the fit did not train on the 8000 rows of train.tokens alone: $(head -3 "$out/train.log")"
ls "$out" | grep -q 'tmp' && fail "temporary files left in $out: $(ls "$out")"
cp "$out/model" "$SCRATCH/plain.model"  # the plain inputs' model, for the compressed ones below

# Nothing changed: no tool runs, no file changes.
stamp=$(stat -c %Y.%s "$out/model" "$out/tokens" "$out/train.tokens" "$out/metrics.json")
sleep 1
mk OUT="$out" > "$SCRATCH/second.log" 2>&1 || fail "the second run failed"
grep -q newsclf- "$SCRATCH/second.log" && fail "a re-run with nothing changed ran: $(cat "$SCRATCH/second.log")"
[ "$(stat -c %Y.%s "$out/model" "$out/tokens" "$out/train.tokens" "$out/metrics.json")" = "$stamp" ] || fail "a re-run with nothing changed touched the outputs"

# A hyperparameter given as a make variable reaches newsclf-fit; only the fit and eval run again.
mk OUT="$out" EPOCHS=3 HIDDEN=4 > "$SCRATCH/third.log" 2>&1 || fail "EPOCHS=3 HIDDEN=4 failed: $(tail -3 "$SCRATCH/third.log")"
grep -q 'newsclf-fit .*--epochs 3' "$SCRATCH/third.log" || fail "EPOCHS=3 did not reach newsclf-fit"
grep -q 'newsclf-fit .*--hidden-units 4' "$SCRATCH/third.log" || fail "HIDDEN=4 did not reach newsclf-fit as --hidden-units"
grep -q 'newsclf-tokenize' "$SCRATCH/third.log" && fail "a fit hyperparameter redid the tokenisation"
grep -q -- '--split-out' "$SCRATCH/third.log" && fail "a fit hyperparameter redid the split"
grep -q 'Epoch 3/3' "$out/train.log" || fail "train.log is not the 3-epoch run's"
newsclf-predict -m "$out/model" --inspect | jq -e '.hyperparameters.hidden_units == "4"' > /dev/null || fail "the model is not the HIDDEN=4 one"

# The token stream keeps every word; MAX_WORDS reaches newsclf-fit, which keeps max_words - 1.
[ "$(wc -l < "$out/vocab.txt")" -gt 10000 ] || fail "the token stream should keep every word, vocab.txt has $(wc -l < "$out/vocab.txt")"
mk OUT="$out" EPOCHS=3 HIDDEN=4 MAX_WORDS=500 > "$SCRATCH/fourth.log" 2>&1 || fail "MAX_WORDS=500 failed"
grep -q 'newsclf-tokenize' "$SCRATCH/fourth.log" && fail "MAX_WORDS redid the tokenisation"
newsclf-predict -m "$out/model" --inspect | jq -e '.vocabulary_size == 499' > /dev/null || fail "MAX_WORDS=500 should keep 499 words"

# The held-out fraction: the split, fit and eval run again, not the tokenisation.
mk OUT="$out" EPOCHS=3 HIDDEN=4 MAX_WORDS=500 VALIDATION_SPLIT=0.3 > "$SCRATCH/split.log" 2>&1 || fail "VALIDATION_SPLIT=0.3 failed: $(tail -3 "$SCRATCH/split.log")"
grep -q 'newsclf-tokenize' "$SCRATCH/split.log" && fail "VALIDATION_SPLIT redid the tokenisation"
grep -q 'newsclf-fit .*--validation-split 0.3 .*--split-out' "$SCRATCH/split.log" || fail "VALIDATION_SPLIT=0.3 did not reach the split"
jq -e '.n == 3001' "$out/metrics.json" > /dev/null || fail "VALIDATION_SPLIT=0.3 should hold out 3001 rows: $(jq -c .n "$out/metrics.json")"
grep -q '7000 training rows, 0 validation rows' "$out/train.log" || fail "VALIDATION_SPLIT=0.3: the fit did not take the 7000 training rows"

# The final model: the same settings on every row, and a no-op once made.
mk OUT="$out" EPOCHS=3 HIDDEN=4 MAX_WORDS=500 VALIDATION_SPLIT=0.3 final > "$SCRATCH/final.log" 2>&1 || fail "make final failed: $(tail -3 "$SCRATCH/final.log")"
newsclf-predict -m "$out/final.model" --inspect | jq -e '.training.train_rows == 10001 and .hyperparameters.hidden_units == "4"' > /dev/null ||
  fail "final.model is not the same settings on all 10001 rows"
mk OUT="$out" EPOCHS=3 HIDDEN=4 MAX_WORDS=500 VALIDATION_SPLIT=0.3 final 2>&1 | grep -q newsclf- && fail "make final ran again with nothing changed"

# Compressed inputs. Under a sanitizer (NEWSCLF_SANITIZE) up to the token stream and the word
# vectors, the same as the plain inputs': the split, fit and eval after them would take the path of
# the plain inputs' again.
xz -c "$TESTDATA/news.sample.tsv" > "$SCRATCH/news.tsv.xz"
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" | gzip > "$SCRATCH/glove.txt.gz"
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  mk OUT="$SCRATCH/compressed" DATA="$SCRATCH/news.tsv.xz" GLOVE="$SCRATCH/glove.txt.gz" \
    "$SCRATCH/compressed/tokens" "$SCRATCH/compressed/embedding.npy" > "$SCRATCH/fifth.log" 2>&1 ||
    fail "compressed DATA and GLOVE failed: $(tail -3 "$SCRATCH/fifth.log")"
  for f in tokens embedding.npy; do
    cmp -s "$SCRATCH/compressed/$f" "$out/$f" || fail "compressed inputs gave another $f than plain ones"
  done
else
  mk OUT="$SCRATCH/compressed" DATA="$SCRATCH/news.tsv.xz" GLOVE="$SCRATCH/glove.txt.gz" > "$SCRATCH/fifth.log" 2>&1 ||
    fail "compressed DATA and GLOVE failed: $(tail -3 "$SCRATCH/fifth.log")"
  cmp -s "$SCRATCH/compressed/model" "$SCRATCH/plain.model" || fail "compressed inputs gave another model than plain ones"
fi

# An unknown hyperparameter fails the fit with a message naming it, and leaves no model.
mk OUT="$SCRATCH/bad" NO_SUCH_SETTING=1 > "$SCRATCH/bad.log" 2>&1 && fail "an unknown hyperparameter was accepted"
grep -q -- '--no-such-setting' "$SCRATCH/bad.log" || fail "the error does not name the unknown option: $(tail -3 "$SCRATCH/bad.log")"
[ -e "$SCRATCH/bad/model" ] && fail "a failed fit left a model"

# RANKS=2: the fit under mpirun, two processes; a change of RANKS redoes the fit alone.
if command -v mpirun >/dev/null && ! newsclf-fit --version | grep -q '^MPI: none'; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # for this test's mpirun only
  mk OUT="$out" ARCH=bag BUCKETS=65536 RANKS=2 MPIRUN_ARGS=--oversubscribe >"$SCRATCH/ranks.log" 2>&1 ||
    fail "RANKS=2 failed: $(tail -5 "$SCRATCH/ranks.log")"
  grep -q '^mpirun -np 2 --oversubscribe .*newsclf-fit --arch bag' "$SCRATCH/ranks.log" ||
    fail "RANKS=2 did not run the fit under mpirun -np 2: $(cat "$SCRATCH/ranks.log")"
  jq -e '.accuracy > 0.8' "$out/metrics.json" >/dev/null || fail "the two-rank bag scores $(jq .accuracy "$out/metrics.json")"
  mk OUT="$out" ARCH=bag BUCKETS=65536 RANKS=1 >"$SCRATCH/rank.log" 2>&1 || fail "RANKS=1 failed: $(tail -5 "$SCRATCH/rank.log")"
  grep -q mpirun "$SCRATCH/rank.log" && fail "RANKS=1 ran mpirun"
  grep -q 'newsclf-fit --arch bag' "$SCRATCH/rank.log" || fail "a change of RANKS did not redo the fit"
  grep -q -- '--split-out\|newsclf-tokenize' "$SCRATCH/rank.log" && fail "a change of RANKS redid the split or the tokens"
else
  echo "RANKS=2 skipped: no mpirun, or newsclf built without MPI"
fi

finish
