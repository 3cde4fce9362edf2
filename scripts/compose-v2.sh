#!/usr/bin/env bash
# Makes sure `docker compose` is Compose v2 with `models:` and provider services (idempotent).
# Debian 12 only has Compose 1.29, which rejects both; Debian unstable's `docker-compose` package
# is Compose 2.40.3, a static Go binary that needs only libc >= 2.34. It is fetched with
# `apt-get download` through a source list of its own (the system's sources are left as they
# are), cached in ~/.cache/model-runner, and installed with dpkg. Needs root.
set -euo pipefail

version=2.40.3
cache=${XDG_CACHE_HOME:-$HOME/.cache}/model-runner/compose
if docker compose version --short 2>/dev/null | grep -q "^$version"; then
  echo "compose-v2: Compose $version is installed" >&2
  exit 0
fi

mkdir -p "$cache"
deb=$(ls "$cache"/docker-compose_"$version"-*_amd64.deb 2>/dev/null | tail -n 1 || true)
if [[ -z $deb ]]; then
  source "$(dirname "$0")/lib/private-apt.sh"
  private_apt "$cache" sid
  (cd "$cache" && apt-get "${apt_options[@]}" download "docker-compose=$version-*" >/dev/null)
  deb=$(ls "$cache"/docker-compose_"$version"-*_amd64.deb | tail -n 1)
fi
dpkg -i "$deb" >/dev/null
docker compose version
