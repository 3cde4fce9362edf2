import { join } from 'node:path';
import { RunnerError } from '../shared/errors.js';

/** DMR's on-disk layout (reference §5.7); every path in the store is derived here. */
export class StoreLayout {
  constructor(readonly root: string) {}

  get layoutFile(): string {
    return join(this.root, 'layout.json');
  }

  get indexFile(): string {
    return join(this.root, 'models.json');
  }

  get blobsDir(): string {
    return join(this.root, 'blobs', 'sha256');
  }

  get manifestsDir(): string {
    return join(this.root, 'manifests', 'sha256');
  }

  get bundlesDir(): string {
    return join(this.root, 'bundles', 'sha256');
  }

  /** Imports stage their blobs here so a failed import leaves the store as it was. */
  get stagingDir(): string {
    return join(this.root, '.staging');
  }

  /** Lock files shared by every process using the store (see store-locks.ts). */
  get locksDir(): string {
    return join(this.root, '.locks');
  }

  blob(digest: string): string {
    return join(this.blobsDir, hexOf(digest));
  }

  manifest(id: string): string {
    return join(this.manifestsDir, hexOf(id));
  }

  bundle(id: string): string {
    return join(this.bundlesDir, hexOf(id));
  }
}

const DIGEST = /^sha256:([a-f0-9]{64})$/;

/** The hex part of a sha256 digest; anything else could escape the store, so it is refused. */
export function hexOf(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match?.[1]) throw new RunnerError('invalid_request', `invalid digest "${JSON.stringify(digest).slice(1, -1)}"`);
  return match[1];
}
