import { Hono } from 'hono';
import type { ServerEnv } from '../server-env.js';

export function rootRoutes(version: string): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/', (c) => c.text('Docker Model Runner is running'));
  app.get('/version', (c) => c.json({ version }));
  return app;
}
