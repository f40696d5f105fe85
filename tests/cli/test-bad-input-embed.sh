#!/usr/bin/env bash
# newsclf-embed on bad input, one row each (bad_input.sh says what every row checks besides its exit
# status and message): word vectors of another dimension or with bad numbers, vocabularies that
# are damaged token streams, bad --dim and --rows, escape sequences in what a message quotes, an
# output that is an input.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input.sh"

make_embedding_fixtures
xz -dc "$GLOVE" | head -n 200 | cut -d ' ' -f 1-51 >"$D/glove.50d.txt"
printf 'the 1 2 3\nof nan 2 3\n' >"$D/vec-nan.txt"
printf 'the 1 2 3\nof 1e400 2 3\n' >"$D/vec-big.txt"
printf 'the 1 2 3\nof -inf 2 3\n' >"$D/vec-inf.txt"
printf 'the 1 2\n' >"$D/vec-short.txt"
printf '2 3\nthe 1 2 3\nof \e[31m 2 3\n' >"$D/vec-escape.vec"
printf 'not a gzip file' | cat <(printf '\x1f\x8b') - >"$D/broken.txt.gz"
head -c 100 "$GLOVE" >"$D/cut.txt.xz"
# a gzip member whose trailer claims 4 GB of text, and a .vec header that claims 10^11 words
printf 'the 1 2 3\nof 4 5 6\n' | gzip -c >"$D/isize.txt.gz"
printf '\xff\xff\xff\xff' | dd of="$D/isize.txt.gz" bs=1 seek=$(($(stat -c %s "$D/isize.txt.gz") - 4)) conv=notrunc status=none
printf '99999999999 3\nthe 1 2 3\n' >"$D/count-huge.vec"
ln -s emb.npy "$D/emb-link.npy"
fixtures_ready

