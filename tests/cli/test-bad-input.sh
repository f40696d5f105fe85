#!/usr/bin/env bash
# Bad input of every kind: each gets the documented exit status (1 bad data or I/O, 2 bad usage,
# 3 wrong or corrupt binary format), a "newsclf-<tool>: " message on stderr that names the file,
# line and field, nothing on stdout, and no output file, whole or temporary, under the -o path.
. "$(dirname "$0")/lib.sh"

NEWS="$TESTDATA/news.sample.tsv"
GLOVE="$TESTDATA/glove.sample.100d.txt.xz"
D="$SCRATCH/data"
OUT="$SCRATCH/out"
mkdir -p "$D"

# bad CODE FRAGMENT TOOL ARGS...: runs TOOL ARGS -o $OUT/result with stdin from /dev/null.
bad() {
  local want=$1 fragment=$2 tool=$3
  shift 2
  rm -rf "$OUT" && mkdir "$OUT"
  "$@" -o "$OUT/result" </dev/null >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
  local got=$?
  local what="$* (${fragment})"
  [ "$got" -eq "$want" ] || fail "exit $got, expected $want: $what"
  [ -s "$SCRATCH/stderr" ] || fail "no message on stderr: $what"
  grep -qF -- "$tool: " "$SCRATCH/stderr" && grep -qF -- "$fragment" "$SCRATCH/stderr" ||
    fail "the message should say \"$tool: ...$fragment...\": $what; it was: $(cat "$SCRATCH/stderr")"
  grep -v "^$tool: " "$SCRATCH/stderr" | grep -q . && fail "stderr lines without the \"$tool: \" prefix: $what: $(cat "$SCRATCH/stderr")"
  [ -s "$SCRATCH/stdout" ] && fail "wrote to stdout: $what"
  [ -z "$(ls -A "$OUT")" ] || fail "left $(ls -A "$OUT" | tr '\n' ' ')behind: $what"
}

# --- headline files with one bad row (line 4) after three good ones
head -n 3 "$NEWS" >"$D/good3.tsv"
row() { printf '999\t%s\thttp://example.com/a\tExample\t%s\tstory999\texample.com\t1394470921011\n' "$1" "$2"; }
{ cat "$D/good3.tsv"; printf '999\tonly three\tfields\n'; } >"$D/fields.tsv"
{ cat "$D/good3.tsv"; row '  ' b; } >"$D/empty-title.tsv"
{ cat "$D/good3.tsv"; row 'Stocks rally on jobs report' x; } >"$D/label.tsv"
{ cat "$D/good3.tsv"; row $'Caf\xe9 prices soar' b; } >"$D/utf8.tsv"
{ cat "$D/good3.tsv"; printf '999\t'; head -c 10000000 /dev/zero | tr '\0' a; printf '\t'; row '' b | cut -f 3-; } >"$D/long.tsv"
sed 's/$/\r/' "$D/good3.tsv" >"$D/crlf.tsv"
: >"$D/empty.tsv"
{ echo '{"title": "Stocks rally", "category": "b"}'; echo '{"title": "Stocks fall", "category": "q"}'; } >"$D/label.jsonl"

# A small model for the tools that need one.
head -n 400 "$NEWS" >"$D/small.tsv"
newsclf-tokenize -q --max-words 500 -o "$D/tokens.bin" "$D/small.tsv" || fail "tokenize of a good file failed"
newsclf-embed -q --vocab "$D/tokens.bin" -o "$D/emb.npy" "$GLOVE" || fail "embed of a good file failed"
newsclf-fit -q -e "$D/emb.npy" --epochs 1 -o "$D/model.newsclf" "$D/tokens.bin" || fail "fit of a good file failed"
M="$D/model.newsclf"

