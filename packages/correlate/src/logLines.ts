import type { StoredRecord } from '@kubetrail/model';
import type { Context } from './context.ts';
import type { ControlPlane } from './controlPlane.ts';
import { imageOfLine, normaliseImage } from './imagePulls.ts';
import type { ObjectNode, Touch } from './objectGraph.ts';
import { SYSTEM_NAMESPACES } from './requests.ts';
import { chainTouchAt, prefix3, tokenShape, touchAt } from './objectGraph.ts';
import type { Op, Req } from './operation.ts';
import { eventFindingFor, logFinding } from './stageSignals.ts';
import { recorderEvent } from './recorderLine.ts';
import { isContainerId, scanFieldTokens, scanTokens } from './tokens.ts';

const MAX_UNKNOWN = 8;
/** Kinds whose names are generated (hash suffixes): a bare name is specific enough. */
const GENERATED = new Set(['pod', 'replicaset']);
const FOLLOW_TEXT_NS = 5_000_000n;
/** How long a pull completion waits for the runtime line that names its pod. */
const SETTLE_NS = 100_000_000n;
const FOLLOW_RUNTIME_NS = 100_000_000n;

/** Keys whose values never name an object (latencies, agents, levels): not worth scanning. */
const NO_NAMES = new Set([
  'latency',
  'resp',
  'verb',
  'userAgent',
  'srcIP',
  'v',
  'ts',
  'time',
  'level',
  'caller',
  'duration',
  'logger',
  'audit-ID',
  'auditID',
  'evaluatedNodes',
  'feasibleNodes',
  'statusStack',
]);

const AUDIT_ID_RE = /audit-id:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

function auditIdInText(text: string): string | null {
  // Only apiserver request traces (`Trace[…]: "Create" …,audit-id:…`) carry it in their text.
  if (!text.startsWith('Trace[') || !text.includes('audit-id:')) return null;
  return AUDIT_ID_RE.exec(text)?.[1] ?? null;
}

/** `shop/web` from `/apis/apps/v1/namespaces/shop/deployments/web/scale?x=y`; null for collections. */
export function namespacedNameOfUri(uri: string): string | null {
  // Hot (every httplog line): index arithmetic, no split.
  const at = uri.indexOf('/namespaces/');
  if (at < 0) return null;
  const nsStart = at + 12;
  const nsEnd = uri.indexOf('/', nsStart);
  if (nsEnd < 0) return null;
  const resEnd = uri.indexOf('/', nsEnd + 1);
  if (resEnd < 0) return null;
  let nameEnd = resEnd + 1;
  while (nameEnd < uri.length) {
    const c = uri.charCodeAt(nameEnd);
    if (c === 47 || c === 63) break; // '/' or '?'
    nameEnd++;
  }
  if (nameEnd === resEnd + 1 || nsEnd === nsStart) return null;
  return `${uri.slice(nsStart, nsEnd)}/${uri.slice(resEnd + 1, nameEnd)}`;
}

function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Messages components log on a timer for every pod they hold (the kubelet's static-pod status
 * getter, every sync): never a step of an operation, though they name its pods.
 */
const HOUSEKEEPING_MESSAGES: ReadonlySet<string> = new Set(['Pod status updated']);

/**
 * The per-line pass over log records. Each line is tokenised once; tokens are looked up in the
 * object graph's token map, so the cost does not grow with the number of known objects. A line
 * joins, in order of strength: its explicit reqID, its audit ID, its trace ID, or the operation
 * that most recently touched an object it names.
 */
export class LogLines {
  private cands: ObjectNode[] = [];
  private viaBare: boolean[] = [];
  private unknown: string[] = [];
  private ids: string[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly cp: ControlPlane,
  ) {}

  /** Token positions from the scanner: cheap rejects first, a substring only for candidates. */
  private readonly onSpan = (
    text: string,
    start: number,
    end: number,
    pair: boolean,
    dash: boolean,
  ): void => {
    const len = end - start;
    const g = this.ctx.graph;
    if (len === 64 && !pair) {
      if (isContainerId(text, start, end)) {
        const id = text.slice(start, end);
        if (g.byToken.has(id)) this.onToken(id, false);
        else if (this.ids.length < MAX_UNKNOWN) this.ids.push(id);
      }
      return;
    }
    const known = g.tokenShapes[tokenShape(text, start, end)] === 1;
    // Unknown hyphenated names may be ReplicaSets/Pods of a known Deployment (name discovery).
    const discoverable =
      !known &&
      dash &&
      len >= 8 &&
      this.unknown.length < MAX_UNKNOWN &&
      g.ownerPrefixes.has(prefix3(text, start));
    if (!known && !discoverable) return;
    const token = text.slice(start, end);
    if (!this.onToken(token, pair) && discoverable) this.unknown.push(token);
  };

