/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function redactValues(o: unknown): unknown {
  if (!isObj(o)) return o === undefined || o === null ? o : REDACTED;
  const out: Json = {};
  for (const k of Object.keys(o)) out[k] = REDACTED;
  return out;
}

/** Redacts one Kubernetes object in place by kind: Secret data, TokenReview/TokenRequest tokens. */
function redactObject(obj: Json): void {
  const kind = obj.kind;
  if (kind === 'Secret') {
    if ('data' in obj) obj.data = redactValues(obj.data);
    if ('stringData' in obj) obj.stringData = redactValues(obj.stringData);
    const md = obj.metadata;
    // kubectl apply copies the whole object, data included, into this annotation.
    if (isObj(md) && isObj(md.annotations) && LAST_APPLIED in md.annotations)
      md.annotations[LAST_APPLIED] = REDACTED;
  } else if (kind === 'SecretList' || (kind === 'List' && Array.isArray(obj.items))) {
    for (const it of obj.items as unknown[]) if (isObj(it)) redactObject(it);
  } else if (kind === 'TokenReview') {
    if (isObj(obj.spec) && 'token' in obj.spec) obj.spec.token = REDACTED;
  } else if (kind === 'TokenRequest') {
    if (isObj(obj.status) && 'token' in obj.status) obj.status.token = REDACTED;
  }
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/** Redacts `Authorization` headers and bearer/basic credentials anywhere in a JSON value, in place. */
function redactCredentials(v: unknown, depth: number): unknown {
  if (depth > 64) return v;
  if (typeof v === 'string')
    return v.includes('earer ') || v.includes('asic ') ? v.replace(BEARER, `$1 ${REDACTED}`) : v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = redactCredentials(v[i], depth + 1);
    return v;
  }
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      const lk = k.toLowerCase();
      if (
        lk === 'authorization' ||
        lk === 'proxy-authorization' ||
        lk === 'bearertoken' ||
        lk === 'bearer_token'
      )
        v[k] = REDACTED;
      else v[k] = redactCredentials(v[k], depth + 1);
    }
  }
  return v;
}

/**
 * Removes secret values from an audit event, in place, before anything is stored: Secret
 * `data`/`stringData` values (and the last-applied annotation that copies them) in
 * requestObject/responseObject, TokenReview `spec.token`, TokenRequest `status.token`, and
 * Authorization headers / bearer tokens anywhere. Keys are kept so the shape stays readable.
 */
export function redactAuditEvent(ev: Json): Json {
  for (const key of ['requestObject', 'responseObject'] as const) {
    const o = ev[key];
    if (isObj(o)) redactObject(o);
  }
  redactCredentials(ev, 0);
  return ev;
}