for tool in newsclf-tokenize newsclf-eval newsclf-predict; do
  m=()
  [ "$tool" = newsclf-tokenize ] || m=(-m "$M")
  bad 1 "$D/fields.tsv:4: found 3 TAB-separated fields, expected 8" "$tool" "${m[@]}" "$D/fields.tsv"
  bad 1 "$D/label.tsv:4: field 5 (CATEGORY) is \"x\"" "$tool" "${m[@]}" "$D/label.tsv"
  bad 1 "$D/label.jsonl:2: field \"category\" is \"q\"" "$tool" "${m[@]}" "$D/label.jsonl"
  bad 1 "$D/utf8.tsv:4: invalid UTF-8 at byte 8 of the line, in field 2 (TITLE)" "$tool" "${m[@]}" "$D/utf8.tsv"
  bad 1 "$D/crlf.tsv:1: line ends with CR" "$tool" "${m[@]}" "$D/crlf.tsv"
  bad 1 "$D/long.tsv:4: line is" "$tool" "${m[@]}" "$D/long.tsv"
  bad 1 "$D/missing.tsv: cannot open" "$tool" "${m[@]}" "$D/missing.tsv"
  if [ "$tool" != newsclf-predict ]; then
    bad 1 "$D/empty-title.tsv:4: field 2 (TITLE) is empty" "$tool" "${m[@]}" "$D/empty-title.tsv"
    bad 1 "$D/empty.tsv: the input is empty" "$tool" "${m[@]}" "$D/empty.tsv"
  fi
done
# predict answers an empty title and an empty input: one line per input line.
[ "$(newsclf-predict -m "$M" "$D/empty-title.tsv" | wc -l)" -eq 4 ] || fail "predict should answer a row with an empty title"
out=$(newsclf-predict -m "$M" "$D/empty.tsv") && [ -z "$out" ] || fail "predict of an empty file should print nothing and exit 0"
# eval needs a category on every row.
{ head -n 2 "$D/good3.tsv"; row 'Stocks rally on jobs report' ''; } >"$D/no-label.tsv"
bad 1 "$D/no-label.tsv:3: field 5 (CATEGORY) is \"\"" newsclf-eval -m "$M" "$D/no-label.tsv"

# predict fails after it has written whole batches: still no file, no temporary, and a file that
# was there before is left as it was.
{ yes 'Stocks rally on jobs report' | head -n 1500; printf 'Caf\xe9 prices soar\n'; } >"$D/late-bad.txt"
bad 1 "$D/late-bad.txt:1501: invalid UTF-8" newsclf-predict -m "$M" "$D/late-bad.txt"
bad 1 "$D/late-bad.txt:1501: invalid UTF-8" newsclf-predict -u -m "$M" "$D/late-bad.txt"
echo previous >"$SCRATCH/kept"
newsclf-predict -m "$M" -o "$SCRATCH/kept" "$D/late-bad.txt" 2>/dev/null
[ "$(cat "$SCRATCH/kept")" = previous ] || fail "a failing predict -o replaced the file that was there"
ls "$SCRATCH" | grep -q '\.tmp\.' && fail "a failing predict -o left a temporary file: $(ls "$SCRATCH")"

# --- --skip-bad: bad rows are skipped and counted on stderr
cat "$D/fields.tsv" "$D/label.tsv" "$D/empty-title.tsv" "$D/utf8.tsv" >"$D/mixed.tsv"
newsclf-tokenize --skip-bad --output-format jsonl "$D/mixed.tsv" >"$SCRATCH/skip.jsonl" 2>"$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad failed: $(cat "$SCRATCH/skip.err")"
[ "$(wc -l <"$SCRATCH/skip.jsonl")" -eq 12 ] || fail "tokenize --skip-bad should keep the 12 good rows of 16"
grep -qF "newsclf-tokenize: $D/mixed.tsv: skipped 4 bad row(s) of 16" "$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad should count the skipped rows: $(cat "$SCRATCH/skip.err")"
grep -qF "newsclf-tokenize: skipped: $D/mixed.tsv:8: field 5 (CATEGORY)" "$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad should say which rows it skipped: $(cat "$SCRATCH/skip.err")"
newsclf-eval --skip-bad -m "$M" "$D/mixed.tsv" >"$SCRATCH/skip.json" 2>"$SCRATCH/skip.err" ||
  fail "eval --skip-bad failed: $(cat "$SCRATCH/skip.err")"
