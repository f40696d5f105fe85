#!/usr/bin/env bash
# newsclf-eval on bad input, one row each (bad_input.sh says what every row checks besides its exit
# status and message): malformed or unlabelled rows, models and token streams that are cut short,
# damaged or claim what they do not hold, bad choices, escape sequences in what a message quotes,
# --compare's labels cut short, too long or unknown, --bootstrap's options, an output that is an
# input; then --skip-bad, which counts what it skipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input.sh"

make_model_fixtures
ln -s small.tsv "$D/small-link.tsv"
# Another system's labels for --compare: one a row of small.tsv (400), but cut short, too long,
# or with a label that is none.
cut -f 5 "$D/small.tsv" >"$D/gold.pred"
head -n 399 "$D/gold.pred" >"$D/short.pred"
{ cat "$D/gold.pred"; echo b; } >"$D/long.pred"
sed '7s/.*/x/' "$D/gold.pred" >"$D/unknown.pred"
sed '3s/.*/{"category": "b"}/' "$D/gold.pred" >"$D/no-label.pred"
printf '{"title": "Apple unveils a new iPhone", "category": "t"}\n' >"$D/no-story.jsonl"
fixtures_ready

bad_table newsclf-eval <<'TABLE'
# exit | message fragment | arguments
# --- headline files with one bad row (line 4) after three good ones, and rows without a category
1 | $D/fields.tsv:4: found 3 TAB-separated fields, expected 8 | -m "$M" "$D/fields.tsv"
1 | $D/label.tsv:4: field 5 (CATEGORY) is "x" | -m "$M" "$D/label.tsv"
1 | $D/label.jsonl:2: field "category" is "q" | -m "$M" "$D/label.jsonl"
1 | $D/utf8.tsv:4: invalid UTF-8 at byte 8 of the line, in field 2 (TITLE) | -m "$M" "$D/utf8.tsv"
1 | $D/crlf.tsv:1: line ends with CR | -m "$M" "$D/crlf.tsv"
1 | $D/long.tsv:4: line is | -m "$M" "$D/long.tsv"
1 | $D/empty-title.tsv:4: field 2 (TITLE) is empty | -m "$M" "$D/empty-title.tsv"
1 | $D/empty.tsv: the input is empty | -m "$M" "$D/empty.tsv"
1 | the input is empty | -m "$M" - "</dev/null"
1 | $D/missing.tsv: cannot open | -m "$M" "$D/missing.tsv"
1 | $D/no-label.tsv:3: field 5 (CATEGORY) is "" | -m "$M" "$D/no-label.tsv"
1 | $D/unlabelled.txt:1: plain headline lines carry no category | -m "$M" "$D/unlabelled.txt"
1 | $D/unlabelled.bin: record 1 has no category | -m "$M" "$D/unlabelled.bin"
# --- escape sequences where a message quotes the input: shown as \xNN, never raw
1 | $D/escape-label.tsv:4: field 5 (CATEGORY) is "\x1b[31mred\x1b[0m" | -m "$M" "$D/escape-label.tsv"
1 | $D/escape-label.jsonl:1: field "category" is "\x1b[2J" | -m "$M" "$D/escape-label.jsonl"
1 | $D/esc\x1b[2J.tsv:4: found 3 TAB-separated fields | -m "$M" "$D/esc"$'\e[2J'".tsv"
# --- --skip-bad: the count of skipped rows comes also when every row was bad, then the failure
1 | $D/all-bad.tsv: skipped 2 bad row(s) of 2 | --skip-bad -m "$M" "$D/all-bad.tsv"
1 | $D/all-bad.tsv: no valid records: all 2 row(s) were bad and skipped | --skip-bad -m "$M" "$D/all-bad.tsv"
1 | $D/all-bad.tsv: no valid records: all 2 row(s) were bad and skipped | -q --skip-bad -m "$M" "$D/all-bad.tsv"
1 | $D/unlabelled.bin: skipped 20 unlabelled record(s) of 20 | --skip-bad -m "$M" "$D/unlabelled.bin"
1 | $D/unlabelled.bin: no labelled records: all 20 record(s) have no category and were skipped | -q --skip-bad -m "$M" "$D/unlabelled.bin"
# --- token streams: cut short, of a newer version, or claiming what they do not hold
3 | $D/half.bin: truncated | -m "$M" "$D/half.bin"
3 | upgrade newsclf | -m "$M" "$D/v2.bin"
3 | $D/tokens-count-huge.bin: holds 400 records but its trailer says 9223372036854775807 | -m "$M" "$D/tokens-count-huge.bin"
3 | $D/tokens-length-huge.bin: the trailer records 9223372036854775807 bytes | -m "$M" "$D/tokens-length-huge.bin"
3 | $D/tokens-string-length.bin: truncated | -m "$M" "$D/tokens-string-length.bin"
3 | $D/tokens-token-count.bin: record 1 | -m "$M" "$D/tokens-token-count.bin"
# --- models: missing, cut short, damaged, of a newer version or another kind
1 | $D/missing.newsclf: no such model file | -m "$D/missing.newsclf" "$D/small.tsv"
3 | $D/half.newsclf: truncated | -m "$D/half.newsclf" "$D/small.tsv"
3 | $D/flipped.newsclf: checksum mismatch | -m "$D/flipped.newsclf" "$D/small.tsv"
3 | upgrade newsclf | -m "$D/v2.newsclf" "$D/small.tsv"
3 | $D/tokens.bin: this is a newsclf tokens file, but a model file is needed | -m "$D/tokens.bin" "$D/small.tsv"
3 | $D/small.tsv: not a newsclf model file | -m "$D/small.tsv" "$D/small.tsv"
3 | $D/model-dimension.newsclf | -m "$D/model-dimension.newsclf" "$D/small.tsv"
3 | $D/model-tensor-count.newsclf | -m "$D/model-tensor-count.newsclf" "$D/small.tsv"
# --- usage
2 | --model is required | "$D/small.tsv"
2 | --no-such-option | -m "$M" --no-such-option "$D/small.tsv"
2 | --input-format | -m "$M" --input-format csv "$D/small.tsv"
2 | --subset | -m "$M" --subset test "$D/small.tsv"
2 | --subset | -m "$M" --subset $'\e[2J' "$D/small.tsv"
# --- --compare: labels that are not one a row, or not labels; a model that is no model; --bootstrap
1 | $D/short.pred:400: end of the predictions after 399 line(s), but 400 rows are evaluated | -m "$M" --compare "$D/short.pred" "$D/small.tsv"
1 | $D/long.pred:401: more predictions than the 400 rows evaluated | -m "$M" --compare "$D/long.pred" "$D/small.tsv"
1 | $D/unknown.pred:7: unknown label "x" | -m "$M" --compare "$D/unknown.pred" "$D/small.tsv"
1 | $D/no-label.pred:3: a JSON line without a "label" string | -m "$M" --compare "$D/no-label.pred" "$D/small.tsv"
1 | $D/empty.tsv:1: end of the predictions after 0 line(s), but 400 rows are evaluated | -m "$M" --compare "$D/empty.tsv" "$D/small.tsv"
1 | $D/missing.pred: cannot open | -m "$M" --compare "$D/missing.pred" "$D/small.tsv"
3 | $D/half.newsclf: truncated | -m "$M" --compare "$D/half.newsclf" "$D/small.tsv"
2 | the output $D/gold.pred is the input $D/gold.pred | -m "$M" --compare "$D/gold.pred" -o "$D/gold.pred" "$D/small.tsv"
2 | --bootstrap | -m "$M" --bootstrap -1 "$D/small.tsv"
2 | --bootstrap | -m "$M" --bootstrap many "$D/small.tsv"
2 | --bootstrap-unit | -m "$M" --bootstrap-unit rows "$D/small.tsv"
2 | --bootstrap-unit story: the rows have no stories | -m "$M" --bootstrap-unit story "$D/no-story.jsonl"
2 | --seed | -m "$M" --seed x "$D/small.tsv"
# --- an output that is an input, by its own name or a symbolic link: refused before reading
2 | the output $D/small.tsv is the input $D/small.tsv | -m "$M" -o "$D/small.tsv" "$D/small.tsv"
2 | the output $D/small-link.tsv is the input $D/small.tsv | -m "$M" -o "$D/small-link.tsv" "$D/small.tsv"
2 | the output $M is the input $M | -m "$M" -o "$M" "$D/small.tsv"
TABLE

# --skip-bad with good rows left: the count of the skipped ones, and the metrics of the others.
newsclf-eval --skip-bad -m "$M" "$D/mixed.tsv" >"$SCRATCH/skip.json" 2>"$SCRATCH/skip.err" ||
  fail "eval --skip-bad failed: $(cat "$SCRATCH/skip.err")"
[ "$(jq .n "$SCRATCH/skip.json")" = 12 ] || fail "eval --skip-bad should evaluate the 12 good rows"
grep -qF "newsclf-eval: $D/mixed.tsv: skipped 4 bad row(s) of 16" "$SCRATCH/skip.err" ||
  fail "eval --skip-bad should count the skipped rows: $(cat "$SCRATCH/skip.err")"

bad_input_finish
