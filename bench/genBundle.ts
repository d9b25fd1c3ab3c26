/** `tsx bench/genBundle.ts N…`: generates (and caches) simulator bench bundles ahead of a run. */
import { ensureSimBundle } from './simBundle.ts';

for (const arg of process.argv.slice(2)) {
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`not a line count: ${arg}`);
  const b = await ensureSimBundle(n);
  console.log(`${b.file}: ${b.lines} lines${b.generateMs === null ? ' (cached)' : ` in ${b.generateMs} ms`}`);
}
