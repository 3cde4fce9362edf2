import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { hexOf } from '../store/store-layout.js';

/** A blob to put in an archive, opened only when its turn comes so archives stream. */
export interface ArchiveBlob {
  digest: string;
  size: number;
  /** The blob's bytes, or the inclusive range `start`..`end` of them (a chunked upload reads ranges). */
  open(start?: number, end?: number): AsyncIterable<Uint8Array>;
}

/**
 * DMR's model archive (reference §2.1): `blobs/`, `blobs/sha256/`, one file per blob, then
 * `manifest.json`. The same format `/models/load` reads and `/models/{ref}/export` writes.
 */
export function packModelArchive(blobs: readonly ArchiveBlob[], manifest: Uint8Array): AsyncIterable<Uint8Array> {
  const pack = tar.pack();
  const mtime = new Date(0);
  void (async () => {
    try {
      pack.entry({ name: 'blobs', type: 'directory', mode: 0o755, mtime });
      pack.entry({ name: 'blobs/sha256', type: 'directory', mode: 0o755, mtime });
      for (const blob of blobs) {
        const entry = pack.entry({ name: `blobs/sha256/${hexOf(blob.digest)}`, size: blob.size, mode: 0o644, mtime });
        await pipeline(Readable.from(blob.open()), entry);
      }
      pack.entry({ name: 'manifest.json', size: manifest.byteLength, mode: 0o644, mtime }, Buffer.from(manifest));
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  return pack as AsyncIterable<Uint8Array>;
}
