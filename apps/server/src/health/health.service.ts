import { readFileSync } from 'node:fs';
import type { Health } from '@kubetrail/model';

/** The server package's version, read once (from the sources' package, or the compiled one's). */
export const VERSION: string = (() => {
  try {
    const file = new URL(
      import.meta.url.endsWith('.ts') ? '../../package.json' : '../package.json',
      import.meta.url,
    );
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const health = (): Health => ({ status: 'ok', version: VERSION });
