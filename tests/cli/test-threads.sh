#!/usr/bin/env bash
# newsclf-tokenize and newsclf-predict give the same bytes on one thread and on several: every
# output format of tokenize, from a file, from stdin and from gzip data, with a learned and a
# given vocabulary; predict's JSON and fastText lines, in input order.
. "$(dirname "$0")/lib.sh"

sample="$TESTDATA/news.sample.tsv"
# same WHAT FILE1 FILE2
same() { cmp -s "$2" "$3" || fail "$1: --threads 1 and --threads 3 differ"; }

variants=("--max-words 0" "--max-words 500" "--output-format jsonl" "--output-format fasttext --max-words 0" "--stats")
# Under a sanitizer, where the tools run ten times slower, two of them (the unit tests cover the rest).
[ -z "${NEWSCLF_SANITIZE:-}" ] || variants=("--max-words 500" "--stats")
for args in "${variants[@]}"; do
  for t in 1 3; do
    # shellcheck disable=SC2086
    newsclf-tokenize -q --threads $t $args -o "$SCRATCH/out.$t" "$sample" || fail "tokenize $args --threads $t"
  done
  same "tokenize $args" "$SCRATCH/out.1" "$SCRATCH/out.3"
done
newsclf-tokenize -q --max-words 300 --vocab-out "$SCRATCH/vocab" -o /dev/null "$sample"
for t in 1 3; do
  newsclf-tokenize -q --threads $t --vocab "$SCRATCH/vocab" -o "$SCRATCH/given.$t" "$sample"
  newsclf-tokenize -q --threads $t -o "$SCRATCH/stdin.$t" < "$sample"
done
same "tokenize --vocab" "$SCRATCH/given.1" "$SCRATCH/given.3"
same "tokenize from stdin" "$SCRATCH/stdin.1" "$SCRATCH/stdin.3"
newsclf-tokenize -q -o "$SCRATCH/file" "$sample"
cmp -s "$SCRATCH/file" "$SCRATCH/stdin.1" || fail "tokenize from stdin and from the file differ"
gzip -c "$sample" > "$SCRATCH/sample.tsv.gz"
newsclf-tokenize -q --threads 3 -o "$SCRATCH/gz" "$SCRATCH/sample.tsv.gz"
cmp -s "$SCRATCH/file" "$SCRATCH/gz" || fail "tokenize of gzip data differs"

newsclf-tokenize -q --max-words 0 -o "$SCRATCH/tokens" "$sample"
newsclf-fit -q --arch linear --epochs 1 -o "$SCRATCH/linear.model" "$SCRATCH/tokens"
for format in jsonl fasttext; do
  for t in 1 3; do
    newsclf-predict -q --threads $t --output-format $format -m "$SCRATCH/linear.model" -o "$SCRATCH/p.$t" "$sample" ||
      fail "predict --threads $t"
  done
  same "predict --output-format $format" "$SCRATCH/p.1" "$SCRATCH/p.3"
done
[ "$(wc -l < "$SCRATCH/p.1")" -eq "$(wc -l < "$sample")" ] || fail "predict: not one line per headline"
finish
