#!/usr/bin/env bash
# Builds node-llama-cpp's CUDA backend from the llama.cpp source that the installed node-llama-cpp
# bundles (node_modules/node-llama-cpp/llama/gitRelease.bundle), into the folder where the runner's
# getLlama call finds it, then checks that this call loads it and, given a model, decodes with it.
# Dockerfile.cuda runs it; so can any GPU machine, from a checkout where `npm ci` was done. Needs
# cmake, git, a C++ compiler and a CUDA toolkit; no network.
#   $1                  a GGUF model to decode a few tokens from once built (needs a GPU)
#   CUDA_ARCHITECTURES  CMake's list of GPU architectures (default below); `native` builds for the
#                       GPUs present only: an sm_90-only build took about 150 s on 16 cores
#   CUDA_HOME           the toolkit whose nvcc compiles (default /usr/local/cuda)
#
# Why not the prebuilt backend: node-llama-cpp 3.21.1's @node-llama-cpp/linux-x64-cuda aborts on an
# H200 under a CUDA 13.0 driver with "PTX was compiled with an unsupported toolchain". Its
# libggml-cuda.so has machine code for sm_86, 89, 120 and 121 only; sm_75, 80 and 90 are PTX, which
# the driver compiles at load time, and that PTX comes from a toolkit newer than 13.0 (its Thrust
# symbols name CCCL 3.1.4; 13.0 ships 3.0.1): no driver compiles PTX newer than itself. Built on
# that H200 from the same bundled source, the backend decodes correctly.
set -euo pipefail
# Resolved before the cd below, so that a path relative to the caller's folder works.
model=${1:+$(realpath -m -- "$1")}
cd "$(dirname "$0")/.."

# Machine code (-real) for Turing T4 (75), A100 (80), A10 and RTX 30 (86), L4, L40S and RTX 40 (89),
# H100 and H200 (90), B200 (100) and RTX 50 or RTX PRO Blackwell (120), so none of them compiles
# PTX at load time; a cubin also runs on later minor versions of its major (86 on 87, 100 on B300's
# 103). 100 without a suffix adds its PTX too, for GPUs newer than all of these. CUDA 13 builds
# nothing below 75 (it dropped Maxwell, Pascal and Volta); llama.cpp turns 120 into 120a, for
# Blackwell's FP4 instructions. Each architecture adds about as much build time as the first.
archs=${CUDA_ARCHITECTURES:-75-real;80-real;86-real;89-real;90-real;100;120-real}
cuda_home=${CUDA_HOME:-/usr/local/cuda}

log() { echo "build-cuda-backend: $*" >&2; }

# The build relies on two flags that node-llama-cpp's CLI hides (below) and on where it puts a
# local build; both are this version's.
version=$(node -p 'require("./node_modules/node-llama-cpp/package.json").version' 2>/dev/null || true)
if [[ $version != 3.21.1 ]]; then
  log "this script is written for node-llama-cpp 3.21.1, found '${version:-none}' (run npm ci first)"
  exit 1
fi
if [[ ! -x $cuda_home/bin/nvcc ]]; then
  log "no nvcc in $cuda_home/bin: set CUDA_HOME to a CUDA toolkit"
  exit 1
fi
# Without a GPU (the image build) the check below stops at which binary getLlama picks.
gpu=false
if nvidia-smi -L >/dev/null 2>&1; then gpu=true; fi
# Before the long build, not after it.
if [[ -n $model && ! -f $model ]]; then
  log "no model at $model"
  exit 1
fi
if [[ -n $model && $gpu == false ]]; then
  log "decoding $model needs a GPU, and nvidia-smi lists none"
  exit 1
fi

# CMake's FindCUDAToolkit, its CUDA language support and node-llama-cpp's own fallback each look for
# a toolkit their own way: point them all at the one asked for.
export PATH=$cuda_home/bin:$PATH CUDACXX=$cuda_home/bin/nvcc CUDAToolkit_ROOT=$cuda_home CUDA_PATH=$cuda_home
# Another llama.cpp release would be cloned from GitHub, and would rename the folder the runner
# looks in.
unset NODE_LLAMA_CPP_REPO NODE_LLAMA_CPP_REPO_RELEASE
toolkit=$(nvcc --version | sed -n 's/.*release \([0-9.]*\),.*/\1/p')
driver=none
if [[ $gpu == true ]]; then
  driver=$(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -n 1)
