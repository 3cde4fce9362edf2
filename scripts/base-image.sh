#!/usr/bin/env bash
# Produces a local Node 20 base image without Docker Hub (idempotent, cached) and prints its name as
# the last line of stdout. Debian trixie's nodejs is Node 20: debootstrap a minbase rootfs with it,
# add npm from the npm registry (Debian's npm package drags in webpack and hundreds of node-*
# packages), then `docker import` the rootfs. The rootfs tarball is cached outside the repository,
# so a machine whose Docker data was wiped imports it again in seconds. Needs root and a running
# Docker Engine (scripts/docker-engine.sh).
set -euo pipefail

suite=trixie
# The npm that Node 20's official images bundle, so the local base and node:20-bookworm-slim agree.
npm_version=10.8.2
image=${MODEL_RUNNER_BASE_IMAGE:-model-runner-base:node20-$suite}
cache_dir=${MODEL_RUNNER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/model-runner}
tarball=$cache_dir/rootfs-$suite-nodejs-npm$npm_version.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

mkdir -p "$cache_dir"
# Concurrent callers (two test files, a developer and CI) build and import once: the second one
# waits here and then finds the image.
exec 9>"$cache_dir/base-image.lock"
flock 9
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

if [[ ! -s $tarball ]]; then
  if ! command -v debootstrap >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  # debootstrap downloads with wget, which reads http_proxy but not apt's settings: reuse apt's proxy.
  if [[ -z ${http_proxy:-} ]]; then
    apt_proxy=$(apt-config dump --format '%v' Acquire::http::Proxy 2>/dev/null || true)
    if [[ -n $apt_proxy && $apt_proxy != DIRECT ]]; then export http_proxy=$apt_proxy; fi
  fi
  rootfs=$(mktemp -d /tmp/model-runner-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs" "$tarball.partial"' EXIT
  echo "base-image: debootstrap $suite with nodejs into $rootfs (about a minute)" >&2
  debootstrap --variant=minbase --include=nodejs,ca-certificates "$suite" "$rootfs" "$mirror" >&2
  npm install --global --prefix "$rootfs/usr/local" --no-fund --no-audit "npm@$npm_version" >&2
  # What an image never needs: package lists, downloaded .debs, documentation.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/root/.npm
  tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi

docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["node"]' \
  --message "debootstrap --variant=minbase $suite, nodejs, npm $npm_version" \
  "$tarball" "$image" >/dev/null
echo "$image"
