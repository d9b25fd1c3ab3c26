import type { LineFormat, Wrapper } from '@kubetrail/model';
import { COMPONENTS } from '@kubetrail/model';
import { isAuditEvent, isAuditEventList } from './auditEvent.ts';
import { callerComponent, unitComponent } from './callerComponent.ts';
import { isComponentJson } from './componentJson.ts';
import { parseCriLine } from './criLine.ts';
import { isDockerJson, readDockerJson } from './dockerJson.ts';
import { isJsonObject, tryJson } from './events.ts';
import { isJournalJson, readJournalJson } from './journalJson.ts';
import { isJournaldMarker, parseJournaldLine } from './journaldLine.ts';
import { isK8sEvent, isK8sEventList } from './k8sEvent.ts';
import { parseKlogHeader } from './klogLine.ts';
import type { LineMode } from './linePipeline.ts';
import { looksLikeLogfmt, parseLogfmtLine } from './logfmtLine.ts';
import { isOtlpTraces } from './otlpJson.ts';
import type { PathHints } from '../bundle/types.ts';

/** What the first bytes of a file say. `document`: one JSON value spread over many lines. */
export type Sniffed =
  | { kind: 'document' }
  | {
      kind: 'lines';
      mode: LineMode;
      wrapper: Wrapper;
      format: LineFormat;
      /** Component the content suggests (klog callers, journald units, containerd logfmt). */
      component: string | null;
      node: string | null;
    };

/** Bytes looked at for the binary test. */
const BINARY_PROBE = 8192;

