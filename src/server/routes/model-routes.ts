import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ProgressMessage, TagResponse } from '../../api/dmr-types.js';
import { loadModelArchive } from '../../distribution/load-model-archive.js';
import type { ModelDistribution } from '../../distribution/model-distribution.js';
import { repackageModel } from '../../distribution/repackage-model.js';
import { packModelArchive } from '../../distribution/model-tar.js';
import { RunnerError } from '../../shared/errors.js';
import { blobDescriptors } from '../../store/model-artifact.js';
import type { ModelStore, StoredModel } from '../../store/model-store.js';
import { toModel } from '../model-views.js';
import { readJson } from '../read-json.js';
import type { ServerEnv } from '../server-env.js';
import { progressResponse } from '../progress-response.js';
import { nodeReadable, streamedResponse } from '../stream-body.js';

export interface ModelRouteDeps {
  store: ModelStore;
  distribution: ModelDistribution;
}

const createRequest = z.object({ from: z.string().min(1), 'bearer-token': z.string().optional() });
const pushRequest = z.object({ 'bearer-token': z.string().optional() });
const repackageRequest = z.object({
  target: z.string().optional(),
  context_size: z.number().int().positive().max(2 ** 31 - 1).optional(),
});

/** Splits `ai/smollm2/tag` into the reference and its trailing action segment. */
function splitAction(rest: string): { reference: string; action: string } {
  const slash = rest.lastIndexOf('/');
  return { reference: rest.slice(0, Math.max(slash, 0)), action: rest.slice(slash + 1) };
}

function successLine(message: string): string {
  const line: ProgressMessage = { type: 'success', message, total: 0, layer: { size: 0, current: 0 } };
  return `${JSON.stringify(line)}\n`;
}

function exportResponse(store: ModelStore, model: StoredModel, reference: string, manifest: Uint8Array): Response {
  const blobs = blobDescriptors(model.manifest).map(({ digest, size }) => ({ digest, size, open: () => store.readBlob(digest) }));
  return streamedResponse(packModelArchive(blobs, manifest), {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${reference.replace(/["\\\r\n]/g, '_')}.tar"`,
    },
  });
}

/** `?remote=true` or a bare `?remote`, as DMR reads it. */
function wantsRemote(c: Context<ServerEnv>): boolean {
  const remote = c.req.query('remote');
  return remote !== undefined && remote !== 'false' && remote !== '0';
}

async function repackage(c: Context<ServerEnv>, store: ModelStore, reference: string): Promise<Response> {
  const body = await readJson(c, repackageRequest);
  if (!body.target) throw new RunnerError('invalid_request', 'target is required');
  await repackageModel(store, reference, body.target, body.context_size);
  return c.json({ message: `Model repackaged successfully as "${body.target}"`, source: reference, target: body.target }, 201);
}

async function tagModel(c: Context<ServerEnv>, store: ModelStore, reference: string): Promise<Response> {
  const repo = c.req.query('repo');
  const tag = c.req.query('tag');
  if (!repo || !tag) throw new RunnerError('invalid_request', 'missing repo or tag query parameter');
  const target = `${repo}:${tag}`;
  await store.tag(reference, target);
  const body: TagResponse = { message: `Model tagged successfully with "${target}"`, target };
  return c.json(body, 201);
}

/** DMR's model-management API (reference §2.1). */
export function modelRoutes({ store, distribution }: ModelRouteDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.get('/models', async (c) => c.json((await store.list()).map(toModel)));

  app.post('/models/create', async (c) => {
    const body = await readJson(c, createRequest);
    return progressResponse(c.req.raw, await distribution.pull(body.from, body['bearer-token'], c.req.raw.signal));
  });

  app.post('/models/load', async (c) => {
    await loadModelArchive(store, nodeReadable(c.req.raw.body));
    return c.body(successLine('Model loaded successfully'), 200, { 'content-type': 'application/json' });
  });

  app.delete('/models/purge', async (c) => {
    await store.purge();
    return c.body(null, 200);
  });

  app.get('/models/:rest{.+}', async (c) => {
    const rest = c.req.param('rest');
    const { reference, action } = splitAction(rest);
    if (action === 'export' && reference !== '') {
      const model = await store.get(reference);
      return exportResponse(store, model, reference, await store.readManifest(model.id));
    }
    if (wantsRemote(c)) {
      const remote = await distribution.inspectRemote(rest, undefined, c.req.raw.signal);
      return c.json(toModel({ ...remote, tags: [] }));
    }
    return c.json(toModel(await store.getWithPartialName(rest)));
  });

  app.delete('/models/:rest{.+}', async (c) => {
    const force = c.req.query('force') === 'true' || c.req.query('force') === '1';
    return c.json(await store.delete(c.req.param('rest'), force));
  });

  app.post('/models/:rest{.+}', async (c) => {
    const { reference, action } = splitAction(c.req.param('rest'));
    if (reference === '') throw new RunnerError('not_found', `unknown action "${action}"`);
    switch (action) {
      case 'tag':
        return tagModel(c, store, reference);
      case 'push': {
        const body = await readJson(c, pushRequest, { allowEmpty: true });
        return progressResponse(c.req.raw, await distribution.push(reference, body['bearer-token'], c.req.raw.signal));
      }
      case 'repackage':
        return repackage(c, store, reference);
      default:
        throw new RunnerError('not_found', `unknown action "${action}"`);
    }
  });

  return app;
}
