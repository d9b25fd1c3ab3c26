/**
 * The bundle generator: options, epochs, and the run that feeds a sink file by file while it keeps
 * the ground truth.
 */
import { rfc3339Nano, parseTimeUs } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { makeCluster } from './cluster.ts';
import type { AuditLevel } from './epoch.ts';
import type { FlushedEvent } from './epoch.ts';
import { EVENTS_PATH, Epoch } from './epoch.ts';
import type { LogFormat } from './klog.ts';
import { writeNoise } from './noise.ts';
import { controllerManagerStarts } from './flows/controllerManager.ts';
import type { Layout } from './layout.ts';
import {
  defaultVerbosityKeeps,
  eventsOnlyLayout,
  fileStamp,
  kindLayout,
  unwrapCri,
  withoutEvents,
} from './layout.ts';
import { hash32, Rng } from './rng.ts';
import { BOOTSTRAP_SECONDS, NODE_SCENARIOS, runRealScenario } from './realScenarios.ts';
import type {
  OpScenarioName,
  RealShapeScenarioName,
  RunnableScenarioName,
  ScenarioName,
} from './scenarios.ts';
import {
  MODIFIER_SCENARIOS,
  OP_SCENARIOS,
  REAL_SHAPE_MODIFIERS,
  REAL_SHAPE_SCENARIOS,
  runScenario,
} from './scenarios.ts';
import type { BundleTruth, FileTruth, OpTruth } from './truth.ts';

export interface BundleOptions {
  /** PRNG seed (default 1). The same options give the same bytes. */
  seed?: number;
  /**
   * Scenarios to run (default: every operation scenario of `OP_SCENARIOS`). The real-shape
   * scenarios (`REAL_SHAPE_SCENARIOS`) run only when named. Modifiers (`json-logging`,
   * `metadata-audit`, `no-audit`, and `REAL_SHAPE_MODIFIERS`) change the whole bundle, like the
   * options below.
   */
  scenarios?: ScenarioName[];
  /** RFC 3339 start of the first window (default `2024-06-10T11:35:00Z`). */
  startTime?: string;
  /** Background lines per minute (default 120; 0 for none). */
  noise?: number;
  /** Repeat the scenarios (in consecutive windows, with renamed objects) until at least this many lines. */
  targetLines?: number;
  /** Audit policy level (default `RequestResponse`); `none` writes no audit log. */
  audit?: AuditLevel;
  /** Component log format (default `text`; `json` is `--logging-format=json`). */
  logFormat?: LogFormat;
  /** Stamp a `reqID` on every line of every operation (default false: only `explicit-reqid`). */
  explicitReqIds?: boolean;
  /** Worker nodes: 2 (default: kind-worker, kind-worker2) or 3 (adds kind-worker3). */
  workers?: 2 | 3;
  /** Window length in seconds (default 300). Operations that never settle are cut at its end. */
  windowSeconds?: number;
  /**
   * Also write OpenTelemetry traces (default false): kube-apiserver's and the kubelets' spans as
   * OTLP/JSON lines (`<node>/traces/*.otlp.jsonl`). Each trace line counts in the truth as one line
   * of its op; the log lines are the same with or without traces.
   */
  traces?: boolean;
}

/** A planned bundle: nothing is generated until it is written or rendered. */
export interface SimBundle {
  readonly options: Readonly<Required<Omit<BundleOptions, 'targetLines' | 'scenarios'>>> & {
    targetLines: number | null;
    scenarios: readonly ScenarioName[];
  };
  readonly opScenarios: readonly RunnableScenarioName[];
}

const DEFAULT_START = '2024-06-10T11:35:00Z';

/** Plans a bundle. See `BundleOptions` for the defaults. */
export function generateBundle(opts: BundleOptions = {}): SimBundle {
  const scenarios = opts.scenarios ?? [...OP_SCENARIOS];
  const known: readonly string[] = [
    ...OP_SCENARIOS,
    ...MODIFIER_SCENARIOS,
    ...REAL_SHAPE_SCENARIOS,
    ...REAL_SHAPE_MODIFIERS,
  ];
  for (const s of scenarios) {
    if (!known.includes(s)) throw new Error(`unknown scenario: ${String(s)}`);
  }
  const has = (s: ScenarioName): boolean => scenarios.includes(s);
  const audit: AuditLevel =
    has('no-audit') || has('events-only')
      ? 'none'
      : has('metadata-audit')
        ? 'Metadata'
        : (opts.audit ?? 'RequestResponse');
  const startTime = opts.startTime ?? DEFAULT_START;
  parseTimeUs(startTime);
  const opScenarios = scenarios.filter(
    (s): s is RunnableScenarioName =>
      (OP_SCENARIOS as readonly string[]).includes(s) ||
      (REAL_SHAPE_SCENARIOS as readonly string[]).includes(s),
  );
  return {
    options: {
      seed: opts.seed ?? 1,
      scenarios,
      startTime,
      noise: opts.noise ?? 120,
      targetLines: opts.targetLines ?? null,
      audit,
      logFormat: has('json-logging') ? 'json' : (opts.logFormat ?? 'text'),
      explicitReqIds: opts.explicitReqIds ?? false,
      workers: opts.workers ?? 2,
      windowSeconds: opts.windowSeconds ?? 300,
      traces: opts.traces ?? false,
    },
    opScenarios,
  };
}