[ "$(jq .n "$SCRATCH/skip.json")" = 12 ] || fail "eval --skip-bad should evaluate the 12 good rows"
grep -qF "newsclf-eval: $D/mixed.tsv: skipped 4 bad row(s) of 16" "$SCRATCH/skip.err" ||
  fail "eval --skip-bad should count the skipped rows: $(cat "$SCRATCH/skip.err")"
cat "$D/crlf.tsv" "$D/utf8.tsv" | tail -n 1 >"$D/all-bad.tsv"
bad 1 "$D/all-bad.tsv: no valid records" newsclf-tokenize --skip-bad "$D/all-bad.tsv"
bad 1 "$D/all-bad.tsv: no valid records" newsclf-eval --skip-bad -m "$M" "$D/all-bad.tsv"

# --- word vectors: another dimension than --dim, either way
bad 1 "$GLOVE:1: the vectors have 100 dimensions, but the matrix needs 50 (--dim)" \
  newsclf-embed --vocab "$D/tokens.bin" --dim 50 "$GLOVE"
xz -dc "$GLOVE" | head -n 200 | cut -d ' ' -f 1-51 >"$D/glove.50d.txt"
bad 1 "$D/glove.50d.txt:1: the vectors have 50 dimensions, but the matrix needs 100 (--dim)" \
  newsclf-embed --vocab "$D/tokens.bin" "$D/glove.50d.txt"
bad 1 "$D/missing.txt: cannot open" newsclf-embed --vocab "$D/tokens.bin" "$D/missing.txt"
bad 1 "$D/missing.vocab: cannot open" newsclf-embed --vocab "$D/missing.vocab" "$GLOVE"

# --- binary files: cut short, corrupt, of another kind, of a newer version
half() { head -c $(($(stat -c %s "$1") / 2)) "$1" >"$2"; }
half "$M" "$D/half.newsclf"
half "$D/tokens.bin" "$D/half.bin"
bad 3 "$D/half.newsclf: truncated" newsclf-eval -m "$D/half.newsclf" "$D/small.tsv"
bad 3 "$D/half.newsclf: truncated" newsclf-predict -m "$D/half.newsclf" "$D/small.tsv"
bad 3 "$D/half.bin: truncated" newsclf-fit -e "$D/emb.npy" "$D/half.bin"
bad 3 "$D/half.bin: truncated" newsclf-eval -m "$M" "$D/half.bin"
bad 3 "$D/half.bin: truncated" newsclf-tokenize --output-format jsonl "$D/half.bin"
bad 3 "$D/half.bin: truncated" newsclf-embed --vocab "$D/half.bin" "$GLOVE"
half "$D/emb.npy" "$D/half.npy"
bad 3 "$D/half.npy" newsclf-fit -e "$D/half.npy" "$D/tokens.bin"

# one byte flipped in the middle of the weights
size=$(stat -c %s "$M")
{ head -c $((size - 1000)) "$M"; printf '\x7f'; tail -c 999 "$M"; } >"$D/flipped.newsclf"
cmp -s "$D/flipped.newsclf" "$M" && fail "the flipped model should differ from the model"
bad 3 "$D/flipped.newsclf: checksum mismatch" newsclf-predict -m "$D/flipped.newsclf" "$D/small.tsv"

bad 3 "$D/tokens.bin: this is a newsclf tokens file, but a model file is needed" newsclf-predict -m "$D/tokens.bin" "$D/small.tsv"
bad 3 "$D/tokens.bin: this is a newsclf tokens file, but a model file is needed" newsclf-eval -m "$D/tokens.bin" "$D/small.tsv"
bad 3 "$D/emb.npy: not a newsclf model file" newsclf-predict -m "$D/emb.npy" "$D/small.tsv"
bad 3 "$D/small.tsv: not a newsclf model file" newsclf-eval -m "$D/small.tsv" "$D/small.tsv"
bad 3 "$M: this is a newsclf model file, but a tokens file is needed" newsclf-fit -e "$D/emb.npy" "$M"
bad 3 "$D/tokens.bin" newsclf-fit -e "$D/tokens.bin" "$D/tokens.bin"

