#!/usr/bin/env bash
# newsclf-fit --arch lstm on the sample: it learns, the model file holds the tensors the formats
# page names (with embedding.change only for a trained embedding), two runs with --threads 1 give
# the same bytes, and predict and eval read the model.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

newsclf-tokenize -q -o tokens "$TESTDATA/news.sample.tsv"
newsclf-embed -q --vocab tokens -o embedding.npy "$TESTDATA/glove.sample.100d.txt.xz"

fit() { newsclf-fit -q --arch lstm -e embedding.npy --threads 1 --validation-split 0.2 "$@" tokens || fail "newsclf-fit --arch lstm $* failed"; }
fit -o model
fit -o model.again
cmp model model.again || fail "two lstm fits with --threads 1 gave different model files"

newsclf-predict -m model --inspect > inspect.json
jq -e '.arch == "lstm"' inspect.json > /dev/null || fail "the model is not an lstm model: $(head -c 300 inspect.json)"
jq -e '.hyperparameters.hidden_units == "32" and .hyperparameters.hidden_layers == "3"
       and .hyperparameters.train_embedding == "1"' inspect.json > /dev/null ||
  fail "the lstm defaults are not in the model: $(jq -c .hyperparameters inspect.json)"
for t in embedding lstm_0.kernel lstm_0.recurrent_kernel lstm_0.bias lstm_2.bias dense.kernel dense.bias embedding.change; do
  grep -qF "\"$t\"" inspect.json || fail "the model has no tensor $t"
done
# On the sample (8000 training rows) two epochs already beat the majority class by far.
acc=$(newsclf-eval -m model --subset validation tokens | jq '.accuracy')
jq -en --argjson a "$acc" '$a > 0.6' > /dev/null || fail "validation accuracy $acc is too low for a trained lstm"

fit --train-embedding 0 --epochs 1 -o model.frozen
newsclf-predict -m model.frozen --inspect > frozen.json
grep -qF '"embedding.change"' frozen.json && fail "a frozen embedding should not add embedding.change"
[ "$(stat -c %s model.frozen)" -lt "$(stat -c %s model)" ] || fail "the frozen model is not smaller than the trained one"

printf '%s\n' "Apple unveils new iPhone with a bigger screen" "" "Ebola outbreak in West Africa kills hundreds" > titles.txt
newsclf-predict -m model --input-format lines titles.txt > out.jsonl || fail "predict with the lstm model failed"
[ "$(wc -l < out.jsonl)" -eq 3 ] || fail "predict gave $(wc -l < out.jsonl) lines for 3 headlines (one empty)"

expect_exit 2 newsclf-fit -q --arch lstm --train-embedding 2 -e embedding.npy -o bad tokens 2> /dev/null
expect_exit 2 newsclf-fit -q --arch lstm -o bad tokens 2> /dev/null  # no --embedding

finish