/** Where generated lines go. Called file by file, window by window, in order. */
export interface BundleSink {
  /** Appends complete lines (each ending in `\n`) to a file of the bundle. */
  append(path: string, text: string): void;
}

interface FileState {
  truth: FileTruth;
  lastOp: number;
}

class TruthBuilder {
  private readonly files = new Map<string, FileState>();
  lines = 0;

  add(path: string, component: string, node: string | null, ops: readonly number[]): void {
    let f = this.files.get(path);
    if (!f) {
      f = { truth: { path, component, node, lines: 0, segments: [] }, lastOp: -2 };
      this.files.set(path, f);
    }
    const seg = f.truth.segments;
    for (const op of ops) {
      f.truth.lines++;
      if (op === f.lastOp && seg.length > 0) {
        seg[seg.length - 2] = (seg[seg.length - 2] ?? 0) + 1;
      } else {
        seg.push(f.truth.lines, 1, op);
        f.lastOp = op;
      }
    }
    this.lines += ops.length;
  }

  files_(): FileTruth[] {
    return [...this.files.values()]
      .map((f) => f.truth)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/**
 * Generates the bundle into `sink` and returns its ground truth. Memory holds one window at a
 * time (plus the truth's run-length line segments), whatever `targetLines` is.
 */
export function runBundle(sim: SimBundle, sink: BundleSink): BundleTruth {
  const o = sim.options;
  const base = new Rng(hash32(o.seed ^ 0x5bd1e995));
  const cluster: Cluster = makeCluster(base.fork(1), o.workers);
  const startUs = parseTimeUs(o.startTime);
  const windowUs = o.windowSeconds * 1_000_000;
  const ops: OpTruth[] = [];
  const truth = new TruthBuilder();
  let eventsOpen = false;
  let pendingEvent: { text: string; op: number } | null = null;
  const has = (m: ScenarioName): boolean => o.scenarios.includes(m);
  // Which files the bundle keeps, under which names (a kind export unless a modifier says otherwise).
  const eventsOnly = has('events-only');
  let layout: Layout = eventsOnly ? eventsOnlyLayout(fileStamp(startUs + windowUs)) : kindLayout;
  if (has('no-events-json')) layout = withoutEvents(layout);
  const quiet = has('default-verbosity');
  const eventsPlace = layout(EVENTS_PATH, 'events', null);
  // `kubectl get events -o json` lists by namespace and name: the whole List is sorted at the end.
  const byName = has('events-by-name');
  const allEvents: FlushedEvent[] = [];
  const booting = sim.opScenarios.includes('bootstrap');
  const eventLines = (text: string, op: number): void => {
    if (!eventsPlace) return;
    const lines = text.split('\n');
    sink.append(eventsPlace.path, `${lines.join('\n')}\n`);
    truth.add(
      eventsPlace.path,
      eventsPlace.component,
      eventsPlace.node,
      lines.map(() => op),
    );
  };
  let epochs = 0;
  for (let e = 0; ; e++) {
    const ep = new Epoch({
      index: e,
      startUs: startUs + e * windowUs,
      endUs: startUs + (e + 1) * windowUs,
      rng: new Rng(hash32(o.seed * 7919 + e * 104729 + 17)),
      cluster,
      format: o.logFormat,
      audit: o.audit,
      ops,
      suffix: e === 0 ? '' : `-${e + 1}`,
      traces: o.traces,
      v1Uids: has('v1-uids'),
      kubeletEvents: has('kubelet-events'),
      uniqueEventNames: byName,
      kcmNoEvents: has('kcm-no-events'),
    });
    let rr = 0;
    const schedulable = cluster.workers.map((w) => w.name);
    const pickNode = (): string => schedulable[rr++ % schedulable.length] ?? 'kind-worker';
    const pickNodeAt = (us: number): string => {
      for (let k = 0; k < schedulable.length; k++) {
        const node = pickNode();
        if (ep.schedulable(node, us)) return node;
      }
      return pickNode();
    };
    const run = (name: RunnableScenarioName, t0: number): void => {
      const c = { ep, t0, explicitAll: o.explicitReqIds, pickNode, pickNodeAt };
      if ((OP_SCENARIOS as readonly string[]).includes(name)) runScenario(c, name as OpScenarioName, t0);
      else runRealScenario(c, name as RealShapeScenarioName, t0);
    };
    // A bundle that starts with the cluster's bootstrap runs it first; the rest follow it.
    if (booting) run('bootstrap', ep.startUs + 500_000);
    const offset = booting ? BOOTSTRAP_SECONDS : 0;
    const startOf = (i: number): number =>
      ep.startUs + (offset + 4 + 9 * i) * 1_000_000 + ep.rng.int(0, 900_000);
    const nodeFirst = sim.opScenarios.some((s) => NODE_SCENARIOS.includes(s as RealShapeScenarioName));
    if (!nodeFirst) {
      sim.opScenarios.forEach((name, i) => {
        if (name !== 'bootstrap') run(name, startOf(i));
      });
    } else {
      // Cordons are known before any other pod is scheduled; every scenario keeps its start time.
      const starts = sim.opScenarios.map((_, i) => startOf(i));
      const isNode = (s: RunnableScenarioName): boolean =>
        NODE_SCENARIOS.includes(s as RealShapeScenarioName);
      for (const pass of [true, false]) {
        sim.opScenarios.forEach((name, i) => {
          if (name !== 'bootstrap' && isNode(name) === pass) run(name, starts[i] ?? ep.startUs);
        });
      }
    }
    // A controller manager whose log holds no Events: its log starts when it started.
    if (ep.kcmNoEvents && e === 0) {
      const at = ep.kcmStartedUs === null ? ep.startUs + 100_000 : ep.kcmStartedUs - 1_000_000;
      const known = booting ? [] : systemReplicaSets(cluster);
      controllerManagerStarts(ep, at, [...known, ...ep.replicaSets.filter((rs) => rs.createdUs < at)]);
    }
    if (o.noise > 0) writeNoise(ep, o.noise);
    const { files, events } = ep.flush();
    for (const f of files) {
      const p = layout(f.path, f.component, f.node);
      if (!p) continue;
      let { lines, ops: lineOps } = f;
      if (quiet) {
        // What the components would not have logged is neither in the bundle nor in its truth.
        const keep = lines.map((l) => defaultVerbosityKeeps(f.component, l));
        lines = lines.filter((_, k) => keep[k]);
        lineOps = lineOps.filter((_, k) => keep[k]);
        if (lines.length === 0) continue;
      }
      sink.append(p.path, `${(p.unwrapCri ? lines.map(unwrapCri) : lines).join('\n')}\n`);
      truth.add(p.path, p.component, p.node, lineOps);
    }
    // events.json is one pretty-printed List: a comma can only be written once the next item is known.
    if (byName) allEvents.push(...events);
    for (const ev of byName ? [] : events) {
      if (!eventsOpen) {
        eventLines('{\n    "apiVersion": "v1",\n    "items": [', -1);
        eventsOpen = true;
      }
      if (pendingEvent) eventLines(`${indent(pendingEvent.text)},`, pendingEvent.op);
      pendingEvent = ev;
    }
    epochs++;
    if (o.targetLines === null || truth.lines >= o.targetLines) break;
  }
  if (byName) {
    allEvents.sort((a, b) =>
      a.namespace < b.namespace
        ? -1
        : a.namespace > b.namespace
          ? 1
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
    );
    for (const ev of allEvents) {
      if (!eventsOpen) {
        eventLines('{\n    "apiVersion": "v1",\n    "items": [', -1);
        eventsOpen = true;
      }
      if (pendingEvent) eventLines(`${indent(pendingEvent.text)},`, pendingEvent.op);
      pendingEvent = ev;
    }
  }
  if (pendingEvent) eventLines(indent(pendingEvent.text), pendingEvent.op);
  if (eventsOpen)
    eventLines('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}', -1);
  else
    eventLines(
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}',
      -1,
    );
  const files = truth.files_();
  return {
    seed: o.seed,
    from: rfc3339Nano(startUs, 0),
    to: rfc3339Nano(startUs + epochs * windowUs, 0),
    lines: truth.lines,
    // An operation none of whose lines the bundle keeps is not in it.
    ops: eventsOnly || quiet ? keepVisibleOps(ops, files) : ops,
    files,
  };
}

/** The ReplicaSets a running kind cluster has (CoreDNS, the local-path provisioner). */
function systemReplicaSets(cluster: Cluster): { ns: string; name: string }[] {
  const rsOf = (pod: string): string => pod.slice(0, pod.lastIndexOf('-'));
  const dns = cluster.systemPods.find((p) => p.component === 'coredns');
  return [
    ...(dns ? [{ ns: dns.ns, name: rsOf(dns.name) }] : []),
    { ns: cluster.localPath.ns, name: rsOf(cluster.localPath.name) },
  ];
}

/** Drops the operations no line refers to and renumbers the rest (in place in `files`). */
function keepVisibleOps(ops: OpTruth[], files: FileTruth[]): OpTruth[] {
  const seen = new Set<number>();
  for (const f of files) for (let i = 2; i < f.segments.length; i += 3) seen.add(f.segments[i] ?? -1);
  const renumber = new Map<number, number>();
  const kept: OpTruth[] = [];
  for (const op of ops) {
    if (!seen.has(op.index)) continue;
    renumber.set(op.index, kept.length);
    kept.push({ ...op, index: kept.length });
  }
  for (const f of files)
    for (let i = 2; i < f.segments.length; i += 3) {
      const old = f.segments[i] ?? -1;
      if (old >= 0) f.segments[i] = renumber.get(old) ?? -1;
    }
  return kept;
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
