#!/usr/bin/env node
/**
 * An engine worker: one model in one mode, served over gRPC on a Unix socket. Logs are JSON lines
 * on stdout for the runner to relay. It exits when its stdin closes, so it never outlives the runner.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/logger.js';
import { ENGINE_CHANNEL_OPTIONS, loadEngineProto } from '../proto/load-engine-proto.js';
import { startLlama, type LlamaEngine } from './llama-engine.js';
import { workerService } from './worker-service.js';

const { values } = parseArgs({ options: { socket: { type: 'string' }, 'log-level': { type: 'string', default: 'info' }, gpu: { type: 'string', default: 'auto' } } });
if (!values.socket) throw new Error('usage: worker-main --socket PATH [--gpu auto|cuda|vulkan|off]');
const socket = values.socket;
const log = createLogger(values['log-level'] ?? 'info', process.stdout);

// Started at once: a worker may be started ahead of the request for its model, and this is most of its start.
const llama = startLlama(values.gpu ?? 'auto', log);
// A failure is the Load call's to report; until then it must not count as unhandled.
llama.catch(() => undefined);

let engine: LlamaEngine | undefined;
const server = new Server(ENGINE_CHANNEL_OPTIONS);
server.addService(loadEngineProto().Engine.service, workerService(log, llama, (loaded) => (engine = loaded)));

async function shutdown(reason: string): Promise<never> {
  log.info({ reason }, 'worker stopping');
  server.forceShutdown();
  await engine?.close().catch(() => undefined);
  await rm(socket, { force: true });
  process.exit(0);
}

server.bindAsync(`unix:${socket}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    log.error({ err: error }, 'cannot listen');
    process.exit(1);
  }
  log.info({ socket }, 'worker listening');
});

process.stdin.on('end', () => void shutdown('runner went away'));
process.stdin.resume();
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
