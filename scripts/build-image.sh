#!/usr/bin/env bash
# `npm run image`: builds Dockerfile.cpu as $MODEL_RUNNER_IMAGE (default model-runner:cpu).
#   BASE_IMAGE            base with Node 20 and npm (default: the Dockerfile's node:20-bookworm-slim);
#                         scripts/base-image.sh prints a local one made without Docker Hub
#   EXTRA_CA_CERTS_FILE   PEM bundle trusted while npm downloads (default: the host's local CAs in
#                         /usr/local/share/ca-certificates, which a TLS-inspecting proxy needs)
#   HTTP_PROXY, HTTPS_PROXY, NO_PROXY (either case) are handed to the build when set.
# Extra arguments go to `docker build` (e.g. --no-cache). The build never pulls: with a local base
# nothing goes to Docker Hub, and a missing base fails instead of being looked up.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${MODEL_RUNNER_IMAGE:-model-runner:cpu}
args=(--pull=false -f Dockerfile.cpu -t "$image")
args+=(--build-arg "VERSION=$(node -p 'require("./package.json").version')")
if revision=$(git rev-parse HEAD 2>/dev/null); then args+=(--build-arg "REVISION=$revision"); fi
if source_url=$(git remote get-url origin 2>/dev/null); then args+=(--build-arg "SOURCE_URL=$source_url"); fi
if [[ -n ${BASE_IMAGE:-} ]]; then args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE"); fi

if [[ -n ${EXTRA_CA_CERTS_FILE:-} ]]; then
  ca_certs=$(cat "$EXTRA_CA_CERTS_FILE")
else
  ca_certs=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)
fi
if [[ -n $ca_certs ]]; then args+=(--build-arg "EXTRA_CA_CERTS=$ca_certs"); fi

for name in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  # A bare --build-arg NAME hands over this environment's value; Docker keeps these out of history.
  if [[ -n ${!name:-} ]]; then args+=(--build-arg "$name"); fi
done

docker build "${args[@]}" "$@" .
