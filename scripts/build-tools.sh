#!/usr/bin/env bash
# Installs what compiling llama.cpp needs (git, cmake, a C++ compiler with OpenMP, make, patch), through
# apt and only where something is missing. Used by build-llama-server.sh and build-llama-addon.sh.
set -euo pipefail
need=()
command -v git   >/dev/null 2>&1 || need+=(git)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++   >/dev/null 2>&1 || need+=(g++)
command -v make  >/dev/null 2>&1 || command -v ninja >/dev/null 2>&1 || need+=(make)
command -v patch >/dev/null 2>&1 || need+=(patch)
if ((${#need[@]})); then
  echo "[build-tools] installing missing build tools via apt: ${need[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -y >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}" >&2
fi
