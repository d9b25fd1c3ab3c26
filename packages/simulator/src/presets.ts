/** Ready-made bundles for the demo and the benchmarks. */
import type { SimBundle } from './bundle.ts';
import { generateBundle } from './bundle.ts';
import type { ScenarioName } from './scenarios.ts';
import { REAL_SHAPE_SCENARIOS } from './scenarios.ts';

/** The demo: one complete Deployment, a bad image, an unschedulable one, a volume timeout, three concurrent applies, a drain; with apiserver and kubelet traces. */
export function demoBundle(seed = 42): SimBundle {
  return generateBundle({
    seed,
    scenarios: ['complete', 'bad-image', 'unschedulable', 'volume-timeout', 'concurrency', 'drain-node'],
    noise: 90,
    traces: true,
  });
}

/**
 * A benchmark bundle of at least `targetLines` lines: every operation scenario, repeated window
 * after window, with heavy background noise (6000 lines per minute) so most lines are noise, as
 * in a real cluster.
 */
export function benchBundle(targetLines: number, seed = 7): SimBundle {
  return generateBundle({ seed, targetLines, noise: 6000 });
}

/**
 * Every real-shape scenario in one bundle (cluster bootstrap first, then rollouts, StatefulSet,
 * DaemonSet, Job, CronJob, bare pod, node operations), events listed by name and the kubelets
 * logging their events, in one 15-minute window so that every operation settles.
 */
export function realShapesBundle(seed = 11, extra: ScenarioName[] = []): SimBundle {
  return generateBundle({
    seed,
    scenarios: [...REAL_SHAPE_SCENARIOS, 'events-by-name', 'kubelet-events', ...extra],
    noise: 90,
    windowSeconds: 900,
  });
}
