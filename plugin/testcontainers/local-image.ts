import { ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { RunnerError } from '../../src/shared/errors.js';

/**
 * Testcontainers pulls an image it cannot find, whatever the pull policy; the runner's image is
 * built locally (`npm run image`) and a pull would only reach Docker Hub to fail slowly, or fetch
 * something else of that name. So a missing image is refused before anything is created.
 */
export async function requireLocalImage(client: ContainerRuntimeClient, image: string): Promise<void> {
  if (await client.image.exists(ImageName.fromString(image))) return;
  throw new RunnerError('not_found', `the runner image ${image} is not on this Docker Engine: build it with "npm run image" (this module never pulls it)`);
}
