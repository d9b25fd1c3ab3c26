import { MAX_JSON_DEPTH, tryJson } from '../lines/events.ts';
import { isCredentialKey, mayHoldSecret, redactText, REDACTED, type Removed } from './credentialText.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where a value sits, which decides what is kept of it:
 * - `plain`: anywhere else. Credential keys lose their values, strings lose credential shapes.
 * - `secret`: inside a Secret (any object whose `kind` says Secret/SecretList, or the request and
 *   response bodies of a request about `secrets` — patches, lists, tables and watch events too,
 *   which often carry no `kind`). Strings are dropped unless their key is known to be harmless
 *   (`kind`, `name`, `op`, `path`…): whatever shape the body has, its values do not survive.
 * - `meta`: a Secret's `metadata`: names, labels and ownership are kept, the last-applied
 *   annotation (a copy of the whole object, data included) is not.
 * - `deny`: a Secret's `data`/`stringData`, a JSON patch's `value`: every value goes.
 */
type Ctx = 'plain' | 'secret' | 'meta' | 'deny';

/** Keys whose string values are kept inside a Secret (identity and patch structure, never data). */
const SECRET_SAFE_KEYS = new Set([
  'kind',
  'apiVersion',
  'type',
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'fieldPath',
  'op',
  'path',
  'from',
  '$patch',
]);
const DENY_KEYS = new Set(['data', 'stringData', 'value', 'binaryData']);
const LAST_APPLIED = 'last-applied-configuration';

const lower = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

function ctxOfObject(o: Json, ctx: Ctx): Ctx {
  if (ctx === 'deny') return ctx;
  const kind = lower(o.kind);
  if (kind === 'secret' || kind === 'secretlist') return 'secret';
  // A Status (the apiserver's answer to a failed request) carries messages, never object data.
  if (kind === 'status' && ctx === 'secret') return 'plain';
  return ctx;
}

/** True for an audit event about secrets: its request and response bodies are Secret data. */
const isSecretsRequest = (o: Json): boolean =>
  isObj(o.objectRef) && lower(o.objectRef.resource) === 'secrets';

function childCtx(parent: Ctx, key: string, secretsRequest: boolean): Ctx {
  switch (parent) {
    case 'deny':
      return 'deny';
    case 'secret':
      if (DENY_KEYS.has(key)) return 'deny';
      return key === 'metadata' ? 'meta' : 'secret';
    case 'meta':
      return 'meta';
    case 'plain':
      return secretsRequest && (key === 'requestObject' || key === 'responseObject') ? 'secret' : 'plain';
  }
}

/** Text that may be JSON worth opening: a docker `log` field, a last-applied annotation, a MESSAGE. */
const looksLikeJson = (s: string): boolean => {
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return s.length >= 2 && ((a === 123 && z === 125) || (a === 91 && z === 93));
};

/**
 * What a string becomes under `key` in `ctx`. `removed` collects what was dropped, so the same
 * values can be scrubbed from text that holds them too (the raw line).
 */
function redactString(s: string, key: string, ctx: Ctx, removed: Removed, depth: number): string {
  if (s.length === 0 || s === REDACTED) return s;
  switch (ctx) {
    case 'deny':
      removed.add(s);
      return REDACTED;
    case 'secret':
      if (SECRET_SAFE_KEYS.has(key)) return s;
      removed.add(s);
      return REDACTED;
    case 'meta':
      if (key.endsWith(LAST_APPLIED)) {
        removed.add(s);
        return REDACTED;
      }
      return s;
    case 'plain': {
      if (isCredentialKey(key)) {
        removed.add(s);
        return REDACTED;
      }
      if (!mayHoldSecret(s)) return s;
      if (looksLikeJson(s) && depth < MAX_JSON_DEPTH) {
        const inner = tryJson(s);
        if (inner.ok && typeof inner.value === 'object' && inner.value !== null) {
          const before = removed.values.size;
          const redacted = redactJsonValue(inner.value, removed, depth + 1);
          // Unchanged JSON keeps its original text (and its formatting).
          if (redacted.changed || removed.values.size !== before) return JSON.stringify(redacted.value);
          return s;
        }
      }
      return redactText(s, removed);
    }
  }
}

/**
 * Redacts a parsed JSON value in place (objects and arrays are walked without recursion, so any
 * depth is fine) and returns it, or its replacement when the value itself was a string. `changed`
 * says whether anything was replaced.
 */
export function redactJsonValue(
  value: unknown,
  removed: Removed,
  depth = 0,
): { value: unknown; changed: boolean } {
  let changed = false;
  if (typeof value === 'string') {
    const out = redactString(value, '', 'plain', removed, depth);
    return { value: out, changed: out !== value };
  }
  if (typeof value !== 'object' || value === null) return { value, changed };
  // Each entry: a container, the context of its values, and the key that names its values.
  const stack: { node: Json | unknown[]; ctx: Ctx; key: string }[] = [
    { node: value as Json | unknown[], ctx: 'plain', key: '' },
  ];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { node } = frame;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        const next = leaf(v, frame.key, frame.ctx);
        if (next !== v) {
          node[i] = next;
          changed = true;
        } else if (typeof v === 'object' && v !== null) push(v, frame.ctx, frame.key);
      }
      continue;
    }
    const ctx = ctxOfObject(node, frame.ctx);
    const secretsRequest = ctx === 'plain' && isSecretsRequest(node);
    for (const key of Object.keys(node)) {
      const v = node[key];
      const c = childCtx(ctx, key, secretsRequest);
      if (c === 'plain' && isCredentialKey(key) && v !== null && typeof v !== 'object') {
        if (v !== REDACTED && v !== '') {
          if (typeof v === 'string') removed.add(v);
          node[key] = REDACTED;
          changed = true;
        }
        continue;
      }
      if (c === 'plain' && isCredentialKey(key) && Array.isArray(v)) {
        // Go's http.Header: `"Authorization": ["Bearer …"]`.
        push(v, 'deny', key);
        continue;
      }
      const next = leaf(v, key, c);
      if (next !== v) {
        node[key] = next;
        changed = true;
      } else if (typeof v === 'object' && v !== null) push(v, c, key);
    }
  }
  return { value, changed };

  function push(node: object, ctx: Ctx, key: string): void {
    stack.push({ node: node as Json | unknown[], ctx, key });
  }

  /** A scalar's replacement (the same value when kept); containers are returned as they are. */
  function leaf(v: unknown, key: string, ctx: Ctx): unknown {
    if (typeof v === 'string') return redactString(v, key, ctx, removed, depth);
    if ((typeof v === 'number' || typeof v === 'boolean') && ctx === 'deny') return REDACTED;
    return v;
  }
}