fi
log "nvcc $toolkit, driver's CUDA ${driver:-unknown}, architectures $archs"

# CI=true: node-llama-cpp then prints plain lines instead of redrawing progress bars, and honours
# the two hidden build flags below.
export CI=true
# `source download` clones the bundle, since it is of the package's own release (no network), and
# applies node-llama-cpp's patches to it; `source build` refuses to start without that clone.
npx --no node-llama-cpp source download --skipBuild --noUsageExample

# --ciMode builds the way node-llama-cpp builds its prebuilt binaries: portable CPU code (every CPU
# variant, the best one picked at load time) and no OpenMP, so no libgomp to ship. Without it
# node-llama-cpp sets GGML_NATIVE, which compiles for this machine's CPU: an image built on one host
# could die of an illegal instruction on another.
# --noCustomCmakeBuildOptionsInBinaryFolderName: the architectures are a custom CMake option, and
# those name the folder localBuilds/linux-<arch>-cuda-<hash of the options>; the runner asks for
# CUDA without options, so it looks in localBuilds/linux-<arch>-cuda.
start=$(date +%s)
NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=$archs \
  npx --no node-llama-cpp source build --gpu cuda --ciMode --noCustomCmakeBuildOptionsInBinaryFolderName --noUsageExample
log "built in $(($(date +%s) - start)) s"

release=node_modules/node-llama-cpp/llama/localBuilds/linux-$(node -p process.arch)-cuda/Release
if [[ ! -f $release/llama-addon.node || ! -f $release/libggml-cuda.so ]]; then
  log "the build left no llama-addon.node and libggml-cuda.so in $release"
  exit 1
fi
# ggml skips a backend library that fails to load and carries on with the CPU, so a missing library
# would only show up as "no CUDA device": name it here. libcuda.so.1 is the driver's, and only a
# machine with a GPU has it.
missing=$(ldd "$release/libggml-cuda.so" | awk '/not found/ { print $1 }')
if [[ $gpu == false ]]; then missing=$(grep -vx 'libcuda\.so\.1' <<<"$missing" || true); fi
if [[ -n $missing ]]; then
  log "libggml-cuda.so needs libraries that the loader does not find: ${missing//$'\n'/ }"
  exit 1
fi

# The check is a file, not node -e or stdin: node-llama-cpp tests a binary in a forked node, which
# inherits -e or --input-type and fails. A temporary folder has no node_modules above it, so the
# file imports node-llama-cpp by path.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/check-cuda-backend.mjs" <<'EOF'
import { pathToFileURL } from 'node:url';

const [entry, gpu, modelPath] = process.argv.slice(2);
const { getLlama, LlamaCompletion, LlamaLogLevel } = await import(pathToFileURL(entry).href);
// The runner's call (src/engine/worker/llama-engine.ts): what it loads is what the runner runs.
const llama = await getLlama({ gpu: 'cuda', build: 'never', logLevel: LlamaLogLevel.warn });
if (llama.buildType !== 'localBuild') {
  throw new Error(`getLlama({ gpu: 'cuda', build: 'never' }) loaded the ${llama.buildType} binary, not this build`);
}
if (gpu !== 'true') {
  console.log('getLlama loads this build; no GPU here to run it on');
} else {
  if (llama.gpu !== 'cuda') throw new Error(`this build loaded, but with ${llama.gpu} and no CUDA device`);
  const names = await llama.getGpuDeviceNames();
  const { total } = await llama.getVramState();
  console.log(`getLlama loads this build on ${names.join(', ')} (${(total / 2 ** 30).toFixed(1)} GiB of VRAM)`);
}
if (modelPath) {
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 512 });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  let tokens = 0;
  const started = performance.now();
  const text = await completion.generateCompletion('The capital of France is', {
    maxTokens: 16,
    onToken: (chunk) => (tokens += chunk.length),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${model.gpuLayers} of ${model.fileInsights.totalLayers} layers on the GPU; ` +
    `${tokens} tokens in ${seconds.toFixed(2)} s, prompt included: ${JSON.stringify(text)}`);
  if (model.gpuLayers === 0) throw new Error('no layer was offloaded to the GPU');
  if (tokens === 0) throw new Error('no token was decoded');
  await context.dispose();
  await model.dispose();
}
await llama.dispose();
EOF
node "$tmp/check-cuda-backend.mjs" "$PWD/node_modules/node-llama-cpp/dist/index.js" "$gpu" "$model"
