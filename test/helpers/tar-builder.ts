import tar from 'tar-stream';

export type TarEntry =
  | { name: string; content: Uint8Array | string }
  | { name: string; type: 'symlink' | 'link'; linkname: string }
  | { name: string; type: 'directory' };

/** Builds an arbitrary (also hostile) tar archive in memory for feeding to `/models/load`. */
export async function buildTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    if ('content' in entry) pack.entry({ name: entry.name }, Buffer.from(entry.content));
    else if (entry.type === 'directory') pack.entry({ name: entry.name, type: 'directory' });
    else pack.entry({ name: entry.name, type: entry.type, linkname: entry.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
