import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpus of real cluster logs: `KUBETRAIL_CORPUS` when set, else `../shared/corpus`
 * beside the repository (where CI puts it), else the workplace's `/work/shared/corpus`.
 */
export const CORPUS: string =
  [
    process.env.KUBETRAIL_CORPUS,
    fileURLToPath(new URL('../../../../../shared/corpus', import.meta.url)),
    '/work/shared/corpus',
  ].find((dir): dir is string => dir !== undefined && existsSync(dir)) ??
  (() => {
    throw new Error('the shared corpus was not found beside the repository: set KUBETRAIL_CORPUS');
  })();

export const corpusFile = (rel: string): string => `${CORPUS}/${rel}`;
