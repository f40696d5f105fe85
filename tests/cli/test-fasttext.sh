#!/usr/bin/env bash
# fastText interoperability: newsclf-tokenize's --output-format fasttext reads back (detected, or
# --input-format fasttext) into the same tokens and labels as the TSV it came from; bad fastText
# lines are refused with file:line; newsclf-fit trains on fastText lines (and a GloVe file) as the
# pipeline of tokenize --max-words 0, embed and fit does, byte for byte; newsclf-predict
# --output-format fasttext writes the lines of `fasttext predict-prob`, k labels a line with --top-k.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }
NEWS="$TESTDATA/news.sample.tsv"

# What tokenize writes reads back: the same labels and tokens, row for row.
head -n 2000 "$NEWS" > news.tsv
newsclf-tokenize -q --output-format fasttext news.tsv > news.ft || fail "tokenize --output-format fasttext failed"
newsclf-tokenize -q --output-format jsonl news.tsv | jq -c '[.label, .tokens]' > from-tsv.txt
newsclf-tokenize -q --output-format jsonl news.ft | jq -c '[.label, .tokens]' > detected.txt
newsclf-tokenize -q --output-format jsonl --input-format fasttext news.ft | jq -c '[.label, .tokens]' > forced.txt
[ "$(wc -l < from-tsv.txt)" -eq 2000 ] || fail "tokenize --output-format jsonl of 2000 rows: $(wc -l < from-tsv.txt) lines"
cmp -s from-tsv.txt detected.txt || fail "the fastText lines, detected, do not read back as the TSV's tokens and labels"
cmp -s from-tsv.txt forced.txt || fail "the fastText lines, with --input-format fasttext, do not read back as the TSV's"

# Bad lines: file and line named, exit 1.
printf '__label__b stocks rally\n__label__b __label__t two labels\n' > two.ft
newsclf-tokenize -q two.ft > /dev/null 2> err.txt
[ $? -eq 1 ] || fail "a line with two labels: expected exit 1"
grep -q 'two.ft:2: several labels (__label__b, __label__t)' err.txt || fail "two labels: $(cat err.txt)"
printf '__label__b stocks rally\n__label__sports a match\n' > unknown.ft
newsclf-tokenize -q unknown.ft > /dev/null 2> err.txt
[ $? -eq 1 ] || fail "an unknown label: expected exit 1"
grep -q 'unknown.ft:2: label "__label__sports": expected one of __label__b' err.txt || fail "unknown label: $(cat err.txt)"
printf '__label__b stocks rally\nkim and kanye wed\n' > mixed.ft
newsclf-tokenize -q mixed.ft > /dev/null 2> err.txt
[ $? -eq 1 ] || fail "a line without a label after a labelled one: expected exit 1"
grep -q 'mixed.ft:2: no __label__ at the start' err.txt || fail "mixed lines: $(cat err.txt)"
newsclf-tokenize -q --input-format fasttext --output-format jsonl mixed.ft | jq -e -s 'length == 2 and .[1].label == null' > /dev/null ||
  fail "--input-format fasttext does not read a line without a label as an unlabelled headline"

# newsclf-fit on the fastText lines themselves: the model of the pipeline, byte for byte, for linear
# and bag; mlp with -e the GloVe slice itself; a separate validation file of fastText lines too.
GLOVE="$TESTDATA/glove.sample.100d.txt.xz"
newsclf-tokenize -q --max-words 0 --vocab-out all.vocab -o all.tokens news.ft || fail "tokenize --max-words 0 failed"
for arch in linear bag; do
  newsclf-fit -q --arch "$arch" --threads 1 -o "pipeline.$arch" all.tokens || fail "fit --arch $arch on the token stream failed"
  newsclf-fit -q --arch "$arch" --threads 1 -o "direct.$arch" news.ft || fail "fit --arch $arch on fastText lines failed"
  cmp -s "pipeline.$arch" "direct.$arch" || fail "--arch $arch: the model of the fastText lines differs from the pipeline's"