/** Null when `head` looks like text; else why it is binary (NUL bytes, mostly invalid UTF-8). */
export function binaryReason(head: Buffer): string | null {
  const probe = head.subarray(0, BINARY_PROBE);
  if (probe[0] === 0x1f && probe[1] === 0x8b) return 'binary file (gzip data)';
  if (probe.indexOf(0) !== -1) return 'binary file (NUL bytes)';
  const text = probe.toString('utf8');
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  // A cut multi-byte character at the probe's end is not a sign of binary data.
  if (bad > 8 && bad > text.length * 0.1) return 'binary file (not UTF-8 text)';
  let control = 0;
  for (let i = 0; i < probe.length; i++) {
    const b = probe[i] as number;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  if (control > probe.length * 0.1) return 'binary file (control bytes)';
  return null;
}

function classifyJson(
  o: Record<string, unknown>,
): { mode: LineMode; wrapper: Wrapper; format: LineFormat } | null {
  if (isAuditEvent(o) || isAuditEventList(o)) return { mode: 'audit', wrapper: 'none', format: 'audit' };
  if (isOtlpTraces(o)) return { mode: 'otlp', wrapper: 'none', format: 'otlp' };
  if (isK8sEvent(o) || isK8sEventList(o)) return { mode: 'k8s-event', wrapper: 'none', format: 'k8s-event' };
  if (isDockerJson(o)) return { mode: 'payload', wrapper: 'docker', format: 'text' };
  if (isJournalJson(o)) return { mode: 'payload', wrapper: 'journald-json', format: 'text' };
  if (isComponentJson(o)) return { mode: 'payload', wrapper: 'none', format: 'klog-json' };
  return null;
}

/** Votes for the payload format of the sniffed payloads; `text` when nothing matches. */
function payloadFormat(payloads: string[]): { format: LineFormat; component: string | null } {
  let klog = 0;
  let json = 0;
  let logfmt = 0;
  const callers = new Map<string, number>();
  for (const p of payloads) {
    const h = parseKlogHeader(p);
    if (h !== null) {
      klog++;
      const c = callerComponent(h.caller);
      if (c !== null) callers.set(c, (callers.get(c) ?? 0) + 1);
    } else if (p.startsWith('{')) {
      const j = tryJson(p);
      if (j.ok && isJsonObject(j.value) && isComponentJson(j.value)) {
        json++;
        const caller = j.value.caller;
        const c = callerComponent(typeof caller === 'string' ? caller : null);
        if (c !== null) callers.set(c, (callers.get(c) ?? 0) + 1);
      }
    } else if (looksLikeLogfmt(p) && parseLogfmtLine(p) !== null) logfmt++;
  }
  let component: string | null = null;
  let best = 0;
  for (const [c, n] of callers) if (n > best) [component, best] = [c, n];
  if (klog === 0 && json === 0 && logfmt === 0) return { format: 'text', component: null };
  if (klog >= json && klog >= logfmt) return { format: 'klog', component };
  if (json >= logfmt) return { format: 'klog-json', component };
  // containerd (logrus) is the logfmt writer on a Kubernetes node.
  return { format: 'logfmt', component: COMPONENTS.runtime };
}

/**
 * Decides how to read a file from its first complete lines (`lines`, blank ones included) and the
 * path's hints. `atEof` says the lines are the whole file.
 */
export function sniffLines(lines: readonly string[], hints: PathHints, atEof: boolean): Sniffed {
  const nonBlank = lines.filter((l) => l.trim().length > 0);
  const first = nonBlank[0]?.trimStart() ?? '';
  // `[` opens a JSON array only before a value: `[WARNING] …` (coredns) and `[core]` (an INI file) do not.
  if (
    first.startsWith('{') ||
    (first.startsWith('[') && /^\[\s*([[{"\d\]-]|true|false|null|$)/.test(first))
  ) {
    for (const l of nonBlank) {
      const j = tryJson(l);
      if (!j.ok || !isJsonObject(j.value)) continue;
      const c = classifyJson(j.value);
      if (c === null) break;
      if (c.wrapper === 'docker') {
        const payloads: string[] = [];
        for (const x of nonBlank) {
          const d = tryJson(x);
          if (d.ok && isJsonObject(d.value) && isDockerJson(d.value))
            payloads.push(readDockerJson(d.value).content);
        }
        return { kind: 'lines', ...c, ...payloadFormat(payloads), node: null };
      }
      if (c.wrapper === 'journald-json') {
        const payloads: string[] = [];
        let node: string | null = null;
        for (const x of nonBlank) {
          const d = tryJson(x);
          if (d.ok && isJsonObject(d.value) && isJournalJson(d.value)) {
            const e = readJournalJson(d.value);
            payloads.push(e.message);
            node ??= e.host;
          }
        }
        return { kind: 'lines', ...c, format: payloadFormat(payloads).format, component: null, node };
      }
      return {
        kind: 'lines',
        ...c,
        component: c.format === 'klog-json' ? payloadFormat(nonBlank).component : null,
        node: null,
      };
    }
    // Nothing parsed on its own line: one JSON document over many lines — unless the path says
    // audit log (then these are malformed lines of a JSON-lines file) or the first line is itself a
    // complete JSON value of an unknown shape.
    const firstParses = tryJson(first).ok;
    if (hints.content === 'audit' && nonBlank.length > 1 && !first.startsWith('[') && first !== '{')
      return { kind: 'lines', mode: 'audit', wrapper: 'none', format: 'audit', component: null, node: null };
    if (!firstParses || (atEof && nonBlank.length === 1)) return { kind: 'document' };
  }
  if (hints.content === 'audit' && first.startsWith('{'))
    return { kind: 'lines', mode: 'audit', wrapper: 'none', format: 'audit', component: null, node: null };
  if (parseCriLine(first) !== null) {
    const payloads: string[] = [];
    for (const l of nonBlank) {
      const c = parseCriLine(l);
      if (c !== null) payloads.push(c.content);
    }
    return { kind: 'lines', mode: 'payload', wrapper: 'cri', ...payloadFormat(payloads), node: null };
  }
  const journal = nonBlank.find((l) => !isJournaldMarker(l));
  const j = journal === undefined ? null : parseJournaldLine(journal);
  if (j !== null || (journal === undefined && nonBlank.length > 0)) {
    const payloads: string[] = [];
    const units = new Map<string, number>();
    for (const l of nonBlank) {
      const x = parseJournaldLine(l);
      if (x === null) continue;
      payloads.push(x.message);
      units.set(x.identifier, (units.get(x.identifier) ?? 0) + 1);
    }
    // One unit only (a `journalctl -u kubelet` file): that is the file's component.
    const component = units.size === 1 ? unitComponent([...units.keys()][0] as string) : null;
    return {
      kind: 'lines',
      mode: 'payload',
      wrapper: 'journald',
      format: payloadFormat(payloads).format,
      component,
      node: j?.host ?? null,
    };
  }
  return { kind: 'lines', mode: 'payload', wrapper: 'none', ...payloadFormat(nonBlank), node: null };
}

/** What a parsed whole JSON document is. */
export function classifyDocument(v: unknown): LineMode | null {
  if (Array.isArray(v)) {
    const first: unknown = v[0];
    if (!isJsonObject(first)) return null;
    return classifyJson(first)?.mode ?? null;
  }
  if (!isJsonObject(v)) return null;
  const c = classifyJson(v);
  return c === null || c.mode === 'payload' ? null : c.mode;
}
