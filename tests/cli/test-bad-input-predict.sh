#!/usr/bin/env bash
# newsclf-predict on bad input, one row each (bad_input.sh says what every row checks besides its
# exit status and message): malformed rows, models that are cut short, damaged, of another kind
# or claiming what they do not hold, bad --top-k, escape sequences in what a message quotes, an
# output that is an input; then a run that fails after writing whole batches.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input.sh"

make_model_fixtures
{ yes 'Stocks rally on jobs report' | head -n 1500; printf 'Caf\xe9 prices soar\n'; } >"$D/late-bad.txt"
ln -s small.tsv "$D/small-link.tsv"
ln "$M" "$D/model-hard.newsclf"
mkdir "$D/model-dir" && cp "$M" "$D/model-dir/model.newsclf"
fixtures_ready

bad_table newsclf-predict <<'TABLE'
# exit | message fragment | arguments
# --- headline files with one bad row (line 4) after three good ones (an empty title is answered)
1 | $D/fields.tsv:4: found 3 TAB-separated fields, expected 8 | -m "$M" "$D/fields.tsv"
1 | $D/label.tsv:4: field 5 (CATEGORY) is "x" | -m "$M" "$D/label.tsv"
1 | $D/label.jsonl:2: field "category" is "q" | -m "$M" "$D/label.jsonl"
1 | $D/utf8.tsv:4: invalid UTF-8 at byte 8 of the line, in field 2 (TITLE) | -m "$M" "$D/utf8.tsv"
1 | $D/crlf.tsv:1: line ends with CR | -m "$M" "$D/crlf.tsv"
1 | $D/long.tsv:4: line is | -m "$M" "$D/long.tsv"
1 | $D/missing.tsv: cannot open | -m "$M" "$D/missing.tsv"
1 | $D/missing\x1b[31m\x07.tsv: cannot open | -m "$M" "$D/missing"$'\e[31m\a'".tsv"
1 | $D/escape-label.tsv:4: field 5 (CATEGORY) is "\x1b[31mred\x1b[0m" | -m "$M" "$D/escape-label.tsv"
1 | $D/escape-label.jsonl:1: field "category" is "\x1b[2J" | -m "$M" "$D/escape-label.jsonl"
# --- an output that cannot be made, its name quoted escaped
1 | $D/no-such-dir/x\x1b[2J.jsonl: cannot create $D/no-such-dir/.x\x1b[2J.jsonl.newsclf-tmp. | -m "$M" -o "$D/no-such-dir/x"$'\e[2J'".jsonl" "$D/small.tsv"
# --- it fails after it has written whole batches: still no file and no temporary
1 | $D/late-bad.txt:1501: invalid UTF-8 | -m "$M" "$D/late-bad.txt"
1 | $D/late-bad.txt:1501: invalid UTF-8 | -u -m "$M" "$D/late-bad.txt"
# --- models: missing, cut short, damaged, of a newer version or another kind
1 | $D/missing.newsclf: no such model file | -m "$D/missing.newsclf" "$D/small.tsv"
1 | $D/missing\x1b[2J.newsclf: no such model file | -m "$D/missing"$'\e[2J'".newsclf" "$D/small.tsv"
3 | $D/half.newsclf: truncated | -m "$D/half.newsclf" "$D/small.tsv"
3 | $D/flipped.newsclf: checksum mismatch | -m "$D/flipped.newsclf" "$D/small.tsv"
3 | $D/v2.newsclf: written in model format version 2, newer than this newsclf reads (1); upgrade newsclf | -m "$D/v2.newsclf" "$D/small.tsv"
3 | $D/tokens.bin: this is a newsclf tokens file, but a model file is needed | -m "$D/tokens.bin" "$D/small.tsv"
3 | $D/emb.npy: not a newsclf model file | -m "$D/emb.npy" "$D/small.tsv"
3 | $D/small.tsv: not a newsclf model file | -m "$D/small.tsv" "$D/small.tsv"
3 | $D/model-count-more.newsclf | -m "$D/model-count-more.newsclf" "$D/small.tsv"
3 | $D/model-count-huge.newsclf | -m "$D/model-count-huge.newsclf" "$D/small.tsv"
3 | $D/model-length-huge.newsclf: the trailer records 9223372036854775807 bytes | -m "$D/model-length-huge.newsclf" "$D/small.tsv"
3 | " has unknown type | -m "$D/model-metadata-count.newsclf" "$D/small.tsv"
3 | $D/model-string-length.newsclf: truncated | -m "$D/model-string-length.newsclf" "$D/small.tsv"
3 | $D/model-tensor-count.newsclf | -m "$D/model-tensor-count.newsclf" "$D/small.tsv"
3 | $D/model-element-type.newsclf | -m "$D/model-element-type.newsclf" "$D/small.tsv"
3 | $D/model-rank.newsclf | -m "$D/model-rank.newsclf" "$D/small.tsv"
3 | $D/model-dimension.newsclf | -m "$D/model-dimension.newsclf" "$D/small.tsv"
3 | $D/model-member-count.newsclf | -m "$D/model-member-count.newsclf" "$D/small.tsv"
3 | $D/model-escape-arch.newsclf | -m "$D/model-escape-arch.newsclf" "$D/small.tsv"
3 | $D/model-nan-learning-rate.newsclf: learning_rate: "nan" is not a number | -m "$D/model-nan-learning-rate.newsclf" "$D/small.tsv"
# hyperparameters that make tensors no memory holds: their sizes are checked against the file's
# before anything is allocated
3 | $D/model-hidden-units.newsclf: tensor "dense_0.kernel" [10000,2] does not match | -m "$D/model-hidden-units.newsclf" "$D/small.tsv"
3 | $D/model-max-len.newsclf: tensor "dense_0.kernel" [10000,2] does not match | -m "$D/model-max-len.newsclf" "$D/small.tsv"
# metadata damaged: the CRC is checked before the metadata is read
3 | $D/model-metadata-damaged.newsclf: checksum mismatch | -m "$D/model-metadata-damaged.newsclf" "$D/small.tsv"
3 | $D/model-metadata-damaged.newsclf: checksum mismatch | --inspect -m "$D/model-metadata-damaged.newsclf"
# --- usage: --top-k from 1 to 4
2 | --model is required | "$D/small.tsv"
2 | --no-such-option | -m "$M" --no-such-option "$D/small.tsv"
2 | --input-format | -m "$M" --input-format csv "$D/small.tsv"
2 | --top-k | -m "$M" --top-k 5 "$D/small.tsv"
2 | --top-k | -m "$M" --top-k 0 "$D/small.tsv"
2 | --top-k | -m "$M" --top-k -1 "$D/small.tsv"
2 | --top-k | -m "$M" --top-k nan "$D/small.tsv"
2 | --top-k | -m "$M" --top-k inf "$D/small.tsv"
2 | --top-k | -m "$M" --top-k 1e400 "$D/small.tsv"
2 | --top-k | -m "$M" --top-k abc "$D/small.tsv"
2 | --top-k | -m "$M" --top-k 99999999999999999999 "$D/small.tsv"
2 | --top-k | -m "$M" --top-k $'\e[2J' "$D/small.tsv"
# --- an output that is an input, by its own name, a symbolic or a hard link: refused before reading
2 | the output $D/small.tsv is the input $D/small.tsv | -m "$M" -o "$D/small.tsv" "$D/small.tsv"
2 | the output $D/small-link.tsv is the input $D/small.tsv | -m "$M" -o "$D/small-link.tsv" "$D/small.tsv"
2 | the output $D/model-hard.newsclf is the input $M | -m "$M" -o "$D/model-hard.newsclf" "$D/small.tsv"
2 | the output $D/model-dir/model.newsclf is the input $D/model-dir/model.newsclf | -m "$D/model-dir" -o "$D/model-dir/model.newsclf" "$D/small.tsv"
2 | the output $D/small.tsv is standard input | -m "$M" -o "$D/small.tsv" "<$D/small.tsv"
TABLE

# predict answers an empty title and an empty input: one line per input line.
[ "$(newsclf-predict -m "$M" "$D/empty-title.tsv" | wc -l)" -eq 4 ] || fail "predict should answer a row with an empty title"
out=$(newsclf-predict -m "$M" "$D/empty.tsv") && [ -z "$out" ] || fail "predict of an empty file should print nothing and exit 0"
# A failing predict -o leaves a file that was there before as it was.
echo previous >"$SCRATCH/kept"
newsclf-predict -m "$M" -o "$SCRATCH/kept" "$D/late-bad.txt" 2>/dev/null
[ "$(cat "$SCRATCH/kept")" = previous ] || fail "a failing predict -o replaced the file that was there"
ls -A "$SCRATCH" | grep -q 'newsclf-tmp' && fail "a failing predict -o left a temporary file: $(ls -A "$SCRATCH")"

bad_input_finish