  private readonly onPair = (pair: string): void => {
    this.onToken(pair, true);
  };

  /** Records the objects `token` names; false when it names none. */
  private onToken(token: string, pair: boolean): boolean {
    const list = this.ctx.graph.byToken.get(token);
    if (!list) return false;
    for (const n of list) {
      const i = this.cands.indexOf(n);
      if (i < 0) {
        this.cands.push(n);
        this.viaBare.push(!pair);
      } else if (pair) this.viaBare[i] = false;
    }
    return true;
  }

  /** fileId → the workload pod whose container wrote the file (null: not a workload pod's file). */
  private readonly filePod = new Map<number, ObjectNode | null>();

  onLog(rec: StoredRecord): void {
    const ts = rec.ts;
    if (this.pendingDone.size > 0 && rec.node !== null && ts !== null && this.pendingDone.has(rec.node)) {
      // Settled below once this line is resolved; a line too late settles them by time alone.
      const list = this.pendingDone.get(rec.node)!;
      if (ts - list[0]!.ts > SETTLE_NS) this.settlePending(rec.node, ts, null, null);
    }
    const pod = this.podOfFile(rec.fileId);
    if (pod && ts !== null) {
      // A container's own output: it belongs to whatever started (or last touched) its pod.
      const t = touchAt(pod, ts, this.ctx.skewNs);
      if (rec.reqId)
        this.ctx.link(
          rec,
          this.explicit(rec, t ? { node: pod, touch: t } : null),
          'explicit',
          `reqID=${rec.reqId}`,
        );
      else if (t) {
        this.ctx.link(rec, t.op.req, 'inferred', `${pod.key} (container log)`);
        // Its last words, an error over anything said after it.
        const loud = rec.severity === 'error' || rec.severity === 'fatal' || rec.severity === 'warning';
        const last = t.op.lastOutput;
        if (rec.message.trim() !== '' && (last === null || loud || !last.loud))
          t.op.lastOutput = { container: rec.component, message: rec.message, ts, loud };
      }
      return;
    }
    // Periodic housekeeping that names pods says nothing about any operation.
    if (rec.reqId === null && HOUSEKEEPING_MESSAGES.has(rec.message)) return;
    if (this.cands.length > 0) {
      this.cands = [];
      this.viaBare = [];
    }
    if (this.unknown.length > 0) this.unknown = [];
    if (this.ids.length > 0) this.ids = [];
    const fields = rec.fields;
    // Structured klog messages are constant by convention; the names are in the key/values.
    const structured =
      fields !== null && (rec.format === 'klog' || rec.format === 'klog-json') && hasKeys(fields);
    if (!structured) scanTokens(rec.message, this.onSpan);
    if (fields) {
      for (const k in fields) {
        if (NO_NAMES.has(k)) continue;
        const v = fields[k];
        // A request URI is structured: only its namespace/name segments name an object (its
        // `api`, `apps`, `v1` segments are not the Deployment called `api`).
        if (k === 'URI' && typeof v === 'string') {
          const pair = namespacedNameOfUri(v);
          if (pair) this.onToken(pair, true);
        } else scanFieldTokens(v, this.onSpan, this.onPair);
      }
    }

    const best = ts === null ? null : this.resolve(ts);

    let linked: Req | null = null;
    // apiserver request traces carry the audit ID in their text (`…,audit-id:5d1…,client:…`).
    const auditId = rec.auditId ?? auditIdInText(rec.message);
    if (rec.reqId) {
      linked = this.explicit(rec, best);
      this.ctx.link(rec, linked, 'explicit', `reqID=${rec.reqId}`);
    } else if (auditId && this.ctx.auditReq.has(auditId)) {
      linked = this.ctx.auditReq.get(auditId)!;
      this.ctx.link(rec, linked, 'audit', `audit-ID=${auditId}`);
    } else if (rec.traceId && this.ctx.traceReq.has(rec.traceId)) {
      linked = this.ctx.traceReq.get(rec.traceId)!;
      this.ctx.link(rec, linked, 'trace', `traceID=${rec.traceId}`);
    } else if (best) {
      linked = best.touch.op.req;
      this.ctx.link(rec, linked, 'inferred', best.node.key);
    } else {
      // An image line belongs to whoever pulled that image, never to the line before it.
      const field = rec.fields?.['image'];
      const image = typeof field === 'string' ? normaliseImage(field) : imageOfLine(rec.message);
      if (image) linked = rec.node !== null && ts !== null ? this.imageLine(rec, image, rec.node, ts) : null;
      else {
        linked = this.continuation(rec);
        if (!linked && rec.node !== null && ts !== null) linked = this.registryLine(rec, rec.node, ts);
      }
    }
    if (linked && ts !== null)
      this.lastInFile.set(rec.fileId, {
        id: rec.id,
        ts,
        req: linked,
        pod: best?.node.kind === 'pod' ? best.node : null,
      });

    if (best?.node.kind === 'pod' && rec.component === 'containerd' && rec.node !== null && ts !== null)
      this.settlePending(rec.node, ts, best.node, best.touch.op);
    if (!best) return;
    const op = best.touch.op;
    if (
      best.node.kind === 'pod' &&
      rec.node !== null &&
      ts !== null &&
      rec.message.includes('returns sandbox id')
    )
      this.ctx.pulls.sandboxReady(rec.node, ts, op, best.node);
    if (best.node.kind === 'pod') for (const id of this.ids) this.ctx.graph.addToken(id, best.node);
    // A component's event-recorder line (the kubelet's `"Event occurred" … reason="Failed"`) says
    // what the Event says.
    const recorded = rec.message === 'Event occurred' ? recorderEvent(rec) : null;
    const f = recorded
      ? eventFindingFor(recorded.kind.toLowerCase(), recorded)
      : logFinding(rec.message, fields);
    if (f) {
      const pod = best.node.kind === 'pod' ? best.node : null;
      this.ctx.signal(op, pod, f, rec, ts, rec.component);
      if (pod && f.stage === 'pods-scheduled' && f.status === 'done') {
        const node = fields?.['node'];
        if (typeof node === 'string') pod.nodeName = node;
      }
    }
  }

