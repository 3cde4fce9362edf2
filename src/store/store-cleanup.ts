import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { TEMP_PREFIX } from './atomic-file.js';
import type { StoreLayout } from './store-layout.js';

const STALE_DOWNLOAD_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * What a crash can leave behind: temp files of atomic writes, staged imports, and partial
 * downloads. Partial downloads are kept for resuming unless they are older than a week (as DMR).
 */
export async function removeLeftovers(layout: StoreLayout, logger: Logger, now = Date.now()): Promise<void> {
  await rm(layout.stagingDir, { recursive: true, force: true });
  for (const dir of [layout.root, layout.blobsDir, layout.manifestsDir, layout.bundlesDir]) {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        logger.debug({ path }, 'removing leftover temp file');
        await rm(path, { recursive: true, force: true });
      } else if (name.endsWith('.incomplete') && now - (await stat(path)).mtimeMs > STALE_DOWNLOAD_MS) {
        logger.info({ path }, 'removing stale partial download');
        await rm(path, { force: true });
      }
    }
  }
}
