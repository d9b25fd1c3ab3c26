import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./heapGrowth.ts', import.meta.url));

/**
 * In a child process (the flag is process-wide): keeps ~35 MB alive, then churns objects that
 * live long enough to be promoted and then die — as correlation's garbage does — and reports the
 * largest heap seen, in MB.
 */
function churnPeakMb(bound: boolean, execArgv: string[] = []): number {
  const script = `
    import { boundHeapGrowth } from ${JSON.stringify(MODULE)};
    if (${bound}) boundHeapGrowth();
    const live = [];
    for (let i = 0; i < 200_000; i++) live.push({ i, s: 'live ' + i + ' '.repeat(60) });
    const ring = new Array(50_000);
    let max = 0;
    for (let i = 0; i < 3_000_000; i++) {
      ring[i % ring.length] = { i, s: 'garbage ' + i + ' '.repeat(30) };
      if (i % 10_000 === 0) max = Math.max(max, process.memoryUsage().heapUsed);
    }
    console.log(Math.round(max / 1048576) + ' ' + live.length);
  `;
  const out = execFileSync(
    process.execPath,
    [...execArgv, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return Number(out.trim().split(' ')[0]);
}

describe('boundHeapGrowth', () => {
  it('keeps the heap far below what V8 lets it grow to by default', () => {
    const free = churnPeakMb(false);
    const bounded = churnPeakMb(true);
    expect(bounded).toBeLessThan(free * 0.7);
  }, 60_000);

  it('leaves a process started with its own --heap-growing-percent as it is', () => {
    const own = churnPeakMb(true, ['--heap-growing-percent=300']);
    const bounded = churnPeakMb(true);
    expect(own).toBeGreaterThan(bounded * 1.4);
  }, 60_000);
});
