#!/usr/bin/env bash
# The whole pipeline on the testdata sample (tokenize -> embed -> fit -> eval -> predict), checked
# against tests/golden/. Numbers that training produces are compared with a tolerance (another
# BLAS may round differently); labels, keys, ids, counts and token ids must match exactly.
# NEWSCLF_UPDATE_GOLDEN=1 rewrites the golden files from this run instead of comparing.
. "$(dirname "$0")/lib.sh"

GOLDEN="$NEWSCLF_SOURCE_DIR/tests/golden"
NEWS="$TESTDATA/news.sample.tsv"
GLOVE="$TESTDATA/glove.sample.100d.txt.xz"
cd "$SCRATCH" || exit 1
command -v jq >/dev/null || { echo "FAIL: jq is needed (scripts/setup.sh installs it)" >&2; exit 1; }

# golden NAME FILE: FILE must equal tests/golden/NAME byte for byte.
golden() {
  if [ "${NEWSCLF_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$GOLDEN/$1"; return; fi
  diff -u "$GOLDEN/$1" "$2" >&2 || fail "$2 differs from tests/golden/$1"
}

# golden_close NAME FILE: FILE must hold the JSON Lines of tests/golden/NAME with the same keys in
# the same order, equal strings and integers, and other numbers within 1e-3.
CLOSE_JQ='
def close($x; $y):
  ($x | type) as $t
  | if $t != ($y | type) then false
    elif $t == "number" then
      if ($x | floor) == $x and ($y | floor) == $y then $x == $y
      else (($x - $y) | if . < 0 then -. else . end) <= $tol end
    elif $t == "object" then
      ($x | keys_unsorted) == ($y | keys_unsorted) and all($x | keys_unsorted[]; close($x[.]; $y[.]))
    elif $t == "array" then ($x | length) == ($y | length) and all(range($x | length); close($x[.]; $y[.]))
    else $x == $y end;
($a | length) == ($b | length) and all(range($a | length); close($a[.]; $b[.]))'
golden_close() {
  if [ "${NEWSCLF_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$GOLDEN/$1"; return; fi
  if ! jq -n -e --slurpfile a "$GOLDEN/$1" --slurpfile b "$2" --argjson tol 1e-3 "$CLOSE_JQ" >/dev/null; then
    diff -u "$GOLDEN/$1" "$2" >&2
    fail "$2 is not within 1e-3 of tests/golden/$1"
  fi
}

# --- tokenize: token stream, vocabulary, statistics, the JSON Lines view
newsclf-tokenize --vocab-out vocab.txt -o tokens.bin "$NEWS" 2>tokenize.err || fail "newsclf-tokenize failed: $(cat tokenize.err)"
grep -qx 'newsclf-tokenize: 10001 headlines, 88994 tokens, vocabulary of 9999 words' tokenize.err ||
  fail "tokenize's summary on stderr: $(cat tokenize.err)"
[ "$(wc -l <vocab.txt)" -eq 9999 ] || fail "the vocabulary should keep max_words - 1 = 9999 words"
head -n 50 vocab.txt >vocab.head50.txt
golden pipeline.vocab.head50.txt vocab.head50.txt
newsclf-tokenize -q - <"$NEWS" | cmp -s - tokens.bin || fail "tokenize from stdin differs from tokenize of the file"

expect_exit 0 newsclf-tokenize --stats "$NEWS" >stats.json
[ "$(wc -l <stats.json)" -eq 1 ] || fail "--stats should print one JSON line"
golden_close pipeline.stats.json stats.json

expect_exit 0 newsclf-tokenize --output-format jsonl tokens.bin >view.jsonl
[ "$(wc -l <view.jsonl)" -eq 10001 ] || fail "the JSON Lines view should hold one line per headline"
head -n 20 view.jsonl >view.head20.jsonl
golden pipeline.tokens.head20.jsonl view.head20.jsonl
newsclf-tokenize -q --output-format jsonl "$NEWS" | cmp -s - view.jsonl ||
  fail "tokenize --output-format jsonl of the TSV differs from the view of its token stream"

# --- embed: from the token stream or from the vocabulary file, the same matrix
newsclf-embed --vocab tokens.bin -o emb.npy "$GLOVE" 2>embed.err || fail "newsclf-embed failed: $(cat embed.err)"
grep -q '^newsclf-embed: coverage: 8715 of 9999 words' embed.err || fail "embed's coverage on stderr: $(cat embed.err)"
head -c 128 emb.npy | grep -aq "'shape': (10000, 100)" || fail "emb.npy should be a 10000 x 100 .npy matrix"
newsclf-embed -q --vocab vocab.txt "$GLOVE" | cmp -s - emb.npy || fail "embed --vocab vocab.txt differs from --vocab tokens.bin"

# --- fit: one model file, nothing on stdout with -o
newsclf-fit -e emb.npy -o model.newsclf tokens.bin >fit.out 2>fit.err || fail "newsclf-fit failed: $(cat fit.err)"
[ ! -s fit.out ] || fail "fit -o wrote to stdout"
grep -q '^newsclf-fit: 8000 training rows, 2001 validation rows (split by row)$' fit.err || fail "fit's split on stderr: $(cat fit.err)"
[ "$(grep -c '^newsclf-fit: Epoch [12]/2 ' fit.err)" -eq 2 ] || fail "fit should log two epochs: $(cat fit.err)"
val_acc=$(sed -n 's/.* val_acc: \([0-9.]*\)$/\1/p' fit.err | tail -n 1)

# --- eval: the keys of the metrics object, n, and the validation subset against fit's val_acc
expect_exit 0 newsclf-eval -m model.newsclf "$NEWS" >eval.json
jq -r '(keys_unsorted | join(" ")),
       (.per_class | keys_unsorted | join(" ")),
       (.per_class.b | keys_unsorted | join(" ")),
       (.confusion_matrix | keys_unsorted | join(" ")),
       (.intervals | keys_unsorted | join(" ")),
       "unit=\(.intervals.unit) units=\(.intervals.units)",
       "n=\(.n)",
       "confusion total=\([.confusion_matrix.matrix[][]] | add)"' eval.json >eval.keys.txt || fail "eval's output is not JSON"
golden pipeline.eval.keys.txt eval.keys.txt
newsclf-eval -m model.newsclf tokens.bin | cmp -s - eval.json || fail "eval of the token stream differs from eval of the TSV"

# --- eval's intervals: 95%, 1000 resamples of whole stories (the TSV has them) or of rows; the
# point estimate inside; --bootstrap 0 leaves the rest as it was; another --seed, other draws
sane='.intervals as $i | $i.level == 0.95 and $i.resamples == 1000
  and $i.accuracy[0] <= .accuracy and .accuracy <= $i.accuracy[1] and $i.accuracy[0] < $i.accuracy[1]
  and $i.macro_f1[0] <= .macro_f1 and .macro_f1 <= $i.macro_f1[1] and $i.accuracy[1] <= 1'
jq -e "$sane" eval.json >/dev/null || fail "eval's intervals: $(jq -c .intervals eval.json)"
newsclf-eval -q -m model.newsclf --bootstrap-unit row "$NEWS" >eval.row.json || fail "eval --bootstrap-unit row failed"
jq -e "$sane and .intervals.unit == \"row\" and .intervals.units == .n" eval.row.json >/dev/null ||
  fail "eval --bootstrap-unit row: $(jq -c .intervals eval.row.json)"
# Rows drawn one at a time vary less than stories drawn whole, whose headlines share their fate.
jq -e -n --slurpfile s eval.json --slurpfile r eval.row.json \
  '($r[0].intervals.accuracy[1] - $r[0].intervals.accuracy[0]) < ($s[0].intervals.accuracy[1] - $s[0].intervals.accuracy[0])' \
  >/dev/null || fail "the row interval should be narrower than the story interval"
newsclf-eval -q -m model.newsclf --bootstrap 0 "$NEWS" | cmp -s - <(jq -c 'del(.intervals)' eval.json) ||
  fail "eval --bootstrap 0 should print the same object without intervals"
newsclf-eval -q -m model.newsclf --seed 7 "$NEWS" | jq -e --argjson i "$(jq -c .intervals eval.json)" \
  '.intervals != $i and .intervals.units == $i.units' >/dev/null || fail "eval --seed 7 should draw other resamples"
printf '{"title": "Apple unveils a new iPhone", "category": "t"}\n{"title": "Ebola spreads", "category": "m", "story": "x"}\n' |
  newsclf-eval -q -m model.newsclf --bootstrap 10 | jq -e '.intervals.unit == "story" and .intervals.units == 2' >/dev/null ||
  fail "JSON Lines with a story are resampled by story, a row without one alone"

# --- eval --compare: another model, or another system's labels, on the same rows, paired
cut -f 2 "$NEWS" | newsclf-predict -q -m model.newsclf --input-format lines >own.jsonl || fail "predict for --compare failed"
jq -r .label own.jsonl >own.labels
for b in model.newsclf own.jsonl own.labels; do
  newsclf-eval -q -m model.newsclf --compare "$b" "$NEWS" >cmp.json || fail "eval --compare $b failed"
  jq -e --arg b "$b" '.comparison as $c | $c.b == $b and $c.n == .n and $c.unit == "story"
    and $c.accuracy.a == .accuracy and $c.accuracy.b == .accuracy and $c.accuracy.difference == 0
    and $c.accuracy.interval == [0, 0] and $c.macro_f1.interval == [0, 0]
    and $c.accuracy.a_interval == .intervals.accuracy and $c.accuracy.b_interval == .intervals.accuracy
    and $c.mcnemar == {"b": 0, "c": 0, "test": "exact", "p_value": 1}' cmp.json >/dev/null ||
    fail "eval --compare $b, the model itself: $(jq -c .comparison cmp.json)"
done
cut -f 5 "$NEWS" >gold.labels
newsclf-eval -q -m model.newsclf --compare gold.labels "$NEWS" >cmp.json || fail "eval --compare gold.labels failed"
jq -e '.comparison as $c | $c.accuracy.b == 1 and $c.mcnemar.b == 0
  and $c.mcnemar.c == ([.confusion_matrix.matrix[][]] | add) - ([range(4) as $k | .confusion_matrix.matrix[$k][$k]] | add)
  and $c.mcnemar.test == "chi-square" and $c.mcnemar.p_value < 1e-6
  and $c.accuracy.interval[1] < 0 and $c.accuracy.interval[0] <= $c.accuracy.difference
  and $c.accuracy.difference <= $c.accuracy.interval[1]' cmp.json >/dev/null ||
  fail "eval --compare with the true labels: $(jq -c .comparison cmp.json)"

expect_exit 0 newsclf-eval -m model.newsclf --subset validation "$NEWS" >eval.validation.json
[ "$(jq .n eval.validation.json)" = 2001 ] || fail "the validation subset should hold 2001 rows"
eval_acc=$(jq -r '.accuracy' eval.validation.json | xargs printf '%.4f')
[ -n "$val_acc" ] && [ "$eval_acc" = "$val_acc" ] ||
  fail "eval --subset validation gives accuracy $eval_acc, fit's last val_acc was '$val_acc'"
# ... and only on the data the model was trained on: another token stream or fewer headlines are refused
newsclf-tokenize -q --vocab vocab.txt -o other.bin <(head -n 9000 "$NEWS") || fail "tokenize of the first 9000 rows failed"
newsclf-eval -m model.newsclf --subset validation other.bin >/dev/null 2>eval.other.err
[ $? -eq 2 ] && grep -q "^newsclf-eval: .*other.bin: another token stream than the model was trained on (its CRC-32 is [0-9a-f]\{8\}, the model's training data's [0-9a-f]\{8\}); --subset validation recomputes the split" eval.other.err ||
  fail "eval --subset validation of another token stream should be refused (exit 2): $(cat eval.other.err)"
newsclf-eval -m model.newsclf --subset train <(head -n 9000 "$NEWS") >/dev/null 2>eval.other.err
[ $? -eq 2 ] && grep -q ": 9000 rows, but the model was trained on 10001; --subset train recomputes" eval.other.err ||
  fail "eval --subset train of fewer headlines should be refused (exit 2): $(cat eval.other.err)"
expect_exit 0 newsclf-eval -q -m model.newsclf --subset all other.bin >/dev/null

# --- predict: plain lines (with an empty one), JSON Lines with ids, TSV rows, --top-k
cat >headlines.txt <<'EOF'
Apple unveils new iPhone with a bigger screen
Fed keeps interest rates near zero as inflation stays low
Kim Kardashian and Kanye West wedding photos revealed
Ebola outbreak in West Africa kills hundreds
Google buys smart thermostat maker Nest for $3.2 billion
Oil prices fall as US crude stockpiles rise

Microsoft releases Windows update to fix security flaw
New study links obesity to higher cancer risk
Miley Cyrus cancels concert tour
Euro zone bank stocks slide on debt worries
EOF
expect_exit 0 newsclf-predict -m model.newsclf headlines.txt >predict.lines.jsonl
[ "$(wc -l <predict.lines.jsonl)" -eq "$(wc -l <headlines.txt)" ] || fail "predict should answer every line, the empty one too"
golden_close pipeline.predict.lines.jsonl predict.lines.jsonl
newsclf-predict -m model.newsclf <headlines.txt | cmp -s - predict.lines.jsonl || fail "predict from stdin differs from predict of the file"
expect_exit 0 newsclf-predict -m model.newsclf -o predict.o.jsonl - <headlines.txt
cmp -s predict.o.jsonl predict.lines.jsonl || fail "predict -o FILE differs from predict's stdout"

cat >headlines.jsonl <<'EOF'
{"input": "Apple unveils new iPhone with a bigger screen", "id": "h1"}
{"input": "Kim Kardashian and Kanye West wedding photos revealed", "id": 2}
{"title": "Fed keeps interest rates near zero as inflation stays low", "id": "h3"}
{"input": "Microsoft releases Windows update to fix security flaw"}
{"id": "h5", "input": "Ebola outbreak in West Africa kills hundreds"}
EOF
expect_exit 0 newsclf-predict -m model.newsclf headlines.jsonl >predict.jsonl.jsonl
golden_close pipeline.predict.jsonl.jsonl predict.jsonl.jsonl
[ "$(jq -r '.id // "-"' predict.jsonl.jsonl | tr '\n' ' ')" = "h1 2 h3 - h5 " ] || fail "predict should pass every id through, in order"

sed -n '1~1000p' "$NEWS" >rows.tsv
expect_exit 0 newsclf-predict -m model.newsclf rows.tsv >predict.tsv.jsonl
[ "$(wc -l <predict.tsv.jsonl)" -eq 11 ] || fail "predict should answer each of the 11 TSV rows"
[ "$(jq -r .id predict.tsv.jsonl | tr '\n' ' ')" = "$(cut -f1 rows.tsv | tr '\n' ' ')" ] || fail "predict should pass the TSV's ID field through"
golden_close pipeline.predict.tsv.jsonl predict.tsv.jsonl

expect_exit 0 newsclf-predict -m model.newsclf --top-k 2 headlines.txt >predict.top2.jsonl
golden_close pipeline.predict.top2.jsonl predict.top2.jsonl
jq -e -s 'all(.[]; (.probabilities | length) == 2 and (.probabilities | keys_unsorted[0]) == .label
             and (.probabilities | to_entries | .[0].value >= .[1].value))' predict.top2.jsonl >/dev/null ||
  fail "--top-k 2 should give the two most probable labels, best (the label) first"

# --- predict --unbuffered answers a line while stdin is still open
coproc PREDICT { exec newsclf-predict -u -m model.newsclf; }
to_predict=${PREDICT[1]} from_predict=${PREDICT[0]} predict_pid=$PREDICT_PID
echo "Apple unveils new iPhone with a bigger screen" >&"$to_predict"
if IFS= read -r -t 20 answer <&"$from_predict"; then
  [ "$answer" = "$(head -n 1 predict.lines.jsonl)" ] || fail "predict -u answered '$answer'"
else
  fail "predict -u gave no answer within 20 s while its stdin stayed open"
fi
eval "exec $to_predict>&-"
wait "$predict_pid" || fail "predict -u should exit 0 when its stdin closes"

# --- --model names a directory: "model.newsclf" in it, or its only model file
mkdir -p dir.named dir.single
cp model.newsclf dir.named/model.newsclf
cp model.newsclf dir.single/classifier.bin
for d in dir.named dir.single; do
  newsclf-predict -m "$d" headlines.txt | cmp -s - predict.lines.jsonl || fail "predict -m $d/ differs from -m model.newsclf"
  newsclf-eval -m "$d" --subset validation tokens.bin | cmp -s - eval.validation.json || fail "eval -m $d/ differs from -m model.newsclf"
done

# --- predict --inspect: the model's readable view
expect_exit 0 newsclf-predict -m model.newsclf --inspect >inspect.json
jq -e '.format == "newsclf-model/1.4" and .calibration.validation_rows == 2001 and .arch == "mlp" and .max_words == 10000 and .vocabulary_size == 9999
       and .hyperparameters.optimizer == "rmsprop" and .hyperparameters.seed == "99"
       and .tensors.embedding == [10000, 100] and .training.validation_rows == 2001
       and (.training.history | length) == 2' inspect.json >/dev/null ||
  fail "predict --inspect: $(head -c 300 inspect.json)"

# fastText's format: every word of the normalised title, in or out of the vocabulary.
head -n 3 "$TESTDATA/news.sample.tsv" | newsclf-tokenize -q --output-format fasttext > "$SCRATCH/ft.txt"
printf '%s\n' '__label__b carl icahn rift hurts ebay ebay' \
  '__label__b ebay asks shareholders to vote against carl icahn board nominees' \
  '__label__b dow jones industrial average 5 year stock market crash anniversary direxion' | cmp -s - "$SCRATCH/ft.txt" ||
  fail "fasttext output differs: $(cat "$SCRATCH/ft.txt")"
printf 'Zyzzyva rally lifts stocks\n' | newsclf-tokenize -q --output-format fasttext --vocab "$NEWSCLF_SOURCE_DIR/tests/golden/pipeline.vocab.head50.txt" 2>/dev/null |
  grep -qx 'zyzzyva rally lifts stocks' || fail "fasttext output of an unlabelled line with a given vocabulary is not its words"

finish