  /** Pull lines name an image, not a pod; registry lines in between name nothing at all. */
  /**
   * Pull completions wait for the next runtime line on their node: containerd creates the
   * container in the pulling pod's sandbox milliseconds later, which names the pod.
   */
  private readonly pendingDone = new Map<string, { rec: StoredRecord; image: string; ts: bigint }[]>();

  /** `ts` null settles everything by time alone (end of the pass). */
  private settlePending(node: string, ts: bigint | null, pod: ObjectNode | null, op: Op | null): void {
    const list = this.pendingDone.get(node);
    if (!list || list.length === 0) return;
    const keep: typeof list = [];
    for (const p of list) {
      const fresh = ts !== null && ts - p.ts <= SETTLE_NS;
      if (fresh && !pod) {
        keep.push(p);
        continue;
      }
      const mine = fresh && pod && op && this.ctx.pulls.hasNote(node, p.image, pod) ? op : null;
      const pull = mine ? null : this.ctx.pulls.match(node, p.image, p.ts, this.ctx.skewNs, false);
      const req = mine ? mine.req : pull?.op.req;
      if (!req) continue;
      this.ctx.link(p.rec, req, 'inferred', `image ${p.image} for ${mine && pod ? pod.key : pull!.pod.key}`);
    }
    if (keep.length > 0) this.pendingDone.set(node, keep);
    else this.pendingDone.delete(node);
  }

  /** Links the completions still waiting (end of the pass). */
  finish(): void {
    for (const node of [...this.pendingDone.keys()]) this.settlePending(node, null, null, null);
  }

  private imageLine(rec: StoredRecord, image: string, node: string, ts: bigint): Req | null {
    const pulls = this.ctx.pulls;
    if (rec.message.includes('Pulled image') || rec.message.includes('returns image reference')) {
      let list = this.pendingDone.get(node);
      if (!list) this.pendingDone.set(node, (list = []));
      list.push({ rec, image, ts });
      return null;
    }
    const start = rec.message.startsWith('PullImage "') && rec.message.endsWith('"');
    const pull = pulls.match(node, image, ts, this.ctx.skewNs, start);
    if (!pull) return null;
    pulls.seen(node, ts, image, pull);
    this.ctx.link(rec, pull.op.req, 'inferred', `image ${image} for ${pull.pod.key}`);
    return pull.op.req;
  }

  /** Registry lines during a pull name neither pod nor image (`trying next host`). */
  private registryLine(rec: StoredRecord, node: string, ts: bigint): Req | null {
    if (rec.component !== 'containerd' || typeof rec.fields?.['host'] !== 'string') return null;
    const pull = this.ctx.pulls.current(node, ts, rec.fields['host']);
    if (!pull) return null;
    this.ctx.link(rec, pull.op.req, 'inferred', `registry call during the pull for ${pull.pod.key}`);
    return pull.op.req;
  }

