import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpus of real cluster logs: `../shared/corpus` beside the repository (where CI puts
 * it); `KUBETRAIL_CORPUS` overrides.
 */
export const CORPUS: string =
  process.env.KUBETRAIL_CORPUS ?? fileURLToPath(new URL('../../../../../shared/corpus', import.meta.url));

export const corpusFile = (rel: string): string => `${CORPUS}/${rel}`;

if (!existsSync(CORPUS)) {
  throw new Error(`the shared corpus is not at ${CORPUS}: set KUBETRAIL_CORPUS`);
}
