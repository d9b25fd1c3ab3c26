import type { StoredRecord } from '@kubetrail/model';
import { parseRfc3339Ns } from '@kubetrail/model';

/** The parts of a merged audit event that correlation uses, read once per record. */
export interface AuditCall {
  recordId: number;
  ts: bigint;
  /** When the call finished (stageTimestamp), read on demand: most calls never need it. */
  endTs: () => bigint;
  auditId: string;
  reqId: string | null;
  verb: string;
  user: string;
  impersonatedUser: string | null;
  userAgent: string | null;
  sourceIps: string[];
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  /** objectRef.name, or the name from the request/response body for creates. */
  name: string | null;
  uid: string | null;
  code: number | null;
  message: string | null;
  /** Owner references from the response (or request) body, when the level carried one. */
  owners: { kind: string; name: string; uid: string | null }[];
  requestObject: Record<string, unknown> | null;
  responseObject: Record<string, unknown> | null;
  /** The request URI's `fieldManager` (`kubectl-taint`, `kubectl-client-side-apply`), when given. */
  fieldManager: string | null;
}

/** `…?fieldManager=kubectl-taint&…` → `kubectl-taint`. */
export function fieldManagerOf(uri: string | null): string | null {
  if (uri === null) return null;
  const m = /[?&]fieldManager=([^&]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]!) : null;
}

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const asStr = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Reads an audit record; null when it is not an audit event we can use. */
export function readAuditCall(rec: StoredRecord): AuditCall | null {
  const f = rec.fields;
  if (!f) return null;
  const auditId = rec.auditId ?? asStr(f['auditID']);
  const verb = asStr(f['verb']);
  if (!auditId || !verb) return null;
  const user = asObj(f['user']);
  const imp = asObj(f['impersonatedUser']);
  const ref = asObj(f['objectRef']);
  const status = asObj(f['responseStatus']);
  const reqObj = asObj(f['requestObject']);
  const respObj = asObj(f['responseObject']);
  const meta = asObj(respObj?.['metadata']) ?? asObj(reqObj?.['metadata']);
  const ts =
    rec.ts ?? parseRfc3339Ns(asStr(f['requestReceivedTimestamp']) ?? asStr(f['timestamp']) ?? '') ?? null;
  if (ts === null) return null;
  const stageTs = asStr(f['stageTimestamp']);
  const endTs = (): bigint => (stageTs ? (parseRfc3339Ns(stageTs) ?? ts) : ts);
  const owners: AuditCall['owners'] = [];
  const refs = meta?.['ownerReferences'];
  if (Array.isArray(refs)) {
    for (const r of refs) {
      const o = asObj(r);
      const kind = asStr(o?.['kind']);
      const name = asStr(o?.['name']);
      if (kind && name) owners.push({ kind, name, uid: asStr(o?.['uid']) });
    }
  }
  const ips = f['sourceIPs'];
  const code = status?.['code'];
  // Bodies of subresource calls (bindings, evictions, scale, status) describe the subresource,
  // so only a body on the object itself may name it.
  const subresource = asStr(ref?.['subresource']);
  const bodyName = subresource ? null : asStr(meta?.['name']);
  return {
    recordId: rec.id,
    ts,
    endTs,
    auditId,
    reqId: rec.reqId,
    verb,
    user: asStr(user?.['username']) ?? '',
    impersonatedUser: asStr(imp?.['username']),
    userAgent: asStr(f['userAgent']),
    sourceIps: Array.isArray(ips) ? ips.filter((x): x is string => typeof x === 'string') : [],
    resource: asStr(ref?.['resource']),
    subresource,
    namespace: asStr(ref?.['namespace']),
    name: asStr(ref?.['name']) ?? bodyName,
    uid: asStr(ref?.['uid']) ?? (subresource ? null : asStr(meta?.['uid'])),
    code: typeof code === 'number' ? code : null,
    message: asStr(status?.['message']),
    owners,
    requestObject: reqObj,
    responseObject: respObj,
    fieldManager: fieldManagerOf(asStr(f['requestURI'])),
  };
}

/** True when the call succeeded (2xx; 101 for exec/attach upgrades). Unknown codes count as success. */
export const callSucceeded = (c: AuditCall): boolean => c.code === null || (c.code >= 100 && c.code < 400);
