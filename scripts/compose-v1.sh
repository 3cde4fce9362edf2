#!/usr/bin/env bash
# Makes Debian 12's Compose 1.29 available beside Compose 2.40.3 (idempotent) and prints, as its
# last stdout line, the folder to put first on PATH: it holds a `docker-compose` that is 1.29.
# Both Composes are the Debian package `docker-compose`, so installing one with dpkg removes the
# other (compose-empirics §8). 1.29 is a Python program: its .deb and those of its Python
# dependencies are fetched with `apt-get download` through a bookworm source list of its own (the
# system's sources are left as they are), unpacked with `dpkg -x` into a folder of their own, and
# run by Debian 12's /usr/bin/python3 with that folder on PYTHONPATH. Nothing is installed system-wide.
set -euo pipefail

version=1.29.2
cache=${XDG_CACHE_HOME:-$HOME/.cache}/model-runner/compose-v1
root=$cache/root
bin=$cache/bin
python=/usr/bin/python3

installed() {
  [[ -x $bin/docker-compose ]] && "$bin/docker-compose" version --short 2>/dev/null | grep -q "^$version"
}

if installed; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# Two test files may ask at once: the second waits here and then finds it installed.
exec 9>"$cache/install.lock"
flock 9
if installed; then
  echo "$bin"
  exit 0
fi

[[ -x $python ]] || { echo "compose-v1: $python is missing (Debian 12's python3 runs Compose 1.29)" >&2; exit 1; }

mkdir -p "$cache/debs"
source "$(dirname "$0")/lib/private-apt.sh"
private_apt "$cache" bookworm

# The Python packages Compose 1.29 needs, all the way down; the interpreter itself is the system's.
mapfile -t python_packages < <(
  apt-cache "${apt_options[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances --no-pre-depends "docker-compose=$version-*" |
    grep -E '^python3-' | sort -u
)
(cd "$cache/debs" && apt-get "${apt_options[@]}" download "docker-compose=$version-*" "${python_packages[@]}" >/dev/null)

rm -rf "$root"
mkdir -p "$root" "$bin"
for deb in "$cache"/debs/*.deb; do
  dpkg -x "$deb" "$root"
done

cat >"$bin/docker-compose" <<WRAPPER
#!/bin/sh
# Compose $version unpacked from Debian 12 (scripts/compose-v1.sh); distutils lives in python3.11's folder.
PYTHONPATH="$root/usr/lib/python3/dist-packages:$root/usr/lib/python3.11\${PYTHONPATH:+:\$PYTHONPATH}" exec $python "$root/usr/bin/docker-compose" "\$@"
WRAPPER
chmod +x "$bin/docker-compose"
installed || { echo "compose-v1: the unpacked Compose $version does not run:" >&2; "$bin/docker-compose" version >&2; exit 1; }
echo "$bin"
