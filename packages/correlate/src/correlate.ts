import type {
  CorrelationResult,
  CorrelationSink,
  CorrelationSource,
  RecordKind,
  StoredRecord,
} from '@kubetrail/model';
import type { AuditCall } from './auditCall.ts';
import { readAuditCall } from './auditCall.ts';
import { isSystemAgent, readHttpCall } from './httpCall.ts';
import { Commands } from './commands.ts';
import type { CorrelateOptions } from './context.ts';
import { Context } from './context.ts';
import { ControlPlane } from './controlPlane.ts';
import { Inference } from './inference.ts';
import type { KubeEvent } from './kubeEvent.ts';
import { readKubeEvent } from './kubeEvent.ts';
import { LogLines } from './logLines.ts';
import { NODE_COMPONENTS, nodeFact } from './nodeLine.ts';
import { ObjectState } from './objectState.ts';
import { controllerSyncEvent, isCacheSyncLine, recorderEvent } from './recorderLine.ts';
import { linkSpans } from './spanLinks.ts';
import { finishRequests, toRequest } from './requests.ts';
import { isControlPlaneUser } from './users.ts';

const EVENT_DELAY_NS = 1_000_000_000n;
/** A controller's sync lines this soon after its caches synced are its start-up resync. */
const RESYNC_NS = 60_000_000_000n;

/** Whether an iterable yields anything; the iterator is closed (a store cursor is released). */
function hasAny(it: Iterable<unknown>): boolean {
  const iter = it[Symbol.iterator]();
  const first = iter.next();
  iter.return?.();
  return first.done !== true;
}

/**
 * Which fact comes first when several share a (whole) second: an owner before what it owns, and
 * a pod's life in its order. core/v1 Events carry whole seconds and `kubectl get events` lists
 * them by name, so a ReplicaSet's `Created pod` can be listed before the Deployment's `Scaled up`.
 */
const KIND_RANK: Record<string, number> = {
  cronjob: 0,
  deployment: 1,
  statefulset: 1,
  daemonset: 1,
  job: 2,
  replicaset: 2,
  replicationcontroller: 2,
  persistentvolumeclaim: 3,
  pod: 4,
};
const POD_REASON_RANK: Record<string, number> = {
  Scheduled: 0,
  FailedScheduling: 0,
  SuccessfulAttachVolume: 1,
  Pulling: 2,
  Pulled: 3,
  Created: 4,
  Started: 5,
  Killing: 9,
};
const rankOf = (ev: KubeEvent): number =>
  (KIND_RANK[ev.kind.toLowerCase()] ?? 5) * 16 + (POD_REASON_RANK[ev.reason] ?? 8);

interface Pending {
  rec: StoredRecord;
  ev: KubeEvent;
  /** When the fact can run: Event objects wait a second for the facts that caused them. */
  due: bigint;
}

/**
 * Gives every record that belongs to a user operation that operation's reqID (links go to `sink`)
 * and returns the requests with their stage ladders.
 *
 * Streaming: audit calls, Events (objects and the controller manager's recorder lines) and object
 * state are read once, in causal order, to build requests and the object graph; spans once to map
 * trace IDs; then log records once to attribute lines; spans again to link them. Memory holds
 * requests, objects and per-object state, never the records themselves.
 *
 * Options: `windowMs` (default 15 min) bounds how long after its start an operation claims lines
 * about its objects; `groupGapMs` (default 1000) is the gap that separates two client commands;
 * `skewMs` (default 2000) the clock skew tolerated between nodes.
 */
