import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `<name>` beside `base` (the caller's
 * `import.meta.url`): `<name>.ts` when kubetrail runs from its TypeScript sources (under tsx or
 * vitest), `<name>.js` when it runs compiled (the npm package: every module is bundled into
 * `dist/cli.js`, workers are their own files beside it).
 *
 * TypeScript workers start through a tiny bootstrap that loads them with tsx's `tsImport`, which
 * works whether the parent runs under tsx or under vitest. tsx is resolved only then: the compiled
 * package does not ship it.
 */
export function startWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), options);
  const moduleUrl = new URL(`./${name}.ts`, base).href;
  // The ESM build of tsx's API, by path: `require` resolution finds the CJS one.
  const tsxApi = pathToFileURL(
    createRequire(base)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(moduleUrl)}, ${JSON.stringify(moduleUrl)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}
