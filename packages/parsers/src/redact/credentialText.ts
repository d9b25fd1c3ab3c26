/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

/**
 * Cheap test for text that may carry a secret (case-insensitive): Secret objects and `secrets`
 * requests, tokens (TokenReview/TokenRequest, `token` keys, JWTs), Bearer/Basic credentials, an
 * `Authorization` header or key (not the `authorization.k8s.io/…` annotations every audit event
 * carries), passwords, API keys, cookies, PEM private keys — or a `\u`/`\x` escape, behind which any
 * of these may hide (`"\u0053ecret"`; see {@link mayHoldSecret}). One regex pass: ordinary lines
 * cost one scan.
 */
const MAY_HOLD =
  /secret|token|bearer|basic\s|authorization(?!\.k8s\.io)|passw(?:or)?d|api[-_]?key|cookie|eyJ|PRIVATE KEY|\\[uUx]/i;
/** {@link MAY_HOLD} without the escape alternative, for text already unescaped. */
const MAY_HOLD_PLAIN =
  /secret|token|bearer|basic\s|authorization(?!\.k8s\.io)|passw(?:or)?d|api[-_]?key|cookie|eyJ|PRIVATE KEY/i;

/** JSON `\uXXXX` and Go `\xXX` / `\UXXXXXXXX` escapes decoded, anything else left as it is. */
export function unescapeForCheck(text: string): string {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|U([0-9a-fA-F]{8}))/g, (m, u, x, U) => {
    const code = parseInt((u ?? x ?? U) as string, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/**
 * True when `text` may carry a secret, also behind escapes: false means no redaction rule can
 * apply, so the text (and what was parsed from it) is stored as it is.
 */
export function mayHoldSecret(text: string): boolean {
  const m = MAY_HOLD.exec(text);
  if (m === null) return false;
  if (m[0].charCodeAt(0) !== 92 /* \ */) return true;
  return MAY_HOLD_PLAIN.test(unescapeForCheck(text));
}

/** Collects the secret values a redaction removed (the safety net scrubs them from other text). */
export class Removed {
  readonly values = new Set<string>();
  add(value: string): void {
    // Very short values would scrub ordinary text; the structured redaction already removed them.
    if (value.length >= 4 && value !== REDACTED && this.values.size < 512) this.values.add(value);
  }
}

/** A pattern and what replaces one match (`g`: the capture groups, '' when unmatched). */
type Rule = [RegExp, (removed: Removed, match: string, g: string[]) => string];

/** Replaces capture group `value` of a match, keeping the groups around it. */
const keepAround =
  (valueGroup: number) =>
  (removed: Removed, _match: string, g: string[]): string => {
    removed.add((g[valueGroup] ?? '').trim());
    return g.map((x, i) => (i === valueGroup ? REDACTED : x)).join('');
  };

const RULES: Rule[] = [
  // An `"authorization": "…"` key with its whole value (scheme included).
  [/("(?:proxy-)?authorization"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi, keepAround(1)],
  // An `Authorization: …` header or `authorization=…` pair.
  [
    /\b((?:proxy-)?authorization)(?!\.k8s\.io)(\s*[:=]\s*)(?!\s*")(?!\[REDACTED\])([^\r\n,;"'}\]]+)/gi,
    keepAround(2),
  ],
  // `Bearer <token>` (any case).
  [/\b(bearer)(\s+)([A-Za-z0-9._~+/=-]+)/gi, keepAround(2)],
  // `Basic <credentials>`; "basic authentication" is prose, not credentials.
  [
    /\b(basic)(\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi,
    (removed, match, g) => (/^[a-z]+$/.test(g[2] ?? '') ? match : keepAround(2)(removed, match, g)),
  ],
  // The token a websocket client sends as a subprotocol.
  [/(base64url\.bearer\.authorization\.k8s\.io\.)([A-Za-z0-9_-]+)/g, keepAround(1)],
  // JWTs (service account tokens, OIDC id tokens) wherever they appear.
  [
    /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    (removed, match) => {
      removed.add(match);
      return REDACTED;
    },
  ],
  // `?token=…` / `&access_token=…` in URLs.
  [/([?&](?:access_|id_|refresh_)?token=)([^&\s"'#]+)/gi, keepAround(1)],
  // `password=…`, `token: …`, `"client_secret": "…"` in text (logfmt, YAML, pretty JSON, printf).
  [
    /(["']?)\b(password|passwd|token|access[-_]token|id[-_]token|refresh[-_]token|client[-_]secret|api[-_]?key|x-api-key)(["']?)(\s*[:=]\s*)(["']?)(?!\[REDACTED\])([^"'\s,;}&\]]+)/gi,
    keepAround(5),
  ],
  // PEM private keys: keep the markers, drop the body.
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)([\s\S]*?)(-----END [A-Z ]*PRIVATE KEY-----|$)/g, keepAround(1)],
];

/**
 * Redacts credentials in free text: Authorization headers/keys, Bearer/Basic values, JWTs,
 * websocket bearer subprotocols, `token=` URL parameters, `password=`/`token:`-style pairs and PEM
 * private keys. Returns the text unchanged (the same string) when nothing matched.
 */
export function redactText(text: string, removed: Removed): string {
  if (!mayHoldSecret(text)) return text;
  let out = text;
  for (const [re, fn] of RULES) {
    re.lastIndex = 0;
    if (!re.test(out)) continue;
    re.lastIndex = 0;
    out = out.replace(re, (match: string, ...rest: unknown[]) => {
      // replace() passes the groups, then the offset (a number), the string and maybe named groups.
      const groups: string[] = [];
      for (const g of rest) {
        if (typeof g === 'number') break;
        groups.push(typeof g === 'string' ? g : '');
      }
      return fn(removed, match, groups);
    });
  }
  return out;
}

/**
 * Replaces every occurrence of the removed values (plain and JSON-escaped) in `text`: the safety net
 * for text that the structured redaction could not rebuild (a klog line whose key/values held a
 * password, a wrapped JSON payload).
 */
export function scrubRemoved(text: string, removed: Removed): string {
  let out = text;
  for (const v of removed.values) {
    if (out.includes(v)) out = out.split(v).join(REDACTED);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/** Lower-cased key with `-`/`_` removed, last dotted segment (`http.request.header.authorization`). */
function normalisedKey(key: string): string {
  const last = key.slice(key.lastIndexOf('.') + 1);
  return last.toLowerCase().replace(/[-_]/g, '');
}

const CREDENTIAL_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'bearertoken',
  'password',
  'passwd',
  'clientsecret',
  'apikey',
  'xapikey',
  'cookie',
  'setcookie',
  'privatekey',
]);

/** True for a key whose value is a credential whatever it says: `Authorization`, `token`, `password`… */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEYS.has(normalisedKey(key));
}
