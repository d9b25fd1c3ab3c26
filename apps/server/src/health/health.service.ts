import { readFileSync } from 'node:fs';
import type { Health } from '@kubetrail/model';

/** The server package's version, read once. */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const health = (): Health => ({ status: 'ok', version: VERSION });
