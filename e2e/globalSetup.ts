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
    // apiserver and kubelet spans beside the logs, for traces.spec.ts.
    traces: true,
  });
  await writeBundleTarGz(sim, join(dir, 'cluster.tar.gz'));
  // A klog file whose messages carry markup, a script URL and terminal escapes.
  writeFileSync(
    join(dir, 'hostile.log'),
    [
      'I0610 11:35:40.000001       1 kubelet.go:2434] pwned <script>window.pwned=1</script>',
      'E0610 11:35:41.000001       1 kubelet.go:2434] pwned <img src=x onerror="window.pwned=2">',
      'W0610 11:35:42.000001       1 kubelet.go:2434] pwned \u001b[31mred\u001b[0m javascript:window.pwned=3',
      // A right-to-left override that would show `…/txt.exe`, and a tower of combining marks.
      `I0610 11:35:43.000001       1 kubelet.go:2434] pwned /tmp/\u202eexe.txt Z${'\u0301\u0302'.repeat(300)}!`,
      '',
    ].join('\n'),
  );
  // A `minikube logs` file whose kubelet section holds one 200 KB line about a Deployment's pod.
  const words = 'lorem ipsum dolor sit amet consectetur '.repeat(5200).slice(0, 200_000);
  writeFileSync(
    join(dir, 'long-line-minikube-logs.txt'),
    [
      '==> Audit <==',
      '|---------|-----------------|----------|-------|---------|---------------------|---------------------|',
      '| Command |      Args       | Profile  | User  | Version |     Start Time      |      End Time       |',
      '|---------|-----------------|----------|-------|---------|---------------------|---------------------|',
      '| start   | --driver=docker | minikube | alice | v1.34.0 | 10 Jun 24 11:30 UTC | 10 Jun 24 11:32 UTC |',
      '|---------|-----------------|----------|-------|---------|---------------------|---------------------|',
      '',
      '==> kube-controller-manager [3f2a1b0c9d8e] <==',
      'I0610 11:35:40.000000       1 event.go:389] "Event occurred" object="fold/web" fieldPath="" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet" message="Scaled up replica set web-5d9f7c8b6d to 1"',
      'I0610 11:35:40.100000       1 event.go:389] "Event occurred" object="fold/web-5d9f7c8b6d" fieldPath="" kind="ReplicaSet" apiVersion="apps/v1" type="Normal" reason="SuccessfulCreate" message="Created pod: web-5d9f7c8b6d-k2x7p"',
      '',
      '==> kubelet <==',
      `Jun 10 11:35:41 minikube kubelet[2301]: E0610 11:35:41.000000    2301 kubelet.go:1] "Huge line" pod="fold/web-5d9f7c8b6d-k2x7p" data="${words}"`,
      'Jun 10 11:35:42 minikube kubelet[2301]: I0610 11:35:42.000000    2301 kubelet.go:2] "Short line" pod="fold/web-5d9f7c8b6d-k2x7p"',
      '',
    ].join('\n'),
  );
  // Not an archive at all, but named like one.
  writeFileSync(join(dir, 'broken.tar.gz'), Buffer.from('\u0000\u0001this is not a bundle\u0000'.repeat(64)));
}