  /**
   * The last linked record of each file: id, time, request and pod (for follow-on lines). A
   * file's records have consecutive ids (ids are assigned in file order), so "the line before"
   * is the record whose id is one less.
   */
  private readonly lastInFile = new Map<
    number,
    { id: number; ts: bigint; req: Req; pod: ObjectNode | null }
  >();

  /**
   * Lines that name nothing but continue the line before them in the same file: a headerless
   * line within 5 ms (the rest of a multi-line trace or webhook denial), or a containerd line
   * within 100 ms (`cleaning up dead shim`, `StopPodSandbox` after `StopContainer`). A continued
   * containerd line also teaches the ids it names (a sandbox id never logged with its pod).
   */
  private continuation(rec: StoredRecord): Req | null {
    if (rec.caller !== null || rec.ts === null) return null;
    const last = this.lastInFile.get(rec.fileId);
    if (!last || last.id !== rec.id - 1) return null;
    const gap = rec.ts - last.ts;
    const runtime = rec.component === 'containerd';
    if (gap < 0n || gap > (runtime ? FOLLOW_RUNTIME_NS : FOLLOW_TEXT_NS)) return null;
    if (runtime && last.pod) for (const id of this.ids) this.ctx.graph.addToken(id, last.pod);
    this.ctx.link(
      rec,
      last.req,
      'inferred',
      last.pod ? `follows a line about ${last.pod.key}` : 'continues the line before',
    );
    return last.req;
  }

  private podOfFile(fileId: number): ObjectNode | null {
    let pod = this.filePod.get(fileId);
    if (pod !== undefined) return pod;
    pod = null;
    const hint = this.ctx.filePods.get(fileId);
    // The cluster's own pods (control plane, CNI, DNS, provisioners) log as components: their
    // lines are read one by one, never claimed whole by the operation that started the pod.
    if (hint && !SYSTEM_NAMESPACES.has(hint.namespace)) {
      const g = this.ctx.graph;
      const node = g.get('pod', hint.namespace, hint.name) ?? g.discoverByName(hint.namespace, hint.name);
      // Control-plane static pods and daemons are never touched by an operation: their files are
      // read line by line like any component log.
      if (node && node.kind === 'pod' && node.touches.length > 0) pod = node;
      // Not known yet (learned later from its lines): ask again next time.
      else return null;
    }
    this.filePod.set(fileId, pod);
    return pod;
  }

  /** The object this line is about, and the operation that last touched it. */
  private resolve(ts: bigint): { node: ObjectNode; touch: Touch } | null {
    if (this.unknown.length > 0) this.discover(ts);
    let best: { node: ObjectNode; touch: Touch } | null = null;
    for (let i = 0; i < this.cands.length; i++) {
      const n = this.cands[i]!;
      // Node names are in every housekeeping line of their node: they say nothing about operations.
      if (n.kind === 'node') continue;
      // A bare name is enough for generated names (Pods, ReplicaSets). A chosen name (`api`, `web`)
      // is an ordinary word (`source="api"`, `/api/v1/pods`): it counts only as `namespace/name`.
      if (this.viaBare[i] && n.namespace !== null && !GENERATED.has(n.kind)) continue;
      // A claim's volume is named before it is created: until then it speaks for its claim.
      const t =
        touchAt(n, ts, this.ctx.skewNs) ??
        (n.owner?.kind === 'persistentvolumeclaim' ? touchAt(n.owner, ts, this.ctx.skewNs) : null);
      if (!t) continue;
      if (!best || t.ts > best.touch.ts || (t.ts === best.touch.ts && n.kind === 'pod'))
        best = { node: n, touch: t };
    }
    return best;
  }

  /** ReplicaSets and Pods first seen in a log line, recognised by their names. */
  private discover(ts: bigint): void {
    for (const token of this.unknown) {
      const slash = token.indexOf('/');
      const node =
        slash > 0
          ? this.ctx.graph.discoverByName(token.slice(0, slash), token.slice(slash + 1))
          : this.ctx.graph.discoverByName(null, token);
      if (!node || this.cands.includes(node)) continue;
      if (node.touches.length === 0) {
        const t = chainTouchAt(node, ts, this.ctx.skewNs);
        if (t) this.cp.adopt(t.op, node, ts);
      }
      this.cands.push(node);
      this.viaBare.push(false);
    }
  }

  private explicit(rec: StoredRecord, best: { node: ObjectNode; touch: Touch } | null): Req {
    // The proposal's reqID and the audit-derived (or inferred) request are the same operation.
    const via = (rec.auditId ? this.ctx.auditReq.get(rec.auditId) : undefined) ?? best?.touch.op.req ?? null;
    return this.ctx.explicitFor(rec.reqId!, rec.ts ?? 0n, via);
  }
}
