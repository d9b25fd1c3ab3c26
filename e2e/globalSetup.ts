import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBundle, writeBundleTarGz } from '@kubetrail/simulator';
import { bundlesDir } from './fixtures.ts';

/** Writes the bundles the end-to-end tests upload: a simulator bundle and two broken ones. */
export default async function globalSetup(): Promise<void> {
  const dir = bundlesDir();
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(import.meta.dirname, 'artifacts'), { recursive: true });
  const sim = generateBundle({
    seed: 7,
    scenarios: ['complete', 'volume-timeout', 'unschedulable', 'bad-image'],
    noise: 60,
  });
  await writeBundleTarGz(sim, join(dir, 'cluster.tar.gz'));
  // Not an archive at all, but named like one.
  writeFileSync(join(dir, 'broken.tar.gz'), Buffer.from('\u0000\u0001this is not a bundle\u0000'.repeat(64)));
}
