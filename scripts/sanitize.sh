#!/usr/bin/env bash
# Builds newsclf with sanitizers and runs its tests there:
#   address  AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/, the whole suite but the
#            tests of the benchmark scripts (ctest label "bench", which the Release build runs);
#   thread   ThreadSanitizer, in build-tsan/, the tests that run threads (ctest label "threaded").
# Any report fails its test (tests/CMakeLists.txt sets the sanitizers' options and
# tests/sanitizers/*.supp lists what is not newsclf's or is a race on purpose).
# Usage: scripts/sanitize.sh address|thread [ctest options...]
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
shift || true
case "$kind" in
  address) dir=build-asan sanitize=address,undefined tests=(-LE bench) ;;
  thread) dir=build-tsan sanitize=thread tests=(-L threaded) ;;
  *) echo "usage: scripts/sanitize.sh address|thread [ctest options...]" >&2; exit 2 ;;
esac
scripts/setup.sh --build-dir "$dir" -DNEWSCLF_SANITIZE="$sanitize"
ctest --test-dir "$dir" -j "$(nproc)" --output-on-failure "${tests[@]}" "$@"
