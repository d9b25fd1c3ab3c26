import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';

export const bundlesDir = (): string => join(process.env.KUBETRAIL_E2E_DIR ?? '/tmp', 'bundles');
export const bundlePath = (name: string): string => join(bundlesDir(), name);
export const artifact = (name: string): string => join(import.meta.dirname, 'artifacts', name);

/**
 * Makes sure the simulator bundle is ingested (uploading it through the API if an earlier test has
 * not) and returns its id. Bundle ids are content-derived, so this is idempotent.
 */
export async function ensureBundle(request: APIRequestContext, name = 'cluster.tar.gz'): Promise<string> {
  const res = await request.post(`/api/bundles?name=${encodeURIComponent(name)}`, {
    data: readFileSync(bundlePath(name)),
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const { bundleId } = (await res.json()) as { bundleId: string };
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/bundles/${bundleId}`)).json()) as { status: string }).status,
      {
        timeout: 60_000,
      },
    )
    .toBe('ready');
  return bundleId;
}
