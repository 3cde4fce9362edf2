#!/usr/bin/env bash
# `npm run build:llama`: compiles node-llama-cpp's native addon from the llama.cpp source it bundles
# (llama/gitRelease.bundle, no network), for this machine's CPU (GGML_NATIVE) and with OpenMP, and
# installs it where node-llama-cpp looks first (llama/localBuilds/linux-<arch>), so every worker
# loads it instead of the prebuilt binary. The prebuilt one has no OpenMP: its threads spin in
# ggml's barrier while a peer is descheduled, so on a small machine shared with the runner a lone
# stream gets one thread fewer (about a fifth slower here), and it embeds at half the speed (README,
# Benchmark).
#
# - the addon is compiled with our patches (scripts/patches): each says what it adds and why
# - idempotent and cached: the build is kept in $MODEL_RUNNER_CACHE (default ~/.cache/model-runner)
#   under node-llama-cpp's version, llama.cpp's tag and a hash of this CPU's flags and the patches,
#   so another `npm ci` only copies it back (about 5 minutes to compile on 2 cores the first time)
# - the last line of stdout is what node-llama-cpp then loads:
#   {"buildType":"localBuild","openmp":true,"sequenceEmbeddings":true}
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
NLC_DIR="$REPO_ROOT/node_modules/node-llama-cpp"
CACHE_ROOT="${MODEL_RUNNER_CACHE:-$HOME/.cache/model-runner}"

log() { echo "[build-llama-addon] $*" >&2; }

if [[ ! -f "$NLC_DIR/llama/gitRelease.bundle" ]]; then
  log "node-llama-cpp's llama.cpp bundle not found under $NLC_DIR/llama (run npm ci first)"
  exit 1
fi

version="$(node -p "require('$NLC_DIR/package.json').version")"
tag="$(node -p "require('$NLC_DIR/llama/llama.cpp.info.json').tag")"
patches=("$SCRIPT_DIR"/patches/node-llama-cpp-*.patch)
# GGML_NATIVE compiles for this CPU's instruction set: the cache must not serve another CPU, nor a
# build without the patches as they are now.
hash="$( { grep -m1 -E '^(flags|Features)' /proc/cpuinfo || true; uname -m; cat "${patches[@]}"; } | sha256sum | cut -c1-12)"
folder="linux-$(node -p process.arch)"
cached="$CACHE_ROOT/node-llama-cpp-$version-$tag-$hash"
target="$NLC_DIR/llama/localBuilds/$folder"

if [[ ! -f "$cached/buildDone.status" ]]; then
  bash "$SCRIPT_DIR/build-tools.sh"
  for file in "${patches[@]}"; do
    # A patch that reverses cleanly is already in place, from an earlier build of this node_modules.
    if ! patch -d "$NLC_DIR" -p1 -R --dry-run -s -f < "$file" >/dev/null 2>&1; then
      log "applying $(basename "$file")"
      patch -d "$NLC_DIR" -p1 -s -f < "$file" >&2
    fi
  done
  log "compiling node-llama-cpp $version's addon (llama.cpp $tag, native, OpenMP)"
  start=$(date +%s)
  (cd "$REPO_ROOT" && npx --no node-llama-cpp source download --gpu false --noUsageExample) >&2
  log "compiled in $(( $(date +%s) - start ))s"
  # Only the binaries are kept; the 200 MB source clone and the build tree are not needed to load.
  rm -rf "$cached.tmp.$$"
  mkdir -p "$cached.tmp.$$"
  cp -a "$target/Release" "$target/buildDone.status" "$cached.tmp.$$/"
  rm -rf "$cached"
  mv "$cached.tmp.$$" "$cached"
  rm -rf "$NLC_DIR/llama/llama.cpp"
fi

rm -rf "$target"
mkdir -p "$target"
cp -a "$cached/Release" "$cached/buildDone.status" "$target/"

info="$(cd "$REPO_ROOT" && node scripts/llama-build-info.mjs)"
if [[ "$info" != *'"buildType":"localBuild"'* || "$info" != *'"openmp":true'* || "$info" != *'"sequenceEmbeddings":true'* ]]; then
  log "the installed build does not load as expected: $info"
  exit 1
fi
echo "$info"
