import type { CorrelationSink, LinkKind, Operation, StoredRecord } from '@kubetrail/model';
import type { ObjectNode } from './objectGraph.ts';
import { ImagePulls } from './imagePulls.ts';
import { ObjectGraph, touch } from './objectGraph.ts';
import type { Op, Req, Signal } from './operation.ts';
import { addSignal, newOp } from './operation.ts';
import { specOf } from './operations/index.ts';
import { inferredReqId, newReq } from './requests.ts';
import type { StageFinding } from './stageSignals.ts';

export interface CorrelateOptions {
  /** How long after its start an operation keeps claiming lines about its objects. Default 15 min. */
  windowMs?: number;
  /** Calls of one client less than this apart form one command. Default 1000 ms. */
  groupGapMs?: number;
  /** Clock skew tolerated between nodes, in ms. Default 2000 ms. */
  skewMs?: number;
  /**
   * Which read-only commands (get/list/watch only) become requests: `refused` (default: those with
   * a 4xx/5xx, "who tried what"), `all`, or `none`.
   */
  readOnly?: 'refused' | 'all' | 'none';
  /**
   * The pod a file belongs to, by fileId, when its path says so (`pods/<ns>_<pod>_<uid>/…`,
   * parsers' `classifyPath(path).pod`). An application's own log lines name no object; this is how
   * they join the operation that started their pod. Optional: without it they stay unlinked.
   */
  filePods?: ReadonlyMap<number, FilePod>;
}

export interface FilePod {
  namespace: string;
  name: string;
  uid: string | null;
}

const MS = 1_000_000n;
/** How long after a nameless create its controller's first fact may come. */
const NAMELESS_NS = 30_000n * MS;

/** State shared by the passes of one correlation run. */
export class Context {
  readonly graph = new ObjectGraph();
  readonly pulls = new ImagePulls();
  /** Requests that will be reported, in creation order. */
  readonly requests: Req[] = [];
  readonly reqById = new Map<string, Req>();
  /** auditID → request, for every audit event that was linked (httplog lines and spans join on it). */
  readonly auditReq = new Map<string, Req>();
  readonly traceReq = new Map<string, Req>();
  readonly windowNs: bigint;
  readonly gapNs: bigint;
  readonly skewNs: bigint;
  readonly filePods: ReadonlyMap<number, FilePod>;
  /** The first time the bundle's audit calls, Events and object state show (the cluster's start, or the bundle's). */
  firstNs: bigint | null = null;
  readonly readOnly: 'refused' | 'all' | 'none';

  constructor(
    readonly sink: CorrelationSink,
    opts: CorrelateOptions = {},
  ) {
    this.windowNs = BigInt(Math.round(opts.windowMs ?? 15 * 60_000)) * MS;
    this.gapNs = BigInt(Math.round(opts.groupGapMs ?? 1000)) * MS;
    this.skewNs = BigInt(Math.round(opts.skewMs ?? 2000)) * MS;
    this.filePods = opts.filePods ?? new Map();
    this.readOnly = opts.readOnly ?? 'refused';
  }

  /**
   * Creates whose object name the bundle does not say (an httplog `POST …/deployments` without an
   * audit log): the first controller fact that would start the same operation in that namespace
   * soon after names it.
   */
  private readonly nameless: Op[] = [];

  addNameless(op: Op): void {
    this.nameless.push(op);
  }

  /** Whether a nameless create of `operation` in `namespace` is waiting at `ts` (it names no kind). */
  namelessWaiting(operation: Operation, namespace: string | null, ts: bigint): boolean {
    return this.nameless.some(
      (op) =>
        op.operation === operation &&
        op.namespace === namespace &&
        op.startNs - this.skewNs <= ts &&
        ts - op.startNs <= NAMELESS_NS,
    );
  }

  /** The nameless create `operation` of `target` was, if one is waiting; it now has its target. */
  claimNameless(operation: Operation, target: ObjectNode, ts: bigint): Op | null {
    const i = this.nameless.findIndex(
      (op) =>
        op.operation === operation &&
        op.namespace === target.namespace &&
        op.startNs - this.skewNs <= ts &&
        ts - op.startNs <= NAMELESS_NS,
    );
    if (i < 0) return null;
    const [op] = this.nameless.splice(i, 1);
    op!.target = target;
    op!.name = target.name;
    touch(target, op!, op!.startNs);
    touch(target, op!, ts);
    return op!;
  }

  register(req: Req): void {
    if (this.reqById.get(req.reqId) === req) return;
    this.reqById.set(req.reqId, req);
    this.requests.push(req);
  }

  link(rec: StoredRecord, req: Req, kind: LinkKind, evidence: string): void {
    this.sink.link({ recordId: rec.id, reqId: req.reqId, kind, evidence });
    this.countLink(req, rec.ts);
  }

  countLink(req: Req, ts: bigint | null): void {
    req.records++;
    if (ts !== null && ts > req.endNs) req.endNs = ts;
  }

  /**
   * The request a line's explicit reqID names: the request already known by it; else `via`, the
   * request the line joins anyway (its audit ID, its object), which takes the id at the end
   * (`finishRequests`) — the proposal's id is the request's id; else a request of its own.
   */
  explicitFor(reqId: string, ts: bigint, via: Req | null): Req {
    const known = this.reqById.get(reqId);
    if (known) return known;
    if (via !== null && via.explicitId === null && via.idKind !== 'reqID') {
      via.explicitId = reqId;
      this.reqById.set(reqId, via);
      return via;
    }
    return this.explicitReq(reqId, ts);
  }

  /** The request for an explicit reqID, created on first sight. */
  explicitReq(reqId: string, ts: bigint): Req {
    let req = this.reqById.get(reqId);
    if (!req) {
      req = newReq(reqId, 'reqID', ts);
      this.register(req);
    }
    return req;
  }

  /**
   * An operation inferred from controller activity (no audit call claims the object). Its reqID
   * is the record's explicit reqID when it has one, else derived from the object and the time.
   */
  inferOp(operation: Operation, target: ObjectNode, ts: bigint, rec: StoredRecord): Op {
    const reqId = rec.reqId ?? inferredReqId(operation, target.key, target.uid, ts);
    let req = this.reqById.get(reqId);
    if (!req) {
      req = newReq(reqId, rec.reqId ? 'reqID' : 'inferred', ts);
      this.register(req);
    }
    const shape = specOf(operation);
    const op = newOp(req, operation, {
      verb: shape.verb,
      resource: shape.resource,
      namespace: target.namespace,
      name: target.name,
      target,
      startNs: ts,
      windowNs: this.windowNs,
    });
    touch(target, op, ts);
    return op;
  }

  signal(
    op: Op,
    obj: ObjectNode | null,
    f: StageFinding,
    rec: StoredRecord,
    ts: bigint | null,
    component: string | null,
  ): void {
    const sig: Signal = {
      stage: f.stage,
      status: f.status,
      ts,
      component,
      reason: f.reason,
      recordId: rec.id,
    };
    addSignal(op, obj, sig);
    // Killing a pod's containers is, for drains and deletes, the pod terminating.
    if (f.stage === 'containers-killed' && obj) addSignal(op, obj, { ...sig, stage: 'pods-terminated' });
  }
}
