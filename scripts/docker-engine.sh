#!/usr/bin/env bash
# A Docker engine for the image's test (tests/cli/test-docker.sh), on a Debian machine that may
# reach the package archive but no image registry: installs docker.io when there is no engine,
# starts dockerd when none answers (vfs storage, no bridge, so builds and runs use the host's
# network: make -f Makefile.sagemaker DOCKER_BUILD_ARGS='--network host' NETWORK=host ...), and
# makes the Dockerfile's base images from a debootstrap of Debian 12 when they can be neither
# found nor pulled. Does nothing where an engine and the base images are there already. As root.
#   scripts/docker-engine.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "docker-engine: run as root (it installs packages and starts dockerd)" >&2; exit 2; }

# install PACKAGE...: called only for programs found missing.
install() {
  echo "docker-engine: installing $*" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || install docker.io
  echo "docker-engine: starting dockerd (log: /var/log/dockerd.log)" >&2
  nohup dockerd --storage-driver=vfs --iptables=false --bridge=none >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "docker-engine: dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
fi

# The base images: found, pulled, or made (debian:bookworm from debootstrap; the slim one the same).
for image in $(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile | sort -u); do
  docker image inspect "$image" >/dev/null 2>&1 && continue
  docker pull -q "$image" >/dev/null 2>&1 && continue
  case "$image" in
    debian:bookworm|debian:bookworm-slim) ;;
    *) echo "docker-engine: cannot pull $image and does not know how to make it" >&2; exit 1 ;;
  esac
  if ! docker image inspect debian:bookworm >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || install debootstrap
    echo "docker-engine: making debian:bookworm with debootstrap" >&2
    root=$(mktemp -d)
    debootstrap --variant=minbase bookworm "$root" >/dev/null
    tar -C "$root" -c . | docker import - debian:bookworm >/dev/null
    rm -rf "$root"
  fi
  [ "$image" = debian:bookworm ] || docker tag debian:bookworm "$image"
done
echo "docker-engine: ready ($(docker version -f '{{.Server.Version}}'))" >&2
