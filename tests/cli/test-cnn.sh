#!/usr/bin/env bash
# newsclf-fit --arch cnn: trains with a frozen or a trained embedding, learns the sample, gives
# byte-identical model files for the same inputs, and refuses settings it cannot train.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q --max-words 0 -o tokens "$TESTDATA/news.sample.tsv"
newsclf-embed -q --vocab tokens -o embedding.npy "$TESTDATA/glove.sample.100d.txt.xz"
printf '%s\n' "Apple unveils new iPhone with a bigger screen" "Fed keeps interest rates near zero" \
  "Kim Kardashian wedding photos revealed" "Ebola outbreak in West Africa kills hundreds" >headlines.txt

# A small network (32 filters, 32 units) keeps the test quick.
fit() { newsclf-fit -q --arch cnn -e embedding.npy --filters 32 --hidden-units 32 --epochs 3 --validation-split 0.2 --threads "${threads:-1}" "$@" tokens; }

for trained in 0 1; do
  fit --train-embedding "$trained" -o "model.$trained" || fail "fit --train-embedding $trained failed"
  fit --train-embedding "$trained" -o "again.$trained" || fail "second fit --train-embedding $trained failed"
  cmp -s "model.$trained" "again.$trained" || fail "two fits with --train-embedding $trained gave different model files"
  newsclf-predict -m "model.$trained" --inspect >inspect.json || fail "inspect failed"
  vocabulary=$(jq .vocabulary_size inspect.json)
  jq -e --argjson v "$vocabulary" '.arch == "cnn" and .hyperparameters.max_len == "40" and
      .tensors.embedding == [$v + 1, 100] and .tensors["conv1d.kernel"] == [3, 100, 32] and
      .tensors["conv1d.bias"] == [32] and .tensors["dense_0.kernel"] == [32, 32] and
      .tensors["dense_1.kernel"] == [32, 4] and (.tensors | length) == 7' inspect.json >/dev/null ||
    fail "unexpected cnn model contents: $(jq -c '{hyperparameters, tensors}' inspect.json)"
  accuracy=$(newsclf-eval -m "model.$trained" --subset validation tokens | jq .accuracy)
  jq -e -n --argjson a "$accuracy" '$a > 0.7' >/dev/null || fail "train_embedding $trained: validation accuracy $accuracy"
  [ "$(newsclf-predict -m "model.$trained" headlines.txt | jq -r .label | tr -d '\n')" = tbem ] ||
    fail "train_embedding $trained misclassifies the four plain headlines"
done
cmp -s model.0 model.1 && fail "--train-embedding 1 gave the frozen model"

# Threads share the Conv1D product in fixed blocks: the weights do not depend on their number
# (the files differ only in the recorded threads value).
threads=2 fit --train-embedding 1 -o model.threads2 || fail "fit --threads 2 failed"
[ "$(cmp -l model.1 model.threads2 | wc -l)" -le 8 ] || fail "--threads 2 trained other weights than --threads 1"
newsclf-predict -m model.1 headlines.txt >p1.jsonl
newsclf-predict -m model.threads2 headlines.txt >p2.jsonl
cmp -s p1.jsonl p2.jsonl || fail "--threads 1 and --threads 2 predict differently"

# A window wider than the padded row, and no embedding, are usage errors.
fit --kernel-size 5 --max-len 4 -o bad 2>err; status=$?
[ "$status" -eq 2 ] || fail "kernel_size > max_len exited $status, not 2"
grep -q 'max_len (4) must be at least kernel_size (5)' err || fail "no clear message: $(cat err)"
newsclf-fit -q --arch cnn tokens -o bad 2>err; status=$?
[ "$status" -eq 2 ] || fail "--arch cnn without --embedding exited $status, not 2"
grep -q 'arch cnn needs --embedding' err || fail "no clear message: $(cat err)"

finish
