import type { IdKind, Request, Target } from '@kubetrail/model';
import { formatNs, OUTCOME_ORDER, parseRfc3339Ns } from '@kubetrail/model';
import type { Context } from './context.ts';
import { buildTarget } from './operations/index.ts';
import type { Op, Req } from './operation.ts';
import type { ObjectNode } from './objectGraph.ts';

export function newReq(reqId: string, idKind: IdKind, startNs: bigint): Req {
  return {
    reqId,
    idKind,
    auditIds: [],
    user: null,
    impersonatedUser: null,
    userAgent: null,
    sourceIps: new Set(),
    startNs,
    endNs: startNs,
    code: null,
    hasMutating: false,
    ops: [],
    records: 0,
    explicitId: null,
    system: false,
    groupKey: null,
    lastCallNs: startNs,
  };
}

/**
 * A deterministic reqID for an operation inferred without an audit log: the same bundle always
 * gives the same IDs, so permalinks survive a re-ingest. FNV-1a 64 over operation, object and time.
 */
export function inferredReqId(
  operation: string,
  object: string,
  uid: string | null,
  startNs: bigint,
): string {
  const text = `${operation}|${object}|${uid ?? ''}|${startNs}`;
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `inferred-${h.toString(16).padStart(16, '0')}`;
}

/** The model `Request` for an assembled request: targets with ladders, worst outcome first. */
export function toRequest(req: Req): Request {
  const targets = req.ops.map(buildTarget);
  let worst = OUTCOME_ORDER.length - 1;
  for (const t of targets) worst = Math.min(worst, OUTCOME_ORDER.indexOf(t.outcome));
  return {
    reqId: req.reqId,
    idKind: req.idKind,
    auditIds: req.auditIds,
    user: req.user,
    impersonatedUser: req.impersonatedUser,
    userAgent: req.userAgent,
    sourceIps: [...req.sourceIps],
    startedAt: formatNs(req.startNs),
    endedAt: formatNs(endOf(req, targets)),
    system: req.system,
    outcome: targets.length > 0 ? OUTCOME_ORDER[worst]! : 'complete',
    code: req.code,
    targets,
    records: req.records,
  };
}

/** Namespaces of the control plane and its add-ons. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);
/** How long after the bundle's first sign of life add-ons count as the cluster bootstrapping. */
const BOOTSTRAP_NS = 5n * 60n * 1_000_000_000n;

/**
 * The control plane's own operations (add-ons in kube-system and its kin, static pods, what
 * controllers did on their own) are `system`: listed apart, one filter away. A person's change is
 * never system — unless it is kubeadm or kind applying add-ons with admin credentials while the
 * cluster comes up.
 */
function isSystem(req: Req, ctx: Context): boolean {
  if (req.ops.length === 0) return false;
  if (!req.ops.every((op) => op.namespace !== null && SYSTEM_NAMESPACES.has(op.namespace))) return false;
  if (req.user === null || req.user === '') return true;
  if (req.user.startsWith('system:') && req.user !== 'system:admin') return true;
  if (req.userAgent?.startsWith('kubeadm/') === true) return true;
  return ctx.firstNs !== null && req.startNs - ctx.firstNs <= BOOTSTRAP_NS;
}

/**
 * Last touches once every pass is done: the proposal's reqID becomes the id of the request whose
 * lines carry it (links already written follow, `sink.rename`), and system activity is marked.
 */
export function finishRequests(ctx: Context): void {
  // Each target's operations in time order: each is superseded by the next on the same object.
  const byTarget = new Map<ObjectNode, Op[]>();
  for (const req of ctx.requests)
    for (const op of req.ops) {
      if (op.target === null) continue;
      const list = byTarget.get(op.target);
      if (list) list.push(op);
      else byTarget.set(op.target, [op]);
    }
  for (const list of byTarget.values()) {
    list.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    for (let i = 0; i + 1 < list.length; i++)
      if (list[i + 1]!.req !== list[i]!.req) list[i]!.supersededBy = list[i + 1]!;
  }
  for (const req of ctx.requests) {
    req.system = isSystem(req, ctx);
    const id = req.explicitId;
    if (id === null || id === req.reqId || ctx.sink.rename === undefined) continue;
    // Another request already holds that id (the proposal's id on two requests): keep both apart.
    const holder = ctx.reqById.get(id);
    if (holder !== undefined && holder !== req) continue;
    ctx.sink.rename(req.reqId, id);
    ctx.reqById.delete(req.reqId);
    ctx.reqById.set(id, req);
    req.reqId = id;
    req.idKind = 'reqID';
  }
}

/**
 * When a request ended: when its ladders settled (the last stage reached) for requests that
 * finished one way or another; the last line linked to it while one is still under way. Lines
 * after it (steady-state probes) stay linked and reachable.
 */
function endOf(req: Req, targets: readonly Target[]): bigint {
  const last = req.endNs < req.startNs ? req.startNs : req.endNs;
  if (targets.length === 0 || targets.some((t) => t.outcome === 'incomplete')) return last;
  let settled = req.startNs;
  for (const t of targets)
    for (const s of t.stages) {
      if (s.at === null || (s.status !== 'done' && s.status !== 'failed')) continue;
      const at = parseRfc3339Ns(s.at);
      if (at !== null && at > settled) settled = at;
    }
  return settled < last ? settled : last;
}
