#!/usr/bin/env bash
# Makes sure a Docker Engine answers on this machine (idempotent): installs Debian's docker.io when
# there is no dockerd, starts dockerd in the background when none runs, then waits for `docker info`.
# Needs root. The daemon keeps running after this script ends; its log is $DOCKERD_LOG.
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/dockerd.log}
wait_s=${DOCKERD_WAIT_S:-60}

if docker info >/dev/null 2>&1; then
  echo "docker-engine: the Docker Engine is already running" >&2
  exit 0
fi

if ! command -v dockerd >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # docker.io's postinst would start the daemon through invoke-rc.d, which fails without an init
  # system; this script starts it itself. policy-rc.d exit 101 forbids the start, as in .ci/run.
  policy_rc=/usr/sbin/policy-rc.d
  if [[ ! -e $policy_rc ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod +x "$policy_rc"
    trap 'rm -f "$policy_rc"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
  if [[ $(trap -p EXIT) ]]; then
    rm -f "$policy_rc"
    trap - EXIT
  fi
fi

# A dockerd that is starting (another caller, or a slow start) is waited for, not doubled.
if ! pgrep -x dockerd >/dev/null; then
  mkdir -p "$(dirname "$log")"
  # setsid: the daemon must outlive this script and whatever process group started it (a test run).
  setsid dockerd >>"$log" 2>&1 </dev/null &
fi

for ((i = 0; i < wait_s * 2; i++)); do
  if docker info >/dev/null 2>&1; then
    echo "docker-engine: the Docker Engine is running (log: $log)" >&2
    exit 0
  fi
  sleep 0.5
done
echo "docker-engine: dockerd did not answer within ${wait_s}s; the last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