export function correlate(
  source: CorrelationSource,
  sink: CorrelationSink,
  opts: CorrelateOptions = {},
): CorrelationResult {
  const ctx = new Context(sink, opts);
  const commands = new Commands(ctx);
  const cp = new ControlPlane(ctx);
  const inference = new Inference(ctx, cp);
  const state = new ObjectState(ctx);

  // Facts wait until the stream has passed the second they may share with their causes, then run
  // in causal order (KIND_RANK): nothing is dropped for arriving early.
  const pending: Pending[] = [];
  const flush = (upTo: bigint | null): void => {
    inference.decideKills(upTo === null ? null : upTo - EVENT_DELAY_NS);
    const ready: Pending[] = [];
    let keep = 0;
    for (const p of pending) {
      if (upTo === null || p.due <= upTo) ready.push(p);
      else pending[keep++] = p;
    }
    pending.length = keep;
    if (ready.length === 0) return;
    ready.sort((a, b) => {
      const ta = a.rec.ts ?? 0n;
      const tb = b.rec.ts ?? 0n;
      const sa = ta / EVENT_DELAY_NS;
      const sb = tb / EVENT_DELAY_NS;
      if (sa !== sb) return sa < sb ? -1 : 1;
      const r = rankOf(a.ev) - rankOf(b.ev);
      if (r !== 0) return r;
      return ta < tb ? -1 : ta > tb ? 1 : a.rec.id - b.rec.id;
    });
    for (const p of ready) inference.onEvent(p.rec, p.ev);
  };
  const enqueue = (rec: StoredRecord, ev: KubeEvent, delayed: boolean): void => {
    if (rec.ts === null) return;
    pending.push({ rec, ev, due: rec.ts + (delayed ? EVENT_DELAY_NS : 0n) });
    if (pending.length > 4096) flush(rec.ts - EVENT_DELAY_NS);
  };

  // Without an audit log, kube-apiserver's httplog lines stand in for it. The controller manager's
  // recorder lines are Events too (a kind export has no Event objects).
  const hasAudit = hasAny(source.records({ kinds: ['audit'] }));
  const kinds: RecordKind[] = hasAudit ? ['audit', 'event', 'state', 'log'] : ['event', 'state', 'log'];
  // The scheduler's, kubelets' and runtimes' lines about pods they see are facts too (`nodeLine.ts`).
  const logComponents = hasAudit
    ? ['kube-controller-manager', ...NODE_COMPONENTS]
    : ['kube-controller-manager', 'kube-apiserver', ...NODE_COMPONENTS];
  const httpCallIds = new Set<number>();
  /** When each controller-manager log last said its caches were synced (it had just started). */
  const cacheSyncNs = new Map<number, bigint>();
  const factLineIds = new Set<number>();
  for (const rec of source.records({ kinds, logComponents })) {
    if (rec.ts !== null) {
      flush(rec.ts);
      if (ctx.firstNs === null || rec.ts < ctx.firstNs) ctx.firstNs = rec.ts;
    }
    switch (rec.kind) {
      case 'event': {
        const ev = readKubeEvent(rec);
        if (ev) enqueue(rec, ev, true);
        continue;
      }
      case 'state':
        state.onState(rec);
        continue;
      case 'log': {
        const kcm = rec.component === 'kube-controller-manager';
        const ev = kcm ? recorderEvent(rec) : null;
        if (ev) {
          factLineIds.add(rec.id);
          enqueue(rec, ev, false);
          continue;
        }
        if (kcm && rec.ts !== null) {
          if (isCacheSyncLine(rec)) cacheSyncNs.set(rec.fileId, rec.ts);
          const since = cacheSyncNs.get(rec.fileId);
          const sync = controllerSyncEvent(rec, since !== undefined && rec.ts - since <= RESYNC_NS);
          if (sync) {
            factLineIds.add(rec.id);
            enqueue(rec, sync, false);
            continue;
          }
        }
        const seen = kcm ? null : nodeFact(rec);
        if (seen) {
          // Not a fact line: the log pass links it and reads its stage evidence.
          enqueue(rec, seen, true);
          continue;
        }
        if (hasAudit || rec.auditId === null) continue;
        const call = readHttpCall(rec);
        if (!call) continue;
        if (isSystemAgent(call)) {
          // The garbage collector's and kubelets' deletes are steps of a deletion.
          if (call.verb === 'delete' && call.name !== null) {
            httpCallIds.add(rec.id);
            cp.onCall(rec, call);
          }
          continue;
        }
        httpCallIds.add(rec.id);
        onCall(rec, call);
        continue;
      }
      case 'audit': {
        const call = readAuditCall(rec);
        if (call) onCall(rec, call);
        continue;
      }
      case 'doc':
        continue;
    }
  }
  function onCall(rec: StoredRecord, call: AuditCall): void {
    if (isControlPlaneUser(call.user) || cp.worksForOperation(call)) cp.onCall(rec, call);
    else commands.onUserCall(call);
  }
  flush(null);
  inference.finish();
  cp.finish();
  commands.closeAll();

  // Spans: an apiserver span's audit-id names its request; its trace carries that to the others.
  for (const span of source.spans()) {
    const req = span.auditId ? ctx.auditReq.get(span.auditId) : undefined;
    if (req && !ctx.traceReq.has(span.traceId)) ctx.traceReq.set(span.traceId, req);
  }

  const logs = new LogLines(ctx, cp);
  for (const rec of source.records({ kinds: ['log'] }))
    if (!httpCallIds.has(rec.id) && !factLineIds.has(rec.id)) logs.onLog(rec);
  logs.finish();

  linkSpans(ctx, source);
  state.finish();
  finishRequests(ctx);

  const requests = [...ctx.requests].sort((a, b) =>
    a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0,
  );
  const objects: CorrelationResult['objects'] = [];
  for (const req of requests) {
    const seen = new Set<string>();
    for (const op of req.ops) {
      for (const o of op.objects) {
        if (seen.has(o.key)) continue;
        seen.add(o.key);
        objects.push({ reqId: req.reqId, object: o.key });
      }
    }
  }
  return { requests: requests.map(toRequest), objects };
}
