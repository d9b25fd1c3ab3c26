/**
 * Runs `fn` and records its duration as a `performance.measure` entry named `name`, visible in the
 * browser's performance panel and read by the UI benchmark (e.g. `kubetrail:scene`).
 */
export function measured<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  performance.measure(name, { start: t0, end: performance.now() });
  return out;
}
