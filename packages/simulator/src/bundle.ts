/**
 * The bundle generator: options, epochs, and the run that feeds a sink file by file while it keeps
 * the ground truth.
 */
import { rfc3339Nano, parseTimeUs } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { makeCluster } from './cluster.ts';
import type { AuditLevel } from './epoch.ts';
import { EVENTS_PATH, Epoch } from './epoch.ts';
import type { LogFormat } from './klog.ts';
import { writeNoise } from './noise.ts';
import { hash32, Rng } from './rng.ts';
import type { OpScenarioName, ScenarioName } from './scenarios.ts';
import { MODIFIER_SCENARIOS, OP_SCENARIOS, runScenario } from './scenarios.ts';
import type { BundleTruth, FileTruth, OpTruth } from './truth.ts';

export interface BundleOptions {
  /** PRNG seed (default 1). The same options give the same bytes. */
  seed?: number;
  /**
   * Scenarios to run (default: every operation scenario). Modifiers (`json-logging`,
   * `metadata-audit`, `no-audit`) change the whole bundle, like the options below.
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
  readonly opScenarios: readonly OpScenarioName[];
}

const DEFAULT_START = '2024-06-10T11:35:00Z';

/** Plans a bundle. See `BundleOptions` for the defaults. */
export function generateBundle(opts: BundleOptions = {}): SimBundle {
  const scenarios = opts.scenarios ?? [...OP_SCENARIOS];
  for (const s of scenarios) {
    if (
      !(OP_SCENARIOS as readonly string[]).includes(s) &&
      !(MODIFIER_SCENARIOS as readonly string[]).includes(s)
    ) {
      throw new Error(`unknown scenario: ${String(s)}`);
    }
  }
  const has = (s: ScenarioName): boolean => scenarios.includes(s);
  const audit: AuditLevel = has('no-audit')
    ? 'none'
    : has('metadata-audit')
      ? 'Metadata'
      : (opts.audit ?? 'RequestResponse');
  const startTime = opts.startTime ?? DEFAULT_START;
  parseTimeUs(startTime);
  const opScenarios = scenarios.filter((s): s is OpScenarioName =>
    (OP_SCENARIOS as readonly string[]).includes(s),
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
  const eventLines = (text: string, op: number): void => {
    const lines = text.split('\n');
    sink.append(EVENTS_PATH, `${lines.join('\n')}\n`);
    truth.add(
      EVENTS_PATH,
      'events',
      null,
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
    });
    let rr = 0;
    const schedulable = cluster.workers.map((w) => w.name);
    sim.opScenarios.forEach((name, i) => {
      const t0 = ep.startUs + (4 + 9 * i) * 1_000_000 + ep.rng.int(0, 900_000);
      runScenario(
        {
          ep,
          t0,
          explicitAll: o.explicitReqIds,
          pickNode: () => schedulable[rr++ % schedulable.length] ?? 'kind-worker',
        },
        name,
        t0,
      );
    });
    if (o.noise > 0) writeNoise(ep, o.noise);
    const { files, events } = ep.flush();
    for (const f of files) {
      sink.append(f.path, `${f.lines.join('\n')}\n`);
      truth.add(f.path, f.component, f.node, f.ops);
    }
    // events.json is one pretty-printed List: a comma can only be written once the next item is known.
    for (const ev of events) {
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
  if (pendingEvent) eventLines(indent(pendingEvent.text), pendingEvent.op);
  if (eventsOpen)
    eventLines('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}', -1);
  else
    eventLines(
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}',
      -1,
    );
  return {
    seed: o.seed,
    from: rfc3339Nano(startUs, 0),
    to: rfc3339Nano(startUs + epochs * windowUs, 0),
    lines: truth.lines,
    ops,
    files: truth.files_(),
  };
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');
