import type Docker from 'dockerode';
import tar from 'tar-stream';

async function readArchiveFile(archive: NodeJS.ReadableStream): Promise<Buffer> {
  const extract = tar.extract();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (_header, stream, next) => {
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', next);
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.pipe(extract);
  await done;
  return Buffer.concat(chunks);
}

/** A user's numeric ids, read from the container's own /etc/passwd (the image names its user, not its uid). */
export async function containerUser(container: Docker.Container, name: string): Promise<{ uid: number; gid: number }> {
  const passwd = (await readArchiveFile(await container.getArchive({ path: '/etc/passwd' }))).toString('utf8');
  const fields = passwd.split('\n').find((line) => line.startsWith(`${name}:`))?.split(':');
  if (!fields) throw new Error(`the image has no user ${name}`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export interface OwnedFile {
  /** An existing directory of the container. */
  parent: string;
  /** Made (or kept) under `parent`, private to `owner`. */
  directory: string;
  name: string;
  content: Buffer;
  mode: number;
}

/** Writes `<parent>/<directory>/<name>` into a container, created or running, owned by `owner`. */
export async function putOwnedFile(container: Docker.Container, file: OwnedFile, owner: { uid: number; gid: number }): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: file.directory, type: 'directory', mode: 0o700, uid: owner.uid, gid: owner.gid });
  pack.entry({ name: `${file.directory}/${file.name}`, mode: file.mode, uid: owner.uid, gid: owner.gid }, file.content);
  pack.finalize();
  await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: file.parent });
}

/**
 * The numeric ids of the user an image runs as. Tmpfs options take numbers and Dockerfile.cpu
 * names its user, whose ids depend on the base image; they are read from the image's own
 * /etc/passwd through a container that is created, never started, and removed with the
 * anonymous volume its `VOLUME /models` gets.
 */
export async function imageUser(docker: Docker, image: string, labels: Record<string, string> = {}): Promise<{ uid: number; gid: number }> {
  const [user = 'root', group] = ((await docker.getImage(image).inspect()).Config.User || 'root').split(':');
  if (/^\d+$/.test(user) && (group === undefined || /^\d+$/.test(group))) return { uid: Number(user), gid: Number(group ?? user) };
  const container = await docker.createContainer({ Image: image, Labels: labels });
  try {
    return await containerUser(container, user);
  } finally {
    await container.remove({ force: true, v: true });
  }
}
