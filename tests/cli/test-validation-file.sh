#!/usr/bin/env bash
# newsclf-fit --validation: a separate validation token stream replaces the split; it must share
# the training vocabulary; the model's validation accuracy is newsclf-eval's on that file.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

head -n 8000 "$TESTDATA/news.sample.tsv" > train.tsv
tail -n +8001 "$TESTDATA/news.sample.tsv" > valid.tsv
newsclf-tokenize -q --vocab-out train.vocab -o train.tokens train.tsv
newsclf-tokenize -q --vocab train.vocab -o valid.tokens valid.tsv
newsclf-embed -q --vocab train.tokens -o embedding.npy "$TESTDATA/glove.sample.100d.txt.xz"

newsclf-fit -e embedding.npy --validation valid.tokens -o model train.tokens 2> fit.log ||
  fail "fit --validation failed: $(cat fit.log)"
grep -q '8000 training rows, 2001 validation rows (from valid.tokens)' fit.log || fail "the split line is wrong: $(head -1 fit.log)"
val_acc=$(grep -o 'val_acc: [0-9.]*' fit.log | tail -1 | cut -d' ' -f2)
eval_acc=$(newsclf-eval -m model valid.tokens | jq -r '.accuracy * 10000 | round / 10000')
[ "$(printf '%.4f' "$val_acc")" = "$(printf '%.4f' "$eval_acc")" ] ||
  fail "fit's last val_acc $val_acc differs from eval on the validation file $eval_acc"
newsclf-predict -m model --inspect | jq -e '.hyperparameters.validation_split == "0" and .training.validation_crc32 != null
  and .training.train_rows == 8000 and .training.validation_rows == 2001' > /dev/null ||
  fail "the model does not record its validation file"

# --subset validation has nothing to reproduce: a usage error that says what to do.
newsclf-eval -m model --subset validation train.tokens > /dev/null 2> eval.err; status=$?
[ "$status" -eq 2 ] || fail "eval --subset validation of such a model exited $status, not 2"
grep -q 'evaluate that file' eval.err || fail "no advice in: $(cat eval.err)"

# Another vocabulary is refused, and no model is written.
newsclf-tokenize -q -o other.tokens valid.tsv
newsclf-fit -e embedding.npy --validation other.tokens -o model2 train.tokens 2> other.err; status=$?
[ "$status" -eq 1 ] || fail "a validation stream with another vocabulary exited $status, not 1"
grep -q 'other.tokens: made with another vocabulary' other.err || fail "the refusal does not name the file: $(cat other.err)"
[ -e model2 ] && fail "a refused run left a model"
ls | grep -q '\.tmp\.' && fail "a temporary file was left: $(ls)"

finish
