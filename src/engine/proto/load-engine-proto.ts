import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { packageInfo } from '../../shared/package-root.js';
import type { ProtoGrpcType } from './generated/engine.js';

/** Must match the options in generate-types.sh, or the generated types would lie. */
const LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

/**
 * For both ends of a worker's socket. gRPC's default 4 MiB cap on a received message would refuse a
 * request body the runner accepts (up to 10 MiB) or an answer of a few thousand vectors, and on the
 * open Embed call such a refusal ends the call for every request on it.
 */
export const ENGINE_CHANNEL_OPTIONS = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };

export type EngineProto = ProtoGrpcType['modelrunner']['engine']['v1'];

let cached: EngineProto | undefined;

export function loadEngineProto(): EngineProto {
  if (!cached) {
    const path = join(packageInfo().root, 'src', 'engine', 'proto', 'engine.proto');
    const definition = loadPackageDefinition(loadSync(path, LOADER_OPTIONS)) as unknown as ProtoGrpcType & GrpcObject;
    cached = definition.modelrunner.engine.v1;
  }
  return cached;
}
