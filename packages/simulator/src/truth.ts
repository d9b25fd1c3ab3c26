/**
 * Ground truth: what the simulator meant every line to be. Built while generating, so it never
 * needs the written files read back.
 */
import type { Operation, Outcome, StageId } from '@kubetrail/model';

/** One user operation the bundle contains. */
export interface OpTruth {
  /** Index in `BundleTruth.ops`; line segments refer to it. */
  index: number;
  /** Human key, unique in the bundle: `create deployments shop/web`, `drain nodes kind-worker`. */
  key: string;
  /** The scenario that produced it. */
  scenario: string;
  operation: Operation;
  /** Audit verb and resource of the operation's first mutating call (`create`/`deployments`). */
  verb: string;
  resource: string;
  subresource: string | null;
  namespace: string | null;
  name: string;
  user: string;
  userAgent: string;
  sourceIP: string;
  /** RFC 3339 (nanoseconds) of the first API call. */
  start: string;
  /** auditID of the first mutating call; null when the bundle has no audit log. */
  auditId: string | null;
  /** The explicit `reqID` stamped on the operation's lines, when the bundle does that. */
  reqId: string | null;
  /** HTTP status of the first mutating call. */
  code: number;
  outcome: Outcome;
  /** First stage not done (null when complete). */
  stoppedAt: StageId | null;
  /** A substring the stop reason should contain (e.g. `Insufficient cpu`), or null. */
  reason: string | null;
  /** The component that owns the stop stage, or null. */
  stoppedComponent: string | null;
  /**
   * Activity of the control plane itself (cluster bootstrap add-ons, static pods), not a user's
   * operation. False for every user operation.
   */
  system: boolean;
}

/** Per-file truth. `segments` is flat triples: first line (1-based), line count, op index or -1. */
export interface FileTruth {
  path: string;
  component: string;
  node: string | null;
  lines: number;
  segments: number[];
}

export interface BundleTruth {
  seed: number;
  /** RFC 3339 of the bundle's first and last instant (window, not first/last line). */
  from: string;
  to: string;
  /** Total physical lines over all files. */
  lines: number;
  ops: OpTruth[];
  files: FileTruth[];
}

/** The truth about one physical line. */
export interface LineTruth {
  file: string;
  /** 1-based physical line number. */
  line: number;
  component: string;
  node: string | null;
  /** Operation key, or null for background noise. */
  op: string | null;
  /** auditID of the operation's first mutating call (null for noise or without an audit log). */
  auditId: string | null;
}

/** Expands the compact truth into one entry per physical line, file by file, in line order. */
export function* truthLines(truth: BundleTruth): Generator<LineTruth> {
  for (const f of truth.files) {
    const s = f.segments;
    for (let i = 0; i < s.length; i += 3) {
      const first = s[i] ?? 0;
      const count = s[i + 1] ?? 0;
      const op = truth.ops[s[i + 2] ?? -1] ?? null;
      for (let n = 0; n < count; n++) {
        yield {
          file: f.path,
          line: first + n,
          component: f.component,
          node: f.node,
          op: op ? op.key : null,
          auditId: op ? op.auditId : null,
        };
      }
    }
  }
}

/** The truth for one line, or null when the file/line is not part of the bundle. */
export function truthForLine(truth: BundleTruth, path: string, line: number): LineTruth | null {
  const f = truth.files.find((x) => x.path === path);
  if (!f || line < 1 || line > f.lines) return null;
  const s = f.segments;
  let lo = 0;
  let hi = s.length / 3 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((s[mid * 3] ?? 0) <= line) lo = mid;
    else hi = mid - 1;
  }
  const op = truth.ops[s[lo * 3 + 2] ?? -1] ?? null;
  return {
    file: path,
    line,
    component: f.component,
    node: f.node,
    op: op ? op.key : null,
    auditId: op ? op.auditId : null,
  };
}
