/**
 * The whole test suite, as the README's test command runs it: static checks, unit and integration
 * tests (vitest), then end-to-end tests (Playwright + Chromium). Every step runs even when an
 * earlier one failed, so one run reports everything; the last line is `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

interface Step {
  name: string;
  cmd: string[];
  env?: Record<string, string>;
  /** Reads test counts from the step's JSON report; a step without one counts as one check. */
  counts?: () => { passed: number; failed: number } | null;
}

const vitestJson = join(out, 'vitest.json');
const playwrightJson = join(out, 'playwright.json');

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const steps: Step[] = [
  { name: 'typecheck (server side)', cmd: ['pnpm', 'exec', 'tsc', '-p', 'tsconfig.json'] },
  { name: 'typecheck (web)', cmd: ['pnpm', 'exec', 'tsc', '-p', 'apps/web/tsconfig.json'] },
  { name: 'lint', cmd: ['pnpm', 'exec', 'eslint', '.', '--max-warnings', '0'] },
  { name: 'format', cmd: ['pnpm', 'exec', 'prettier', '--check', '.'] },
  {
    name: 'unit + integration (vitest)',
    cmd: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
    counts: () => {
      const r = readJson<{
        numPassedTests: number;
        numFailedTests: number;
        testResults: { status: string; assertionResults: unknown[] }[];
      }>(vitestJson);
      // A test file that fails to load runs no test: count it as one failure, not as nothing.
      const brokenFiles = r?.testResults.filter(
        (f) => f.status === 'failed' && f.assertionResults.length === 0,
      );
      return r ? { passed: r.numPassedTests, failed: r.numFailedTests + (brokenFiles?.length ?? 0) } : null;
    },
  },
  { name: 'build web app', cmd: ['pnpm', '--filter', '@kubetrail/web', 'build'] },
  {
    name: 'end to end (playwright)',
    cmd: ['pnpm', 'exec', 'playwright', 'test', '-c', 'e2e/playwright.config.ts'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
    counts: () => {
      const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(playwrightJson);
      return r ? { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected } : null;
    },
  },
];

let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const step of steps) {
  console.log(`\n━━ ${step.name} ━━`);
  const started = Date.now();
  const res = spawnSync(step.cmd[0]!, step.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  const ok = res.status === 0;
  const counted = step.counts?.() ?? null;
  if (counted) {
    passed += counted.passed;
    // A runner that crashed before reporting any failure still failed.
    failed += counted.failed || (ok ? 0 : 1);
  } else if (ok) passed += 1;
  else failed += 1;
  const what = counted ? `${counted.passed} passed, ${counted.failed} failed` : ok ? 'ok' : 'FAILED';
  lines.push(`${ok ? '✓' : '✗'} ${step.name}: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

console.log('\n━━ summary ━━');
for (const l of lines) console.log(l);
if (!existsSync(playwrightJson)) console.log('(no Playwright report was written)');
const summary = `${passed} passed, ${failed} failed`;
writeFileSync(join(out, 'summary.txt'), `${summary}\n`);
console.log(summary);
process.exit(failed === 0 ? 0 : 1);
