#!/usr/bin/env bash
# Training is a function of its inputs: the same tokens, embedding and seed give byte-identical
# model files, for a split by rows and a split by stories; another seed gives another model.
. "$(dirname "$0")/lib.sh"

cd "$SCRATCH" || exit 1
head -n 3000 "$TESTDATA/news.sample.tsv" >news.tsv
newsclf-tokenize -q -o tokens.bin news.tsv || fail "tokenize failed"
newsclf-embed -q --vocab tokens.bin -o emb.npy "$TESTDATA/glove.sample.100d.txt.xz" || fail "embed failed"
printf '%s\n' "Apple unveils new iPhone with a bigger screen" "Fed keeps interest rates near zero" \
  "Kim Kardashian wedding photos revealed" "Ebola outbreak in West Africa kills hundreds" >headlines.txt

fit() { newsclf-fit -q -e emb.npy "$@" tokens.bin || fail "newsclf-fit $* failed"; }

for split in row story; do
  fit --split-by "$split" -o "$split.1.newsclf"
  fit --split-by "$split" -o "$split.2.newsclf"
  fit --split-by "$split" <tokens.bin >"$split.stdout.newsclf"
  cmp "$split.1.newsclf" "$split.2.newsclf" || fail "two fits split by $split gave different model files"
  cmp "$split.1.newsclf" "$split.stdout.newsclf" || fail "fit split by $split: -o FILE and stdout differ"

  fit --split-by "$split" --seed 7 -o "$split.seed7.newsclf"
  cmp -s "$split.1.newsclf" "$split.seed7.newsclf" && fail "--seed 7 and the default seed gave the same model file (split by $split)"
  # Not just the recorded seed: the weights, hence the predictions, differ too.
  newsclf-predict -m "$split.1.newsclf" headlines.txt >"$split.1.jsonl"
  newsclf-predict -m "$split.seed7.newsclf" headlines.txt >"$split.seed7.jsonl"
  cmp -s "$split.1.jsonl" "$split.seed7.jsonl" && fail "--seed 7 and the default seed predict the same (split by $split)"
  fit --split-by "$split" --seed 7 -o "$split.seed7.again.newsclf"
  cmp "$split.seed7.newsclf" "$split.seed7.again.newsclf" || fail "two fits with --seed 7 split by $split differ"
done
cmp -s row.1.newsclf story.1.newsclf && fail "a row split and a story split gave the same model file"
# The two splits hold different validation rows.
[ "$(newsclf-predict -m row.1.newsclf --inspect | jq .training.validation_rows)" != \
  "$(newsclf-predict -m story.1.newsclf --inspect | jq .training.validation_rows)" ] ||
  fail "the row and story splits should hold out different numbers of rows"

finish
