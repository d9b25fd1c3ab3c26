import type { IdKind, Request } from '@kubetrail/model';
import { formatNs, OUTCOME_ORDER } from '@kubetrail/model';
import { buildTarget } from './ladders/index.ts';
import type { Req } from './operation.ts';

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
    endedAt: formatNs(req.endNs < req.startNs ? req.startNs : req.endNs),
    system: false,
    outcome: targets.length > 0 ? OUTCOME_ORDER[worst]! : 'complete',
    code: req.code,
    targets,
    records: req.records,
  };
}
