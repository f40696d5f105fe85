#!/usr/bin/env bash
# Benchmark of training under mpirun: every architecture newsclf-fit --help lists under --arch
# (each with its defaults), fit on one rank and on two (mpirun -np 2 on this host), on the story
# split's train file, scored on its test file (stories none of the training rows come from).
# Prints one table: for each arch and number of ranks, the fit's wall time, training rows per
# second of it, accuracy on the test stories, and what the ranks exchanged: allreduces, bytes per
# allreduce (per step for mlp, cnn, lstm; per average for the bag; per round for linear) and the
# share of the training time spent in them (waiting for the slower rank included).
#
#   scripts/bench/mpi.sh DATA GLOVE [--json FILE]
#
# DATA is the data set's TSV, GLOVE the GloVe 100-d text (either may be compressed). The story
# split (int(md5(STORY), 16) % 5 == 0 is test) is split.py's; the train file is tokenized with
# every word and embedded once, outside the timings. Timed: newsclf-fit, whole process (mpirun's
# start included for two ranks). Wall times are medians of RUNS runs (default 3); accuracy and
# the exchange figures are the last run's. MPIRUN_ARGS (default none) go to mpirun before the
# program, e.g. --oversubscribe where mpirun counts fewer slots than 2. As root, the script
# allows its own mpirun to run as root (OMPI_ALLOW_RUN_AS_ROOT). Last, the speed-up to expect on
# HOSTS hosts (default 8, the workshop's) joined at GBIT_S Gbit/s (default 10) with LATENCY_US
# microseconds a message (default 50), worked out by mpi_estimate.jq from the two-rank runs'
# work and allreduce figures; --json writes it as "estimate".
set -euo pipefail
. "$(dirname "$0")/common.sh"
bench=$here/scripts/bench
runs=${RUNS:-3}
read -r -a mpirun_args <<<"${MPIRUN_ARGS:-}"
python=/usr/bin/python3
data_glove_args "$@"
require_tools "$bin" tokenize embed fit eval
command -v mpirun >/dev/null || { echo "mpi.sh: no mpirun: run scripts/setup.sh (openmpi-bin)" >&2; exit 1; }
if "$bin/newsclf-fit" --version | grep -q '^MPI: none'; then
  echo "mpi.sh: newsclf was built without MPI" >&2
  exit 1
fi
for t in jq /usr/bin/time; do command -v "$t" >/dev/null || { echo "mpi.sh: missing $t" >&2; exit 1; }; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

archs=$(fit_archs "$bin")
[ -n "$archs" ] || { echo "mpi.sh: newsclf-fit --help lists no --arch choices" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain "$data" "$work/data.tsv"
plain "$glove" "$work/glove.txt"
echo "mpi.sh: splitting $(basename "$data"); archs: $archs; 1 and 2 ranks; $runs run(s)" >&2
$python "$bench/split.py" "$work/data.tsv" "$work/splits"
train=$work/splits/story.train.tsv test=$work/splits/story.test.tsv
"$bin/newsclf-tokenize" -q --max-words 0 -o "$work/tokens" "$train"
"$bin/newsclf-embed" -q --vocab "$work/tokens" -o "$work/embedding.npy" "$work/glove.txt"
rows=$(grep -c . "$train")

# fit ARCH RANKS RUN: one timed fit; its wall time appended to $work/times, its stderr in
# $work/ARCH.RANKS.log, the model in $work/ARCH.RANKS.model.
fit() {
  local arch=$1 ranks=$2 run=$3 launcher=()
  [ "$ranks" = 1 ] || launcher=(mpirun -np "$ranks" "${mpirun_args[@]}")
  echo "mpi.sh: $arch on $ranks rank(s), run $run" >&2
  if ! /usr/bin/time -f "$arch $ranks %e" -a -o "$work/times" "${launcher[@]}" "$bin/newsclf-fit" --arch "$arch" \
       -e "$work/embedding.npy" -o "$work/$arch.$ranks.model" "$work/tokens" >/dev/null 2>"$work/$arch.$ranks.log"; then
    echo "mpi.sh: $arch on $ranks rank(s) failed:" >&2
    tail -5 "$work/$arch.$ranks.log" >&2
    exit 1
  fi
}
for run in $(seq "$runs"); do
  for arch in $archs; do
    for ranks in 1 2; do fit "$arch" "$ranks" "$run"; done
  done
done

results=()
for arch in $archs; do
  for ranks in 1 2; do
    wall=$(awk -v a="$arch" -v r="$ranks" '$1 == a && $2 == r { print $3 }' "$work/times" | median)
    accuracy=$("$bin/newsclf-eval" -q -m "$work/$arch.$ranks.model" "$test" | jq .accuracy)
    # "on 2 ranks: 200 allreduces of 0.080 MB each took 0.45 s, 73.0% of the 0.61 s of training"
    traffic=$(sed -n 's/.*on [0-9]* ranks: \([0-9]*\) allreduces of \([0-9.]*\) MB each took \([0-9.]*\) s, \([0-9.]*\)% .*/\1 \2 \3 \4/p' \
      "$work/$arch.$ranks.log" | tail -1)
    read -r allreduces megabytes seconds share <<<"${traffic:-0 0 0 0}"
    results+=("$(jq -nc --arg arch "$arch" --argjson ranks "$ranks" --argjson wall "$wall" --argjson rows "$rows" \
      --argjson accuracy "$accuracy" --argjson allreduces "$allreduces" --argjson mb "$megabytes" \
      --argjson seconds "$seconds" --argjson share "$share" \
      '{arch: $arch, ranks: $ranks, wall_s: $wall, rows_per_s: ($rows / $wall), accuracy: $accuracy,
        allreduces: $allreduces, allreduce_mb: $mb, allreduce_s: $seconds, allreduce_share: ($share / 100)}')")
  done
done

printf '%s\n' "${results[@]}" | jq -s --argjson rows "$rows" --argjson runs "$runs" --arg data "$(basename "$data")" \
  --arg cpus "$(nproc)" --arg mpi "$("$bin/newsclf-fit" --version | sed -n 's/^MPI: //p')" \
  '{data: $data, split: "story", train_rows: $rows, runs: $runs, cpus: ($cpus | tonumber), mpi: $mpi, results: .}' |
  jq --argjson hosts "${HOSTS:-8}" --argjson gbit_s "${GBIT_S:-10}" --argjson latency_us "${LATENCY_US:-50}" \
    -f "$bench/mpi_estimate.jq" >"$work/result.json"
{
  printf '%-9s %5s %8s %9s %8s %10s %9s %9s\n' arch ranks wall_s rows/s accuracy allreduces MB_each share
  jq -r '.results[] | [.arch, .ranks, (.wall_s | tostring), (.rows_per_s | floor | tostring),
          (.accuracy * 10000 | round / 10000 | tostring), (.allreduces | tostring), (.allreduce_mb | tostring),
          ((.allreduce_share * 1000 | round / 10 | tostring) + "%")] | @tsv' "$work/result.json" |
    awk -F'\t' '{ printf "%-9s %5s %8s %9s %8s %10s %9s %9s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
}
jq -r '.estimate | "\nExpected on \(.hosts) hosts, one rank each, \(.gbit_s) Gbit/s and \(.latency_us) us between them (mpi_estimate.jq):",
  (.results[] | "  \(.arch): \(.compute_ms * 1000 | round / 1000) ms of work and \(.allreduce_ms * 100 | round / 100) ms of allreduce an exchange, speed-up \(.speedup * 100 | round / 100)")' \
  "$work/result.json"
if [ -n "$json" ]; then cp "$work/result.json" "$json"; fi
