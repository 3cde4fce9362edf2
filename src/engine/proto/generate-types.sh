#!/usr/bin/env bash
# Regenerates the committed TypeScript types from engine.proto (no protoc needed). The options
# must match the loader options in load-engine-proto.ts.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf generated
npx proto-loader-gen-types --longs=String --enums=String --defaults --oneofs --grpcLib=@grpc/grpc-js \
  --importFileExtension=.js --outDir=generated engine.proto
