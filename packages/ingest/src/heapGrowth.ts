import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection before it
 * collects again, in percent (ADR 0055). V8's default lets it grow up to 4×. Correlation keeps
 * little (30-40 MB of the 1 M-line simulator bundle survive each full collection) but promotes
 * short-lived garbage all the time, so the main thread's heap grew to 150 MB there and 380 MB at
 * 5 M lines between two collections: most of the ingest's peak RSS. At 50 % the 1 M-line peak
 * fell from 405 to 291 MB for no measurable CPU (bench/RESULTS.md, issue 14).
 */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = '--heap-growing-percent';
let applied = false;

/**
 * Bounds the heap growth of this process's isolates (the full-text worker's too) to
 * `HEAP_GROWING_PERCENT`, once per process. A process started with its own `--heap-growing-percent`
 * keeps it. V8 reads this flag each time it sets the next collection's limit, so it applies to a
 * running process.
 */
export function boundHeapGrowth(): void {
  if (applied) return;
  applied = true;
  const own = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].some((a) =>
    /^--heap[-_]growing[-_]percent\b/.test(a),
  );
  if (!own) setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
