#!/usr/bin/env bash
# scripts/bench/throughput.sh on the bundled sample (linear and the workshop's mlp, one run, this
# build as its own baseline): a row for wc -w, each newsclf step and the baseline's, fastText's
# when it is installed; the JSON rows and their titles per second; a bad call exits 2.
. "$(dirname "$0")/lib.sh"

# Under a sanitizer (NEWSCLF_SANITIZE) on the sample's first 2,000 rows: every step runs twice, and
# ten copies once more.
data=$TESTDATA/news.sample.tsv
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  head -n 2000 "$data" > "$SCRATCH/news.sample.tsv"
  data=$SCRATCH/news.sample.tsv
fi
titles=$(wc -l < "$data")

RUNS=1 ARCHS="linear mlp" BASELINE=$NEWSCLF_BIN bash "$NEWSCLF_SOURCE_DIR/scripts/bench/throughput.sh" \
  "$data" "$TESTDATA/glove.sample.100d.txt.xz" --json "$SCRATCH/rows.json" \
  > "$SCRATCH/out" 2> "$SCRATCH/err" || fail "throughput.sh failed: $(tail -5 "$SCRATCH/err")"
grep -q "^throughput on news.sample.tsv: $titles titles (x10: ten copies); medians of 1 run" "$SCRATCH/out" ||
  fail "no heading: $(head -3 "$SCRATCH/out")"
expected="wc words
newsclf tokenize
newsclf predict-linear
newsclf predict-mlp
newsclf fit-workshop
newsclf tokenize-x10
newsclf predict-linear-x10
baseline tokenize
baseline predict-linear
baseline predict-mlp
baseline fit-workshop
baseline tokenize-x10
baseline predict-linear-x10"
if command -v fasttext > /dev/null; then expected+=$'\nfasttext predict'; fi
rows=$(jq -r '.[] | "\(.system) \(.step)"' "$SCRATCH/rows.json")
[ "$rows" = "$expected" ] || fail "the JSON rows are not as expected:
$rows"
while read -r sys step; do
  grep -Eq "^\| $sys +\| $step +\| +[0-9.]+ \| +[0-9]+ \| +[0-9.]+ \| +[0-9]+ \|$" "$SCRATCH/out" ||
    fail "no table row for $sys $step: $(cat "$SCRATCH/out")"
done <<<"$expected"
# (a step faster than /usr/bin/time's hundredth of a second, wc -w on a small file, shows 0 and 0)
jq -e --argjson n "$titles" 'all(.[]; .peak_rss_bytes > 0 and
           ((.seconds > 0 and (.titles_per_s - (if (.step | endswith("-x10")) then 10 * $n else $n end) / .seconds | fabs) <= 1)
            or (.seconds == 0 and .titles_per_s == 0)))' \
  "$SCRATCH/rows.json" > /dev/null || fail "the JSON values are not as expected: $(cat "$SCRATCH/rows.json")"

bash "$NEWSCLF_SOURCE_DIR/scripts/bench/throughput.sh" only-one-argument 2> /dev/null
[ $? -eq 2 ] || fail "a missing argument should exit 2"
BASELINE=/nonexistent bash "$NEWSCLF_SOURCE_DIR/scripts/bench/throughput.sh" "$TESTDATA/news.sample.tsv" \
  "$TESTDATA/glove.sample.100d.txt.xz" 2> "$SCRATCH/baseline.err"
[ $? -eq 1 ] && grep -q '/nonexistent/newsclf-tokenize missing' "$SCRATCH/baseline.err" ||
  fail "a BASELINE without the tools should exit 1 naming what is missing: $(cat "$SCRATCH/baseline.err")"

finish
