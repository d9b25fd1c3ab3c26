import type { CorrelationSource, StoredSpan } from '@kubetrail/model';
import type { Context } from './context.ts';
import type { ObjectNode } from './objectGraph.ts';
import { chainTouchAt } from './objectGraph.ts';
import type { Req } from './operation.ts';
import { newReq } from './requests.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The pod a span names through the OpenTelemetry k8s attributes (span first, then resource). */
function spanPod(ctx: Context, span: StoredSpan): ObjectNode | null {
  const attr = (k: string): string | null => str(span.attributes[k]) ?? str(span.resource[k]);
  const uid = attr('k8s.pod.uid');
  if (uid) {
    const pod = ctx.graph.byToken.get(uid)?.find((n) => n.kind === 'pod');
    if (pod) return pod;
  }
  const name = attr('k8s.pod.name');
  const namespace = attr('k8s.namespace.name');
  if (name && namespace) return ctx.graph.get('pod', namespace, name) ?? null;
  // The kubelet also writes `k8s.pod` as `namespace/name` (klog.KObj).
  const kobj = attr('k8s.pod');
  const slash = kobj ? kobj.indexOf('/') : -1;
  if (kobj && slash > 0) return ctx.graph.get('pod', kobj.slice(0, slash), kobj.slice(slash + 1)) ?? null;
  return null;
}

interface Direct {
  req: Req;
  kind: 'audit' | 'inferred';
  evidence: string;
}

/** A span's own claim on a request: its `audit-id`, else the pod it names (like kubelet lines). */
function direct(ctx: Context, span: StoredSpan): Direct | null {
  if (span.auditId) {
    const req = ctx.auditReq.get(span.auditId);
    if (req) return { req, kind: 'audit', evidence: `audit-id=${span.auditId}` };
  }
  const pod = spanPod(ctx, span);
  if (!pod) return null;
  const touch = chainTouchAt(pod, span.start, ctx.skewNs);
  return touch ? { req: touch.op.req, kind: 'inferred', evidence: pod.key } : null;
}

/**
 * Links spans to requests once log lines have built the object graph: a span's own `audit-id` or
 * pod attributes (`k8s.pod.uid`, `k8s.namespace.name`/`k8s.pod.name`, `k8s.pod`) name its
 * request; every other span of the same trace joins the request its trace's first claim named
 * (the root's, for apiserver and kubelet traces, whose root or first child carries the claim).
 */
export function linkSpans(ctx: Context, source: CorrelationSource): void {
  // Pass 1: claims per trace. Audit claims were already mapped before the log pass.
  const orphans = new Map<string, Orphan>();
  for (const span of source.spans()) {
    if (ctx.traceReq.has(span.traceId)) continue;
    const d = direct(ctx, span);
    if (d) {
      ctx.traceReq.set(span.traceId, d.req);
      orphans.delete(span.traceId);
      continue;
    }
    let o = orphans.get(span.traceId);
    if (!o) {
      o = { root: null, auditId: null };
      orphans.set(span.traceId, o);
    }
    if (span.parentSpanId === null) o.root = span;
    o.auditId ??= span.auditId;
  }
  for (const [traceId, o] of orphans) {
    if (ctx.traceReq.has(traceId)) continue;
    const req = traceRequest(ctx, traceId, o);
    if (req) ctx.traceReq.set(traceId, req);
  }
  // Pass 2: links.
  for (const span of source.spans()) {
    const d = direct(ctx, span);
    if (d) {
      ctx.sink.spanLink({ spanId: span.id, reqId: d.req.reqId, kind: d.kind, evidence: d.evidence });
      continue;
    }
    const req = ctx.traceReq.get(span.traceId);
    if (req)
      ctx.sink.spanLink({
        spanId: span.id,
        reqId: req.reqId,
        kind: 'trace',
        evidence: `traceID=${span.traceId}`,
      });
  }
}

interface Orphan {
  root: StoredSpan | null;
  auditId: string | null;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Clients that are the control plane itself: their calls are steps of a request, never one. */
const SYSTEM_AGENT = /^(kube-controller-manager|kube-scheduler|kubelet|kube-proxy|kindnetd|coredns)\b/;

/**
 * A request of its own (idKind `trace`) for a trace that nothing else claims — the live receiver
 * with no audit log: an apiserver server span for a mutating call by a client that is not a
 * control-plane component. Its reqID is the audit ID when a span carries one (as audit correlation
 * would name it), else `trace-<traceID>`.
 */
function traceRequest(ctx: Context, traceId: string, o: Orphan): Req | null {
  const root = o.root;
  if (!root || root.component !== 'kube-apiserver') return null;
  const method = str(root.attributes['http.method']) ?? str(root.attributes['http.request.method']);
  if (!method || !MUTATING.has(method.toUpperCase())) return null;
  const agent = str(root.attributes['user_agent.original']) ?? str(root.attributes['http.user_agent']);
  if (agent && SYSTEM_AGENT.test(agent)) return null;
  const reqId = o.auditId ?? `trace-${traceId}`;
  const existing = ctx.reqById.get(reqId);
  if (existing) return existing;
  const req = newReq(reqId, 'trace', root.start);
  req.endNs = root.end > root.start ? root.end : root.start;
  req.userAgent = agent;
  if (o.auditId) req.auditIds.push(o.auditId);
  const ip =
    str(root.attributes['net.sock.peer.addr']) ??
    str(root.attributes['net.peer.ip']) ??
    str(root.attributes['client.address']);
  if (ip) req.sourceIps.add(ip);
  const code = root.attributes['http.status_code'] ?? root.attributes['http.response.status_code'];
  if (typeof code === 'number') req.code = code;
  req.hasMutating = true;
  ctx.register(req);
  return req;
}
