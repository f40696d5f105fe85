#!/usr/bin/env bash
# newsclf-fit --arch linear on the sample: no embedding needed, every word kept, the same file
# twice, the same weights whatever the threads, a held-out accuracy well above chance, and its
# hyperparameters checked.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

head -n 8000 "$TESTDATA/news.sample.tsv" > train.tsv
tail -n +8001 "$TESTDATA/news.sample.tsv" > test.tsv
newsclf-tokenize -q --max-words 0 -o train.tokens train.tsv || fail "tokenize failed"

fit() { newsclf-fit -q --arch linear --buckets 65536 "$@" train.tokens || fail "newsclf-fit --arch linear $* failed"; }
fit --threads 1 -o a.model
fit --threads 1 -o b.model
cmp a.model b.model || fail "two fits with --threads 1 gave different model files"
fit --threads 2 -o c.model
newsclf-predict -m a.model --input-format tsv test.tsv > a.jsonl
newsclf-predict -m c.model --input-format tsv test.tsv > c.jsonl
cmp a.jsonl c.jsonl || fail "--threads 2 predicts otherwise than --threads 1"

newsclf-predict -m a.model --inspect > inspect.json
jq -e '.arch == "linear" and .hyperparameters.max_words == "0" and .hyperparameters.validation_split == "0"
  and .hyperparameters.loss == "squared_hinge" and .training.train_rows == 8000' inspect.json > /dev/null ||
  fail "the model's metadata: $(jq -c '{arch, hyperparameters, training}' inspect.json | head -c 400)"
accuracy=$(newsclf-eval -m a.model test.tsv | jq .accuracy)
jq -e -n "$accuracy > 0.75" > /dev/null || fail "held-out accuracy $accuracy, expected above 0.75"

# The logistic loss, a validation split for the calibration.
fit --loss logistic --c 10 --validation-split 0.2 -o l.model
jq -e -n "$(newsclf-eval -m l.model test.tsv | jq .accuracy) > 0.75" > /dev/null || fail "logistic: low accuracy"

# Bad values are usage errors.
expect_exit 2 newsclf-fit -q --arch linear --c 0 -o x.model train.tokens 2> /dev/null
expect_exit 2 newsclf-fit -q --arch linear --loss hinge -o x.model train.tokens 2> /dev/null
expect_exit 2 newsclf-fit -q --arch linear --buckets 134217728 -o x.model train.tokens 2> /dev/null
[ ! -e x.model ] || fail "a refused fit left a model file"

finish