# the magic "newsclf-model/1\n...": a newer major version is refused with advice to upgrade
newer() { { head -c 16 "$1" | sed "s|/1|/$3|"; tail -c +17 "$1"; } >"$2"; }
newer "$M" "$D/v2.newsclf" 2
newer "$D/tokens.bin" "$D/v2.bin" 2
head -c 16 "$D/v2.newsclf" | grep -q '^newsclf-model/2$' || fail "the patched magic should read newsclf-model/2"
bad 3 "$D/v2.newsclf: written in model format version 2, newer than this newsclf reads (1); upgrade newsclf" \
  newsclf-predict -m "$D/v2.newsclf" "$D/small.tsv"
bad 3 "upgrade newsclf" newsclf-eval -m "$D/v2.newsclf" "$D/small.tsv"
bad 3 "$D/v2.bin: written in tokens format version 2, newer than this newsclf reads (1); upgrade newsclf" \
  newsclf-fit -e "$D/emb.npy" "$D/v2.bin"
bad 3 "upgrade newsclf" newsclf-eval -m "$M" "$D/v2.bin"

# --- usage: unknown options, bad values, missing required options (exit 2)
bad 2 "--no-such-option" newsclf-tokenize --no-such-option "$D/small.tsv"
bad 2 "--no-such-option" newsclf-embed --vocab "$D/tokens.bin" --no-such-option "$GLOVE"
bad 2 "--no-such-option" newsclf-fit -e "$D/emb.npy" --no-such-option "$D/tokens.bin"
bad 2 "--no-such-option" newsclf-eval -m "$M" --no-such-option "$D/small.tsv"
bad 2 "--no-such-option" newsclf-predict -m "$M" --no-such-option "$D/small.tsv"
fit=(newsclf-fit -e "$D/emb.npy" "$D/tokens.bin")
bad 2 'epochs: "0" is not an integer >= 1' "${fit[@]}" --epochs 0
bad 2 'batch_size: "0"' "${fit[@]}" --batch-size 0
bad 2 'split_by: "foo" is not one of row, story' "${fit[@]}" --split-by foo
bad 2 'optimizer: "foo"' "${fit[@]}" --optimizer foo
bad 2 'learning_rate: "abc"' "${fit[@]}" --learning-rate abc
bad 2 'validation_split: "1.5"' "${fit[@]}" --validation-split 1.5
bad 2 'seed: "-1"' "${fit[@]}" --seed -1
bad 2 "--arch mlp needs --embedding" newsclf-fit "$D/tokens.bin"
bad 2 "--model is required" newsclf-predict "$D/small.tsv"
bad 2 "--vocab is required" newsclf-embed "$GLOVE"
bad 2 "--max-words" newsclf-tokenize --max-words 1 "$D/small.tsv"
bad 2 "--output-format" newsclf-tokenize --output-format xml "$D/small.tsv"
bad 2 "--input-format" newsclf-eval -m "$M" --input-format csv "$D/small.tsv"
bad 2 "--subset" newsclf-eval -m "$M" --subset test "$D/small.tsv"
bad 2 "--top-k" newsclf-predict -m "$M" --top-k 5 "$D/small.tsv"
bad 2 "--dim" newsclf-embed --vocab "$D/tokens.bin" --dim 0 "$GLOVE"

# --- missing files (exit 1)
bad 1 "$D/missing.bin: cannot open" newsclf-fit -e "$D/emb.npy" "$D/missing.bin"
bad 1 "$D/missing.npy: cannot open" newsclf-fit -e "$D/missing.npy" "$D/tokens.bin"
bad 1 "$D/missing.newsclf: no such model file" newsclf-predict -m "$D/missing.newsclf" "$D/small.tsv"
bad 1 "$D/missing.newsclf: no such model file" newsclf-eval -m "$D/missing.newsclf" "$D/small.tsv"

finish
