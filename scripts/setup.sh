#!/usr/bin/env bash
# Installs the Debian packages newsclf's build, tests and benchmarks need (only those missing;
# gnuplot draws newsclf-report's charts, and the report's test renders the page in Chromium),
# then configures a Release build in build/ (or --build-dir DIR) and builds the tools and tests.
# With --bench it also installs the peers of scripts/bench/peers.sh: fastText, scikit-learn (for
# /usr/bin/python3), bc, and wrk for scripts/bench/serve.sh. Compilations are cached by ccache,
# shared by every clone on the machine. --fuzz also installs clang and its libFuzzer (for
# scripts/fuzz.sh); --no-build installs packages only.
# Usage: scripts/setup.sh [--bench] [--fuzz] [--no-build] [--build-dir DIR] [extra cmake options...]
#   e.g. scripts/setup.sh --build-dir build-asan -DNEWSCLF_SANITIZE=address,undefined
set -euo pipefail
cd "$(dirname "$0")/.."

bench=false
fuzz=false
build=true
build_dir=build
cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench=true ;;
    --fuzz) fuzz=true ;;
    --no-build) build=false ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift ;;
    *) cmake_args+=("$1") ;;
  esac
  shift
done

packages=(
  cmake g++ make ninja-build pkg-config
  libcli11-dev libsimdjson-dev libxtensor-dev libxtensor-blas-dev libopenblas-dev doctest-dev
  zlib1g-dev liblzma-dev libboost-dev openmpi-bin libopenmpi-dev
  xz-utils gzip time jq man-db curl ccache
  gnuplot-nox chromium python3-pil
)
if $bench; then
  packages+=(fasttext python3-sklearn bc wrk)
fi
if $fuzz; then
  packages+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

$build || exit 0
# Paths relative to the clone in ccache's keys, so that another clone reuses the cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
echo "setup: tools in $build_dir/bin/" >&2
