import { stat } from 'node:fs/promises';

/** A file's size, or undefined when there is no such file. */
export async function fileSize(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.size,
    () => undefined,
  );
}
