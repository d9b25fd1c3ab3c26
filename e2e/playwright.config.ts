import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// One fresh database per run, shared by the runner and its workers through the environment.
process.env.KUBETRAIL_E2E_DIR ??= mkdtempSync(join(tmpdir(), 'kubetrail-e2e-'));
const dir = process.env.KUBETRAIL_E2E_DIR;
const port = Number(process.env.KUBETRAIL_E2E_PORT ?? 7799);
const root = join(import.meta.dirname, '..');

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: join(root, 'test-results/e2e'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [
    ['list'],
    [
      'json',
      { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? join(root, 'test-results/playwright.json') },
    ],
  ],
  globalSetup: './globalSetup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.KUBETRAIL_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `pnpm exec tsx apps/server/src/cli.ts serve --port ${port} --host 127.0.0.1 --db ${join(dir, 'e2e.db')}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
