/**
 * Rendering of Kubernetes component log entries in the two formats components write:
 * klog text (`I0610 11:35:40.244334   23617 kubelet.go:2434] "SyncLoop ADD" source="api"`) and
 * component-base JSON (`--logging-format=json`: `{"ts":…,"caller":"kubelet/kubelet.go:2434",…}`).
 */
import { jsonTs, klogTime } from './clock.ts';

/** A klog.KObj reference: renders `"ns/name"` in text and `{"name":…,"namespace":…}` in JSON. */
export interface KObj {
  kobj: string;
}
export type KValue = string | number | boolean | KObj | KObj[] | string[] | { json: unknown };
export type KV = [string, KValue];

export const kobj = (ns: string | null, name: string): KObj => ({ kobj: ns ? `${ns}/${name}` : name });

export interface KlogEntry {
  /** I, W or E. */
  sev: 'I' | 'W' | 'E';
  /** `dir/file.go:line`; text logs show only the base name. */
  caller: string;
  msg: string;
  /** Verbosity (JSON `v`); errors have none. */
  v?: number;
  /** ErrorS error text (`err=`). */
  err?: string;
  kv?: KV[];
  /** An old-style printf call (klog.Infof, utilruntime.HandleError): message printed verbatim. */
  printf?: boolean;
}

export type LogFormat = 'text' | 'json';

const PAD = '       ';

/** Go's %q for the ASCII strings we emit (JSON string escaping matches it for these). */
export const goQuote = (s: string): string => JSON.stringify(s);

function textValue(v: KValue): string {
  if (typeof v === 'string') {
    // klog's text format prints multi-line strings as `key=<`, tab-indented lines, then ` >`.
    return v.includes('\n') ? `<\n\t${v.split('\n').join('\n\t')}\n >` : goQuote(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    return `[${(v as (string | KObj)[]).map((x) => goQuote(typeof x === 'string' ? x : x.kobj)).join(',')}]`;
  }
  if ('kobj' in v) return goQuote(v.kobj);
  return JSON.stringify(v.json);
}

function jsonValue(v: KValue): unknown {
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return (v as (string | KObj)[]).map((x) => (typeof x === 'string' ? x : kobjJson(x)));
  if ('kobj' in v) return kobjJson(v);
  return v.json;
}

function kobjJson(k: KObj): { name: string; namespace?: string } {
  const i = k.kobj.indexOf('/');
  return i < 0 ? { name: k.kobj } : { name: k.kobj.slice(i + 1), namespace: k.kobj.slice(0, i) };
}

/**
 * Renders one entry. The returned text may contain newlines (printf messages such as apiserver
 * traces span several physical lines in text format; JSON escapes them onto one line).
 */
export function renderKlog(
  e: KlogEntry,
  us: number,
  pid: number,
  format: LogFormat,
  reqId: string | null,
): string {
  if (format === 'json') {
    let s = `{"ts":${jsonTs(us)},"caller":${goQuote(e.caller)},"msg":${goQuote(e.msg)}`;
    if (e.sev !== 'E') s += `,"v":${e.v ?? 0}`;
    if (e.err !== undefined) s += `,"err":${goQuote(e.err)}`;
    for (const [k, v] of e.kv ?? []) s += `,${goQuote(k)}:${JSON.stringify(jsonValue(v))}`;
    if (reqId) s += `,"reqID":${goQuote(reqId)}`;
    return `${s}}`;
  }
  const slash = e.caller.lastIndexOf('/');
  const file = slash < 0 ? e.caller : e.caller.slice(slash + 1);
  const p = String(pid);
  let s = `${e.sev}${klogTime(us)} ${PAD.slice(p.length)}${p} ${file}] `;
  if (e.printf) {
    s += e.msg;
  } else {
    s += goQuote(e.msg);
    if (e.err !== undefined) s += ` err=${goQuote(e.err)}`;
    for (const [k, v] of e.kv ?? []) s += ` ${k}=${textValue(v)}`;
  }
  if (reqId) {
    // A multi-line printf record carries the key on its first line, where the header is.
    const nl = s.indexOf('\n');
    s = nl < 0 ? `${s} reqID=${goQuote(reqId)}` : `${s.slice(0, nl)} reqID=${goQuote(reqId)}${s.slice(nl)}`;
  }
  return s;
}

/** containerd's logrus text format: `time="…" level=info msg="…" key=value`. */
export function renderLogfmt(
  time: string,
  level: 'info' | 'warning' | 'error' | 'debug',
  msg: string,
  kv: [string, string][] | undefined,
  reqId: string | null,
): string {
  let s = `time="${time}" level=${level} msg=${goQuote(msg)}`;
  for (const [k, v] of kv ?? []) s += ` ${k}=${/^[\w./:-]+$/.test(v) ? v : goQuote(v)}`;
  if (reqId) s += ` reqID=${goQuote(reqId)}`;
  return s;
}