bad_table newsclf-embed <<'TABLE'
# exit | message fragment | arguments
# --- word vectors of another dimension than --dim, either way
1 | $GLOVE:1: the vectors have 100 dimensions, but the matrix needs 50 (--dim) | --vocab "$D/tokens.bin" --dim 50 "$GLOVE"
1 | $D/glove.50d.txt:1: the vectors have 50 dimensions, but the matrix needs 100 (--dim) | --vocab "$D/tokens.bin" "$D/glove.50d.txt"
1 | $D/vec-short.txt:1: the vectors have 2 dimensions, but the matrix needs 3 (--dim) | --vocab "$D/tokens.bin" --dim 3 "$D/vec-short.txt"
# --- numbers in the vectors: finite float32 values only
1 | $D/vec-nan.txt:2: field 2 ("nan") is not a finite number | --vocab "$D/tokens.bin" --dim 3 "$D/vec-nan.txt"
1 | $D/vec-inf.txt:2: field 2 ("-inf") is not a finite number | --vocab "$D/tokens.bin" --dim 3 "$D/vec-inf.txt"
1 | $D/vec-big.txt:2: field 2 ("1e400") is not a number | --vocab "$D/tokens.bin" --dim 3 "$D/vec-big.txt"
1 | $D/vec-escape.vec:3: field 2 ("\x1b[31m") is not a number | --vocab "$D/tokens.bin" --dim 3 "$D/vec-escape.vec"
# --- files that are no word vectors, or compressed and damaged
1 | $D/small.tsv:1: the vectors have | --vocab "$D/tokens.bin" "$D/small.tsv"
1 | $D/emb.npy:1: the vectors have | --vocab "$D/tokens.bin" "$D/emb.npy"
1 | $D/broken.txt.gz | --vocab "$D/tokens.bin" "$D/broken.txt.gz"
1 | $D/cut.txt.xz | --vocab "$D/tokens.bin" "$D/cut.txt.xz"
1 | $D/isize.txt.gz: gzip data is corrupt or truncated | --vocab "$D/tokens.bin" --dim 3 "$D/isize.txt.gz"
1 | $D/missing.txt: cannot open | --vocab "$D/tokens.bin" "$D/missing.txt"
1 | $D/missing\x1b[2J.txt: cannot open | --vocab "$D/tokens.bin" "$D/missing"$'\e[2J'".txt"
# --- vocabularies: missing, or token streams cut short or claiming what they do not hold
1 | $D/missing.vocab: cannot open | --vocab "$D/missing.vocab" "$GLOVE"
3 | $D/half.bin: truncated | --vocab "$D/half.bin" "$GLOVE"
3 | upgrade newsclf | --vocab "$D/v2.bin" "$GLOVE"
3 | $D/tokens-count-huge.bin: holds 400 records but its trailer says 9223372036854775807 | --vocab "$D/tokens-count-huge.bin" "$GLOVE"
3 | $D/tokens-length-huge.bin: the trailer records 9223372036854775807 bytes | --vocab "$D/tokens-length-huge.bin" "$GLOVE"
3 | $D/tokens-metadata-count.bin: metadata "\x02" has unknown type 0 | --vocab "$D/tokens-metadata-count.bin" "$GLOVE"
3 | $D/tokens-string-length.bin: truncated | --vocab "$D/tokens-string-length.bin" "$GLOVE"
1 | $D/emb.npy:1: invalid UTF-8 | --vocab "$D/emb.npy" "$GLOVE"
# --- usage: --dim from 1 to 65536, --rows from 0 to 2^31, whole numbers
2 | --vocab is required | "$GLOVE"
2 | --no-such-option | --vocab "$D/tokens.bin" --no-such-option "$GLOVE"
2 | --dim: "0" is not a whole number from 1 to 65536 | --vocab "$D/tokens.bin" --dim 0 "$GLOVE"
2 | --dim: "-1" is not a whole number from 1 to 65536 | --vocab "$D/tokens.bin" --dim -1 "$GLOVE"
2 | --dim: "nan" is not | --vocab "$D/tokens.bin" --dim nan "$GLOVE"
2 | --dim: "inf" is not | --vocab "$D/tokens.bin" --dim inf "$GLOVE"
2 | --dim: "1e400" is not | --vocab "$D/tokens.bin" --dim 1e400 "$GLOVE"
2 | --dim: "abc" is not | --vocab "$D/tokens.bin" --dim abc "$GLOVE"
2 | --dim: "1e9" is not | --vocab "$D/tokens.bin" --dim 1e9 "$GLOVE"
2 | --dim: "1000000000" is not | --vocab "$D/tokens.bin" --dim 1000000000 "$GLOVE"
2 | --dim: "2.5" is not | --vocab "$D/tokens.bin" --dim 2.5 "$GLOVE"
2 | --rows: "-1" is not a whole number from 0 to 2147483648 | --vocab "$D/tokens.bin" --rows -1 "$GLOVE"
2 | --rows: "nan" is not | --vocab "$D/tokens.bin" --rows nan "$GLOVE"
2 | --rows: "inf" is not | --vocab "$D/tokens.bin" --rows inf "$GLOVE"
2 | --rows: "1e400" is not | --vocab "$D/tokens.bin" --rows 1e400 "$GLOVE"
2 | --rows: "1000000000000" is not | --vocab "$D/tokens.bin" --rows 1000000000000 "$GLOVE"
2 | --rows: "99999999999999999999" is not | --vocab "$D/tokens.bin" --rows 99999999999999999999 "$GLOVE"
2 | --rows: "?[2J" is not | --vocab "$D/tokens.bin" --rows $'\e[2J' "$GLOVE"
2 | the matrix needs at least 500 rows for 499 words plus padding | --vocab "$D/tokens.bin" --rows 1 "$GLOVE"
# A matrix of 2^31 rows is a usage error's size no memory holds: today it fails when allocated.
~1 | out of memory | --vocab "$D/tokens.bin" --rows 2147483648 "$GLOVE"
# --- an output that is an input, by its own name or a symbolic link
2 | the output $D/tokens.bin is the input $D/tokens.bin | -o "$D/tokens.bin" --vocab "$D/tokens.bin" "$GLOVE"
2 | the output $D/emb-link.npy is the input $D/emb.npy | -o "$D/emb-link.npy" --vocab "$D/tokens.bin" "$D/emb.npy"
TABLE

# The word count of a .vec header is not trusted for a size: the file is read as it is.
( ulimit -v "${BAD_INPUT_MEMORY_KB:-unlimited}"
  exec newsclf-embed -q --vocab "$D/tokens.bin" --dim 3 -o "$SCRATCH/count-huge.npy" "$D/count-huge.vec" ) ||
  fail "embed of a .vec whose header claims 10^11 words failed"

bad_input_finish
