#!/usr/bin/env bash
# Build the "yardstick" llama-server from the exact llama.cpp source that the
# installed node-llama-cpp bundles (node_modules/node-llama-cpp/llama/gitRelease.bundle).
#
# - idempotent: if the binary already exists, only prints its path
# - CPU only, Release, OpenMP, native instructions, static libs, no network
#   (no curl/openssl, no prebuilt web-UI download)
# - builds only the llama-server target, -j2 by default (override: JOBS=N)
# - the LAST line of stdout is the absolute path of the llama-server binary;
#   all progress output goes to stderr
#
# Env:
#   MODEL_RUNNER_CACHE  cache root (default: $HOME/.cache/model-runner)
#   JOBS                parallel build jobs (default: 2)
#   NODE_LLAMA_CPP_DIR  node-llama-cpp package dir (default: <repo>/node_modules/node-llama-cpp)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
NLC_DIR="${NODE_LLAMA_CPP_DIR:-$REPO_ROOT/node_modules/node-llama-cpp}"
BUNDLE="$NLC_DIR/llama/gitRelease.bundle"
INFO="$NLC_DIR/llama/llama.cpp.info.json"
CACHE_ROOT="${MODEL_RUNNER_CACHE:-$HOME/.cache/model-runner}"
JOBS="${JOBS:-2}"

log() { echo "[build-llama-server] $*" >&2; }

if [[ ! -f "$INFO" || ! -f "$BUNDLE" ]]; then
  log "node-llama-cpp llama.cpp bundle not found under $NLC_DIR/llama (run npm install first)"
  exit 1
fi

# Tag from llama.cpp.info.json (e.g. {"tag": "b1234", ...}); no jq dependency.
TAG="$(sed -n 's/.*"tag"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$INFO" | head -n1)"
TAG="${TAG:-unknown}"
SRC_DIR="$CACHE_ROOT/llama.cpp-$TAG"
BUILD_DIR="$SRC_DIR/build-server-cpu"
BIN="$BUILD_DIR/bin/llama-server"

if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

# --- tools (apt only if something is missing) --------------------------------
bash "$SCRIPT_DIR/build-tools.sh"

# --- source -------------------------------------------------------------------
mkdir -p "$CACHE_ROOT"
if [[ ! -f "$SRC_DIR/CMakeLists.txt" ]]; then
  tmp="$SRC_DIR.tmp.$$"
  rm -rf "$tmp"
  log "cloning $BUNDLE -> $SRC_DIR"
  git clone -q "$BUNDLE" "$tmp" >&2
  # The bundle normally only carries HEAD (a squashed commit of the tag);
  # check out the tag explicitly when the bundle does contain it.
  if git -C "$tmp" rev-parse -q --verify "refs/tags/$TAG" >/dev/null 2>&1; then
    git -C "$tmp" -c advice.detachedHead=false checkout -q "$TAG" >&2
  fi
  mv "$tmp" "$SRC_DIR"
fi

# --- configure + build ------------------------------------------------------
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  log "configuring ($BUILD_DIR)"
  cmake -S "$SRC_DIR" -B "$BUILD_DIR" "${gen[@]}" \
    -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=ON \
    -DGGML_OPENMP=ON \
    -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF -DGGML_BLAS=OFF \
    -DLLAMA_CURL=OFF \
    -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF \
    -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_SERVER=ON \
    -DLLAMA_BUILD_TOOLS=ON >&2
fi

log "building llama-server with -j$JOBS"
start=$(date +%s)
cmake --build "$BUILD_DIR" --config Release --target llama-server -j "$JOBS" >&2
log "build took $(( $(date +%s) - start ))s"

if [[ ! -x "$BIN" ]]; then
  log "build finished but $BIN is missing"
  exit 1
fi
echo "$BIN"
