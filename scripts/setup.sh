#!/usr/bin/env bash
# Installs the Debian packages newsclf's build, tests and benchmarks need (only those missing),
# then configures a Release build in build/ and builds the tools and tests. With --bench it also
# installs the peers of scripts/bench/peers.sh: fastText, scikit-learn (for /usr/bin/python3), bc,
# and wrk for scripts/bench/serve.sh.
# Usage: scripts/setup.sh [--bench] [extra cmake options...]
set -euo pipefail
cd "$(dirname "$0")/.."

bench=false
cmake_args=()
for a in "$@"; do
  case "$a" in
    --bench) bench=true ;;
    *) cmake_args+=("$a") ;;
  esac
done

packages=(
  cmake g++ make pkg-config
  libcli11-dev libsimdjson-dev libxtensor-dev libxtensor-blas-dev libopenblas-dev doctest-dev
  zlib1g-dev liblzma-dev libboost-dev openmpi-bin libopenmpi-dev
  xz-utils gzip time jq man-db curl
)
if $bench; then
  packages+=(fasttext python3-sklearn bc wrk)
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

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: tools in build/bin/" >&2
