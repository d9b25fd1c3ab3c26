import type { CorrelationResult, CorrelationSink, CorrelationSource, StoredRecord } from '@kubetrail/model';
import type { AuditCall } from './auditCall.ts';
import { readAuditCall } from './auditCall.ts';
import { isSystemAgent, readHttpCall } from './httpCall.ts';
import { Commands } from './commands.ts';
import type { CorrelateOptions } from './context.ts';
import { Context } from './context.ts';
import { ControlPlane } from './controlPlane.ts';
import { KubeEvents } from './kubeEvents.ts';
import { LogLines } from './logLines.ts';
import { linkSpans } from './spanLinks.ts';
import { toRequest } from './requests.ts';
import { isControlPlaneUser } from './users.ts';

const EVENT_DELAY_NS = 1_000_000_000n;

/** Whether an iterable yields anything; the iterator is closed (a store cursor is released). */
function hasAny(it: Iterable<unknown>): boolean {
  const iter = it[Symbol.iterator]();
  const first = iter.next();
  iter.return?.();
  return first.done !== true;
}

/**
 * Gives every record that belongs to a user operation that operation's reqID (links go to `sink`)
 * and returns the requests with their stage ladders.
 *
 * Streaming: audit and Event records are read once to build requests and the object graph, spans
 * once to map trace IDs, then log records once to attribute lines; spans again to link them.
 * Memory holds requests, objects and per-object state, never the records themselves.
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
  const events = new KubeEvents(ctx, cp);

  // Core/v1 Events carry whole seconds, so one can sort up to a second before the API call that
  // caused it (and before a precise events.k8s.io Event it caused). Events wait here until the
  // stream has passed their second, then run in their own time order.
  const delayed: StoredRecord[] = [];
  let head = 0;
  const flushEvents = (upTo: bigint | null): void => {
    while (head < delayed.length) {
      const ev = delayed[head]!;
      if (upTo !== null && ev.ts !== null && ev.ts + EVENT_DELAY_NS > upTo) break;
      events.onEvent(ev);
      delayed[head++] = undefined as unknown as StoredRecord;
    }
    if (head > 1024 && head * 2 > delayed.length) {
      delayed.splice(0, head);
      head = 0;
    }
  };
  // Without an audit log, kube-apiserver's httplog lines stand in for it: the pass then also reads
  // log records, but only those with an audit ID are looked at.
  const hasAudit = hasAny(source.records({ kinds: ['audit'] }));
  const httpCallIds = new Set<number>();
  for (const rec of source.records({ kinds: hasAudit ? ['audit', 'event'] : ['event', 'log'] })) {
    if (rec.kind === 'event') {
      delayed.push(rec);
      flushEvents(rec.ts);
      continue;
    }
    let call: AuditCall | null;
    if (rec.kind === 'audit') call = readAuditCall(rec);
    else {
      if (rec.auditId === null) continue;
      call = readHttpCall(rec);
      if (!call || isSystemAgent(call)) continue;
      httpCallIds.add(rec.id);
    }
    if (!call) continue;
    flushEvents(call.ts);
    if (isControlPlaneUser(call.user)) cp.onCall(rec, call);
    else commands.onUserCall(call);
  }
  flushEvents(null);
  commands.closeAll();

  // Spans: an apiserver span's audit-id names its request; its trace carries that to the others.
  for (const span of source.spans()) {
    const req = span.auditId ? ctx.auditReq.get(span.auditId) : undefined;
    if (req && !ctx.traceReq.has(span.traceId)) ctx.traceReq.set(span.traceId, req);
  }

  const logs = new LogLines(ctx, cp);
  for (const rec of source.records({ kinds: ['log'] })) if (!httpCallIds.has(rec.id)) logs.onLog(rec);
  logs.finish();

  linkSpans(ctx, source);

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