done
newsclf-embed -q --vocab all.tokens -o all.npy "$GLOVE" &&
  newsclf-fit -q --threads 1 -e all.npy -o pipeline.mlp all.tokens || fail "the pipeline's mlp failed"
newsclf-fit -q --threads 1 -e "$GLOVE" -o direct.mlp news.ft || fail "fit -e GLOVE on fastText lines failed"
cmp -s pipeline.mlp direct.mlp || fail "mlp: the model of the fastText lines and the GloVe file differs from the pipeline's"
head -n 1500 news.ft > train.ft
tail -n +1501 news.ft > valid.ft
newsclf-tokenize -q --max-words 0 --vocab-out train.vocab -o train.tokens train.ft &&
  newsclf-tokenize -q --vocab train.vocab -o valid.tokens valid.ft &&
  newsclf-fit -q --arch bag --threads 1 --validation valid.tokens -o pipeline.valid train.tokens ||
  fail "the pipeline with a validation file failed"
newsclf-fit -q --arch bag --threads 1 --input-format fasttext --validation valid.ft -o direct.valid train.ft ||
  fail "fit --validation on fastText lines failed"
cmp -s pipeline.valid direct.valid || fail "--validation: the model of the fastText lines differs from the pipeline's"
# An .npy with headlines: its rows belong to another vocabulary.
newsclf-fit -q -e all.npy -o refused.mlp news.ft 2> err.txt
[ $? -eq 2 ] || fail "an .npy matrix with fastText lines: expected exit 2"
grep -q 'all.npy is an .npy matrix' err.txt || fail "an .npy with headlines: $(cat err.txt)"
[ -e refused.mlp ] && fail "an .npy with headlines left a model behind"

# Train on fastText lines, predict as fasttext predict-prob does.
newsclf-tokenize -q news.ft -o tokens.bin && newsclf-fit -q --arch bag --epochs 1 --buckets 1000 tokens.bin -o model ||
  fail "training on fastText lines failed"
printf 'Ebola outbreak spreads in West Africa\nApple unveils a new iPhone\n' > titles.txt
newsclf-predict -q -m model --output-format fasttext titles.txt > pred.ft || fail "predict --output-format fasttext failed"
newsclf-predict -q -m model -k 1 --output-format fasttext titles.txt > pred1.ft
newsclf-predict -q -m model titles.txt > pred.jsonl
[ "$(wc -l < pred.ft)" -eq 2 ] || fail "predict --output-format fasttext: $(wc -l < pred.ft) lines for 2 headlines"
grep -Evq '^__label__[btem] [0-9.e-]+( __label__[btem] [0-9.e-]+){3}$' pred.ft && fail "not fastText's predict-prob lines: $(cat pred.ft)"
grep -Evq '^__label__[btem] [0-9.e-]+$' pred1.ft && fail "-k 1: not one label a line: $(cat pred1.ft)"
[ "$(cut -d' ' -f1 pred.ft)" = "$(jq -r '"__label__" + .label' pred.jsonl)" ] || fail "the fastText lines' first label is not the JSON's label"
[ "$(cut -d' ' -f1-2 pred.ft)" = "$(cat pred1.ft)" ] || fail "-k 1 is not the first label of -k 4"
newsclf-predict -q -m model --output-format fasttext --explain titles.txt > /dev/null 2> err.txt
[ $? -eq 2 ] || fail "--explain with --output-format fasttext: expected exit 2"
grep -q 'cannot be combined with --output-format fasttext' err.txt || fail "--explain with fasttext: $(cat err.txt)"
# Its probabilities add up to 1.
awk '{ s = 0; for (i = 2; i <= NF; i += 2) s += $i; if (s < 0.999 || s > 1.001) exit 1 }' pred.ft || fail "probabilities do not add up to 1: $(cat pred.ft)"
# Predicting on the fastText lines themselves: their labels are not taken for words.
head -n 2 news.ft | newsclf-predict -q -m model --output-format fasttext | grep -c '^__label__' | grep -qx 2 ||
  fail "predict on fastText lines"

finish
