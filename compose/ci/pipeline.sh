#!/usr/bin/env bash
# A CI job that tests an application against a model and leaves nothing behind:
#   1. install the `docker model` plugin;
#   2. log in to the team's registry (before the runner starts: install-runner copies the Docker
#      config, with the login, into the runner container);
#   3. start a throw-away runner (`--ephemeral`: models on a tmpfs, no volume, no restart);
#   4. pull the model;
#   5. run the application's tests against it;
#   6. remove the runner, whatever happened before (trap).
# Settings, from the environment:
#   MODEL               the model the tests use (required), e.g. registry.example.com/team/smollm2:v1
#   REGISTRY_USER, REGISTRY_PASSWORD   credentials for MODEL's registry (REGISTRY overrides which)
#   RUNNER_PROXY_CERT   a CA the runner must trust: a TLS-inspecting proxy's, or a private registry's
#   APP_TEST            the application's tests (default: compose/ci/app-test.mjs under node --test),
#                       given OPENAI_BASE_URL and MODEL
#   MODEL_RUNNER_IMAGE  the runner image (default model-runner:cpu; `npm run image` builds it)
# `.github/workflows`-style, the same steps are in compose/ci/github-actions.yml.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${MODEL:?set MODEL to the model the tests use}"

cleanup() {
  echo "--- removing the runner"
  docker model uninstall-runner --models
}

echo "--- installing the docker model plugin"
npm run --silent install-plugin

if [[ -n ${REGISTRY_USER:-} ]]; then
  registry=${REGISTRY:-${MODEL%%/*}}
  echo "--- logging in to $registry"
  printf '%s' "${REGISTRY_PASSWORD:?set REGISTRY_PASSWORD with REGISTRY_USER}" | docker login "$registry" --username "$REGISTRY_USER" --password-stdin
fi

trap cleanup EXIT
echo "--- starting a throw-away runner"
docker model install-runner --ephemeral ${RUNNER_PROXY_CERT:+--proxy-cert "$RUNNER_PROXY_CERT"}

echo "--- pulling $MODEL"
docker model pull "$MODEL"

echo "--- running the application's tests"
OPENAI_BASE_URL=$(docker model status --json | node -p 'JSON.parse(require("node:fs").readFileSync(0, "utf8")).endpointHost')
export OPENAI_BASE_URL MODEL
if [[ -n ${APP_TEST:-} ]]; then
  bash -c "$APP_TEST"
else
  node --test compose/ci/app-test.mjs
fi
