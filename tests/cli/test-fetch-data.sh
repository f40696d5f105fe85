#!/usr/bin/env bash
# scripts/fetch-data.sh --from DIR: clear refusals, nothing left of a file that fails its check,
# and, where ../shared/data is beside the checkout, the real files taken and verified.
. "$(dirname "$0")/lib.sh"
fetch="$NEWSCLF_SOURCE_DIR/scripts/fetch-data.sh"

bash "$fetch" --from "$SCRATCH/nowhere" "$SCRATCH/d1" 2> "$SCRATCH/err"; status=$?
[ "$status" -eq 1 ] || fail "a missing --from directory exited $status"
grep -q 'nowhere: no such directory' "$SCRATCH/err" || fail "no clear message for a missing directory: $(cat "$SCRATCH/err")"

mkdir -p "$SCRATCH/empty"
bash "$fetch" --from "$SCRATCH/empty" "$SCRATCH/d2" 2> "$SCRATCH/err" && fail "an empty --from directory was accepted"
grep -q 'holds no newsCorpora.csv' "$SCRATCH/err" || fail "no clear message for a directory without data: $(cat "$SCRATCH/err")"

# Files that are not the published ones: refused by checksum, nothing left in DEST.
mkdir -p "$SCRATCH/fake"
head -n 100 "$TESTDATA/news.sample.tsv" | xz > "$SCRATCH/fake/newsCorpora.csv.xz"
xz -dc "$TESTDATA/glove.sample.100d.txt.xz" | head -n 10 > "$SCRATCH/fake/glove.6B.100d.txt"
bash "$fetch" --from "$SCRATCH/fake" "$SCRATCH/d3" 2> "$SCRATCH/err"; status=$?
[ "$status" -eq 1 ] || fail "a file with an unknown checksum exited $status"
grep -q 'newsCorpora.csv: unknown sha256' "$SCRATCH/err" || fail "the checksum refusal does not name the file: $(cat "$SCRATCH/err")"
[ -z "$(ls -A "$SCRATCH/d3")" ] || fail "a refused file was left behind: $(ls "$SCRATCH/d3")"

bash "$fetch" --bogus 2> /dev/null; [ $? -eq 2 ] || fail "an unknown option should exit 2"

shared="$NEWSCLF_SOURCE_DIR/../shared/data"
if [ -f "$shared/newsCorpora.dev.csv.xz" ]; then
  bash "$fetch" --from "$shared" "$SCRATCH/real" > "$SCRATCH/out" 2> "$SCRATCH/err" || fail "--from $shared failed: $(cat "$SCRATCH/err")"
  grep -q 'newsCorpora.csv: sha256 ok' "$SCRATCH/err" || fail "the data set was not verified: $(cat "$SCRATCH/err")"
  grep -q 'glove.6B.100d.txt: sha256 ok' "$SCRATCH/err" || fail "the vectors were not verified: $(cat "$SCRATCH/err")"
  [ "$(wc -l < "$SCRATCH/real/newsCorpora.csv")" -eq 382814 ] || fail "the data set does not have 382,814 rows"
else
  echo "skipped: $shared is not there" >&2
fi

finish
