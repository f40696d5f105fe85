#!/usr/bin/env bash
# scripts/bench/mpi.sh on the bundled sample: every arch on one and two ranks in the table and the
# JSON, the two-rank runs with the allreduces they made and the one-rank runs with none, and the
# estimate for 8 hosts worked out from them.
# Under a sanitizer (NEWSCLF_SANITIZE) on the first 2,000 rows of the sample (1,512 training rows
# in the story split): the same runs through the same code, a fifth of the work; the accuracies
# there are only better than a guess, and the Release run holds them above 0.6.
. "$(dirname "$0")/lib.sh"

if ! command -v mpirun >/dev/null || newsclf-fit --version | grep -q '^MPI: none'; then
  echo "skipped: no mpirun, or newsclf built without MPI"
  finish
  exit 0
fi
data=$TESTDATA/news.sample.tsv train_rows=7819 accuracy=0.6
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  head -n 2000 "$data" > "$SCRATCH/news.tsv"
  data=$SCRATCH/news.tsv train_rows=1512 accuracy=0.3
fi
RUNS=1 MPIRUN_ARGS=--oversubscribe bash "$NEWSCLF_SOURCE_DIR/scripts/bench/mpi.sh" "$data" \
  "$TESTDATA/glove.sample.100d.txt.xz" --json "$SCRATCH/bench.json" >"$SCRATCH/out" 2>"$SCRATCH/err" ||
  fail "mpi.sh failed: $(tail -5 "$SCRATCH/err")"
archs=$(newsclf-fit --help | sed -n 's/.*--arch[^{]*{\([^}]*\)}.*/\1/p' | tr ',' ' ')
for arch in $archs; do
  for ranks in 1 2; do
    grep -qE "^$arch +$ranks " "$SCRATCH/out" || fail "the table has no row for $arch on $ranks rank(s)"
  done
done
jq -e --arg archs "$archs" --argjson rows "$train_rows" --argjson accuracy "$accuracy" '
  (.results | length) == ($archs | split(" ") | length) * 2 and .train_rows == $rows and .runs == 1
  and all(.results[]; .wall_s > 0 and .rows_per_s > 0 and .accuracy > $accuracy)
  and all(.results[] | select(.ranks == 1); .allreduces == 0)
  and all(.results[] | select(.ranks == 2); .allreduces > 0 and .allreduce_mb > 0 and .allreduce_share > 0)
  and .estimate.hosts == 8 and (.estimate.results | length) == ($archs | split(" ") | length)
  and all(.estimate.results[]; .speedup > 0 and .allreduce_ms > 0)' "$SCRATCH/bench.json" >/dev/null ||
  fail "the JSON is not as expected: $(cat "$SCRATCH/bench.json")"
grep -q '^Expected on 8 hosts' "$SCRATCH/out" || fail "no estimate for 8 hosts: $(cat "$SCRATCH/out")"

bash "$NEWSCLF_SOURCE_DIR/scripts/bench/mpi.sh" only-one-argument 2>/dev/null
[ $? -eq 2 ] || fail "a missing argument should exit 2"

finish
