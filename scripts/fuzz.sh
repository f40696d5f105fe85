#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-fuzz/ with clang (through ccache, with ASan
# and UBSan) and runs each for SECONDS on its corpus (build-fuzz/corpus/<target>, started from
# tests/fuzz/seeds and regressions) with its dictionary, $(nproc) targets at a time. Prints one
# line a target: executions per second, coverage (cov, ft), corpus size and status; exits 1 when
# a target found a crash, leak, timeout or out-of-memory (its input kept in
# build-fuzz/artifacts/<target>/, to be copied to tests/fuzz/regressions/<target>/ once fixed).
# Usage: scripts/fuzz.sh SECONDS [TARGET...]
#   targets: records embeddings npy token_stream model http (default: all)
#   FUZZ_JOBS=N runs N targets at a time (default: the number of CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(records embeddings npy token_stream model http)
usage() { echo "usage: scripts/fuzz.sh SECONDS [TARGET...]; targets: ${all[*]}" >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1
shift
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target \"$t\"" >&2; usage; }
done
jobs=${FUZZ_JOBS:-$(nproc)}

# Longest input a target makes up: each format's seeds with room to grow.
declare -A max_len=([records]=4096 [embeddings]=4096 [npy]=2048 [token_stream]=4096 [model]=8192 [http]=4096)

build=build-fuzz
scripts/setup.sh --fuzz --no-build  # clang and its libFuzzer, when missing
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
if [ ! -f $build/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B $build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSCLF_FUZZ=ON \
    -DNEWSCLF_WITH_MPI=OFF >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build $build -j"$(nproc)" "${build_targets[@]}" >$build/fuzz-build.log 2>&1 ||
  { tail -30 $build/fuzz-build.log >&2; echo "fuzz.sh: the build failed ($build/fuzz-build.log)" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
run() {
  local t=$1 corpus=$build/corpus/$1 artifacts=$build/artifacts/$1
  mkdir -p "$corpus" "$artifacts"
  for dir in tests/fuzz/seeds/$t tests/fuzz/regressions/$t; do
    [ -d "$dir" ] && cp -n "$dir"/* "$corpus"/ 2>/dev/null
  done
  rm -f "$artifacts"/*
  local status=0
  $build/fuzz/fuzz_$t "$corpus" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
    -max_len="${max_len[$t]}" -dict="tests/fuzz/$t.dict" -artifact_prefix="$artifacts/" \
    >$build/logs/$t.log 2>&1 || status=$?
  echo $status >$build/logs/$t.status
}
mkdir -p $build/logs
running=0
for t in "${targets[@]}"; do
  if [ $running -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run "$t" &
  running=$((running + 1))
done
wait

failed=0
printf '%-13s %9s %7s %7s %7s  %s\n' target exec/s cov ft corpus status
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  # The last status line: "#N DONE cov: C ft: F corp: U/S lim: L exec/s: E rss: R".
  line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  field() { sed -nE "s/.* $1: ([0-9]+).*/\1/p" <<<"$line"; }
  eps=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  corpus=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$line")  # inputs kept, of the files in corpus/<target>
  status=ok
  artifact=$(find $build/artifacts/$t -type f | head -1)
  if [ -n "$artifact" ] || [ "$(cat $build/logs/$t.status)" != 0 ]; then
    failed=1
    case "$(basename "${artifact:-none}")" in
      crash-*) status="CRASH" ;; leak-*) status="LEAK" ;; timeout-*) status="TIMEOUT" ;;
      oom-*) status="OUT OF MEMORY" ;; slow-unit-*) status="SLOW" ;; *) status="FAILED (exit $(cat $build/logs/$t.status))" ;;
    esac
    status="$status: ${artifact:-no input kept}, log $log"
  fi
  printf '%-13s %9s %7s %7s %7s  %s\n' "$t" "${eps:-?}" "$(field cov)" "$(field ft)" "${corpus:-?}" "$status"
done
exit $failed
