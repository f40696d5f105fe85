#!/usr/bin/env bash
# newsclf-tokenize on bad input, one row each (bad_input.sh says what every row checks besides its
# exit status and message): malformed headline rows, token streams that are cut short or claim
# more than they hold, bad numbers and choices, escape sequences in what a message quotes, an
# output that is an input; then --skip-bad, which counts what it skipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input.sh"

make_headline_fixtures
make_embedding_fixtures
ln -s small.tsv "$D/small-link.tsv"
ln "$D/small.tsv" "$D/small-hard.tsv"
fixtures_ready

bad_table newsclf-tokenize <<'TABLE'
# exit | message fragment | arguments
# --- headline files with one bad row (line 4) after three good ones
1 | $D/fields.tsv:4: found 3 TAB-separated fields, expected 8 | "$D/fields.tsv"
1 | $D/label.tsv:4: field 5 (CATEGORY) is "x" | "$D/label.tsv"
1 | $D/label.jsonl:2: field "category" is "q" | "$D/label.jsonl"
1 | $D/utf8.tsv:4: invalid UTF-8 at byte 8 of the line, in field 2 (TITLE) | "$D/utf8.tsv"
1 | $D/crlf.tsv:1: line ends with CR | "$D/crlf.tsv"
1 | $D/long.tsv:4: line is | "$D/long.tsv"
1 | $D/empty-title.tsv:4: field 2 (TITLE) is empty | "$D/empty-title.tsv"
1 | $D/empty.tsv: the input is empty | "$D/empty.tsv"
1 | the input is empty | - "</dev/null"
1 | $D/missing.tsv: cannot open | "$D/missing.tsv"
1 | $D: cannot read | "$D"
1 | $D/fields.tsv:4: found 3 TAB-separated fields | "$D/small.tsv" "$D/fields.tsv"
1 | $D/unlabelled.txt:1: found 1 TAB-separated fields, expected 8 | --input-format tsv "$D/unlabelled.txt"
# a matrix is no headline file
1 | $D/emb.npy:1: invalid UTF-8 | "$D/emb.npy"
# --- escape sequences where a message quotes the input: shown as \xNN, never raw
1 | $D/escape-label.tsv:4: field 5 (CATEGORY) is "\x1b[31mred\x1b[0m" | "$D/escape-label.tsv"
1 | $D/escape-fields.tsv:4: found 3 TAB-separated fields | "$D/escape-fields.tsv"
1 | $D/escape-label.jsonl:1: field "category" is "\x1b[2J" | "$D/escape-label.jsonl"
1 | $D/esc\x1b[2J.tsv:4: found 3 TAB-separated fields | "$D/esc"$'\e[2J'".tsv"
1 | $D/missing\x1b[31m\x07.tsv: cannot open | "$D/missing"$'\e[31m\a'".tsv"
2 | --input-format | --input-format $'\e[2Jtsv' "$D/small.tsv"
# --- --skip-bad: the count of skipped rows comes also when every row was bad, then the failure
1 | $D/all-bad.tsv: skipped 2 bad row(s) of 2 | --skip-bad "$D/all-bad.tsv"
1 | $D/all-bad.tsv: no valid records: all 2 row(s) were bad and skipped | --skip-bad "$D/all-bad.tsv"
1 | $D/all-bad.tsv: no valid records: all 2 row(s) were bad and skipped | -q --skip-bad "$D/all-bad.tsv"
1 | $D/empty.tsv: the input is empty | --skip-bad "$D/empty.tsv"
# --- token streams: only viewed (alone, with --output-format jsonl), and refused when damaged
2 | $D/tokens.bin is already a token stream; to view it, give it alone with --output-format jsonl | "$D/tokens.bin"
2 | is already a token stream | --output-format jsonl "$D/tokens.bin" "$D/small.tsv"
3 | $D/half.bin: truncated | --output-format jsonl "$D/half.bin"
3 | $D/v2.bin: written in tokens format version 2, newer than this newsclf reads (1); upgrade newsclf | --output-format jsonl "$D/v2.bin"
3 | $D/tokens-count-more.bin: holds 400 records but its trailer says 1099511628176 | --output-format jsonl "$D/tokens-count-more.bin"
3 | $D/tokens-count-huge.bin: holds 400 records but its trailer says 9223372036854775807 | --output-format jsonl "$D/tokens-count-huge.bin"
3 | $D/tokens-length-huge.bin: the trailer records 9223372036854775807 bytes | --output-format jsonl "$D/tokens-length-huge.bin"
3 | $D/tokens-metadata-count.bin: metadata "\x02" has unknown type 0 | --output-format jsonl "$D/tokens-metadata-count.bin"
3 | $D/tokens-string-length.bin: truncated | --output-format jsonl "$D/tokens-string-length.bin"
3 | $D/tokens-token-count.bin: record 1 | --output-format jsonl "$D/tokens-token-count.bin"
3 | $D/tokens-record-tag.bin: record 1 has an unknown tag | --output-format jsonl "$D/tokens-record-tag.bin"
# --- a vocabulary that is no word list
1 | $D/tokens.bin:1: invalid UTF-8 | --vocab "$D/tokens.bin" "$D/small.tsv"
1 | $D/missing.txt: cannot open | --vocab "$D/missing.txt" "$D/small.tsv"
# --- usage: unknown options, choices, and --max-words: 0 or 2 to 2^31, a whole number
2 | --no-such-option | --no-such-option "$D/small.tsv"
2 | --output-format | --output-format xml "$D/small.tsv"
2 | --input-format | --input-format csv "$D/small.tsv"
2 | --max-words: must be 0 (every word) or in [2, 2147483648], not 1 | --max-words 1 "$D/small.tsv"
2 | --max-words: must be 0 (every word) or in [2, 2147483648], not -1 | --max-words -1 "$D/small.tsv"
2 | not nan | --max-words nan "$D/small.tsv"
2 | not inf | --max-words inf "$D/small.tsv"
2 | not 1e400 | --max-words 1e400 "$D/small.tsv"
2 | not abc | --max-words abc "$D/small.tsv"
2 | not 1e9 | --max-words 1e9 "$D/small.tsv"
2 | not 2147483649 | --max-words 2147483649 "$D/small.tsv"
2 | not 99999999999999999999 | --max-words 99999999999999999999 "$D/small.tsv"
2 | --max-words | --max-words "" "$D/small.tsv"
2 | --max-words | --max-words "$D/small.tsv"
# --- an output that is an input, by its own name, a symbolic or a hard link: refused before reading
2 | the output $D/small.tsv is the input $D/small.tsv | -o "$D/small.tsv" "$D/small.tsv"
2 | the output $D/small-link.tsv is the input $D/small.tsv (the same file under another name) | -o "$D/small-link.tsv" "$D/small.tsv"
2 | the output $D/small-hard.tsv is the input $D/small.tsv | -o "$D/small-hard.tsv" "$D/small.tsv"
2 | the output $D/small.tsv is standard input | -o "$D/small.tsv" "<$D/small.tsv"
2 | the output $D/vocab.txt is the input $D/vocab.txt | --vocab "$D/vocab.txt" --vocab-out "$D/vocab.txt" "$D/small.tsv"
2 | the output $D/small.tsv is the input $D/small.tsv | --vocab-out "$D/small.tsv" "$D/small.tsv"
TABLE

# --skip-bad with good rows left: they are written, and the skipped ones named and counted.
newsclf-tokenize --skip-bad --output-format jsonl "$D/mixed.tsv" >"$SCRATCH/skip.jsonl" 2>"$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad failed: $(cat "$SCRATCH/skip.err")"
[ "$(wc -l <"$SCRATCH/skip.jsonl")" -eq 12 ] || fail "tokenize --skip-bad should keep the 12 good rows of 16"
grep -qF "newsclf-tokenize: $D/mixed.tsv: skipped 4 bad row(s) of 16" "$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad should count the skipped rows: $(cat "$SCRATCH/skip.err")"
grep -qF "newsclf-tokenize: skipped: $D/mixed.tsv:8: field 5 (CATEGORY)" "$SCRATCH/skip.err" ||
  fail "tokenize --skip-bad should say which rows it skipped: $(cat "$SCRATCH/skip.err")"

bad_input_finish
