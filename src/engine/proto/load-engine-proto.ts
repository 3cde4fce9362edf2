import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { packageInfo } from '../../shared/package-root.js';
import type { ProtoGrpcType } from './generated/engine.js';

/** Must match the options in generate-types.sh, or the generated types would lie. */
const LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

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
