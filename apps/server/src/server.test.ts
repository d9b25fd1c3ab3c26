import { describe, expect, it } from 'vitest';
import { BundleListSchema, HealthSchema } from '@kubetrail/model';
import { startServer } from './server.ts';
import { tempStore } from './testing/seedBundle.ts';

const quiet = { info: () => undefined, error: () => undefined };

describe('startServer', () => {
  it('listens on loopback, ingests the demo bundle once, and closes cleanly', async () => {
    const { store, file } = tempStore();
    store.close();
    const first = await startServer({
      dbFile: file,
      port: 0,
      demo: true,
      log: quiet,
      webDist: '/nonexistent',
    });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The server answers while the demo ingests.
      const health = HealthSchema.parse(await (await fetch(`${first.url}/api/health`)).json());
      expect(health.status).toBe('ok');
      await first.demo;
      const list = BundleListSchema.parse(await (await fetch(`${first.url}/api/bundles`)).json());
      expect(list.bundles).toHaveLength(1);
      expect(list.bundles[0]).toMatchObject({ status: 'ready' });
      expect(list.bundles[0]?.requests).toBeGreaterThan(0);
    } finally {
      await first.close();
    }
    const second = await startServer({ dbFile: file, port: 0, demo: true, log: quiet });
    try {
      await second.demo;
      const list = BundleListSchema.parse(await (await fetch(`${second.url}/api/bundles`)).json());
      expect(list.bundles).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
