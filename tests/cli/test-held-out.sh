#!/usr/bin/env bash
# newsclf-eval --subset validation scores only rows a model never trained on: it refuses a model
# whose final training took every row (an ensemble trains its members again on every row, and
# its training metadata says "final_training": "all_rows"), and keeps scoring the others.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q --max-words 0 -o tokens "$TESTDATA/news.sample.tsv" || fail "tokenize failed"
newsclf-embed -q --vocab tokens -o emb.npy "$TESTDATA/glove.sample.100d.txt.xz" || fail "embed failed"

newsclf-fit -q --arch ensemble --members linear -o ensemble.model tokens || fail "fit --arch ensemble failed"
newsclf-predict -m ensemble.model --inspect | jq -e '.training.final_training == "all_rows"' >/dev/null ||
  fail "the ensemble's training metadata does not say that its final training took every row"
expect_exit 2 newsclf-eval -m ensemble.model --subset validation -o none.json tokens 2>err
grep -q "final training took every row" err && grep -q -- "--split-out" err ||
  fail "the refusal does not say why and what to do: $(cat err)"
[ ! -e none.json ] || fail "a refused evaluation wrote its output"
newsclf-eval -q -m ensemble.model --subset all tokens | jq -e '.n == 10001' >/dev/null || fail "--subset all of the ensemble failed"

# Other models record no final_training and keep their validation subset, as before.
newsclf-fit -q -e emb.npy -o mlp.model tokens || fail "fit failed"
newsclf-predict -m mlp.model --inspect | jq -e '.training | has("final_training") | not' >/dev/null ||
  fail "an mlp model records final_training"
newsclf-eval -q -m mlp.model --subset validation tokens | jq -e '.n == 2001' >/dev/null ||
  fail "--subset validation of an mlp model no longer scores its 2001 validation rows"
# A model file of an older version, without the key, too (it was trained without a split).
expect_exit 2 newsclf-eval -q -m "$TESTDATA/fixtures/tiny-1.0.model" --subset validation "$TESTDATA/fixtures/tiny.tokens" 2>err
grep -q "without a validation split" err || fail "the 1.0 fixture: $(cat err)"

finish
