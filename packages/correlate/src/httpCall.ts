import type { StoredRecord } from '@kubetrail/model';
import type { AuditCall } from './auditCall.ts';
import { fieldManagerOf } from './auditCall.ts';

/**
 * kube-apiserver's httplog line (`"HTTP" verb="POST" URI="/apis/apps/v1/namespaces/shop/deployments"
 * userAgent="kubectl/…" audit-ID="…" srcIP="…" resp=201`) as an API call. Bundles without an audit
 * log usually still have these: they give the user's calls (without the user name), their audit
 * IDs and status codes, which is enough to build requests the way audit events do.
 */

const HTTP_VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  GET: 'get',
  LIST: 'list',
  WATCH: 'watch',
};

/** Components and probes, by user agent: never users. */
const SYSTEM_AGENT =
  /^(kube-|kubelet\/|kindnet|coredns|local-path|cloud-controller|metrics-server|Go-http-client)/;

export function readHttpCall(rec: StoredRecord): AuditCall | null {
  const f = rec.fields;
  if (!f || rec.auditId === null || rec.ts === null) return null;
  const method = f['verb'];
  const uri = f['URI'];
  if (typeof method !== 'string' || typeof uri !== 'string') return null;
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const segs = path.split('/').filter((x) => x !== '');
  // /api/v1/... or /apis/<group>/<version>/...
  const rest = segs[0] === 'api' ? segs.slice(2) : segs[0] === 'apis' ? segs.slice(3) : null;
  if (!rest || rest.length === 0) return null;
  let namespace: string | null = null;
  let parts = rest;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1] ?? null;
    parts = rest.slice(2);
  }
  const [resource, name, subresource] = parts;
  if (!resource) return null;
  let verb = HTTP_VERBS[method] ?? method.toLowerCase();
  if (verb === 'get' && !name) verb = uri.includes('watch=true') ? 'watch' : 'list';
  const ua = typeof f['userAgent'] === 'string' ? f['userAgent'] : null;
  const src = typeof f['srcIP'] === 'string' ? f['srcIP'] : null;
  const resp = f['resp'];
  const code =
    typeof resp === 'number' ? resp : typeof resp === 'string' && /^\d+$/.test(resp) ? Number(resp) : null;
  const latency = typeof f['latency'] === 'string' ? parseLatencyNs(f['latency']) : 0n;
  const end = rec.ts;
  return {
    recordId: rec.id,
    // httplog is written when the response is done; the call started `latency` earlier.
    ts: end - latency,
    endTs: () => end,
    auditId: rec.auditId,
    reqId: rec.reqId,
    verb,
    user: '',
    impersonatedUser: null,
    userAgent: ua,
    sourceIps: src ? [src.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')] : [],
    resource,
    subresource: subresource ?? null,
    namespace,
    name: name ?? null,
    uid: null,
    code,
    message: code !== null && code >= 400 ? `HTTP ${code}` : null,
    owners: [],
    requestObject: null,
    responseObject: null,
    fieldManager: fieldManagerOf(uri),
  };
}

/** True when the call came from a cluster component rather than a person's client. */
export const isSystemAgent = (call: AuditCall): boolean =>
  call.userAgent === null || SYSTEM_AGENT.test(call.userAgent);

/** `12.785998ms`, `5m37.0s`, `1.2s`, `350µs` → nanoseconds (0 when unreadable). */
export function parseLatencyNs(s: string): bigint {
  let total = 0;
  const re = /([\d.]+)(h|m(?!s)|s|ms|µs|us|ns)/g;
  let m: RegExpExecArray | null;
  let any = false;
  while ((m = re.exec(s)) !== null) {
    any = true;
    const v = Number(m[1]);
    const unit = m[2];
    total +=
      unit === 'h'
        ? v * 3.6e12
        : unit === 'm'
          ? v * 6e10
          : unit === 's'
            ? v * 1e9
            : unit === 'ms'
              ? v * 1e6
              : unit === 'ns'
                ? v
                : v * 1e3;
  }
  return any && Number.isFinite(total) ? BigInt(Math.round(total)) : 0n;
}
