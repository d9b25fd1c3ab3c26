/**
 * One time window of a bundle. Scenarios and noise write records into it in any order; `flush`
 * sorts each file's records by time and hands back the physical lines with their truth. Files are
 * appended epoch after epoch, so a bundle of any size is generated with one window in memory.
 */
import { goDuration, rfc3339Micro, rfc3339Nano, rfc3339Sec, journalTime } from './clock.ts';
import type { Actor, Cluster } from './cluster.ts';
import { CONTROL_PLANE } from './cluster.ts';
import type { KlogEntry, LogFormat } from './klog.ts';
import { renderKlog, renderLogfmt } from './klog.ts';
import { hash32, Rng } from './rng.ts';
import { SpanRecorder } from './flows/spans.ts';
import type { OpTruth } from './truth.ts';

export type AuditLevel = 'RequestResponse' | 'Metadata' | 'none';

export const AUDIT_PATH = `${CONTROL_PLANE}/kubernetes/kube-apiserver-audit.log`;
/** `kubectl get events -A -o json` (core/v1 List), written at the bundle root under `cluster/`. */
export const EVENTS_PATH = 'cluster/events.json';

interface Rec {
  us: number;
  seq: number;
  text: string;
  op: number;
}

interface FileBuf {
  component: string;
  node: string | null;
  recs: Rec[];
}

export interface ObjectRef {
  resource: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface ApiCall {
  us: number;
  actor: Actor;
  verb: string;
  /** HTTP method as httplog prints it. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'LIST' | 'WATCH';
  uri: string;
  /** Absent for non-resource URLs (`/livez`). */
  objectRef?: ObjectRef;
  code: number;
  latencyMs?: number;
  requestObject?: unknown;
  responseObject?: unknown;
  /** Failure details for non-2xx calls. */
  failure?: { message: string; reason?: string; details?: unknown };
  annotations?: Record<string, string>;
  op: number;
  /** Also write the apiserver httplog line (default true). */
  httplog?: boolean;
  /** Write audit events (default true; the bundle's audit level still applies). */
  audit?: boolean;
}

export interface InvolvedObject {
  kind: string;
  namespace: string;
  name: string;
  /** '' when the reference carries none (see `handBuilt`). */
  uid: string;
  apiVersion: string;
  fieldPath?: string;
  /**
   * An ObjectReference a controller builds by hand from a namespace and name (the taint eviction
   * controller's): no UID, no resourceVersion in the Event.
   */
  handBuilt?: boolean;
}

export interface EventSpec {
  us: number;
  obj: InvolvedObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Reporting component: `kubelet`, `deployment-controller`, `default-scheduler`… */
  source: string;
  /** Node, for kubelet events. */
  host?: string;
  /** events.k8s.io/v1 action (scheduler events). */
  action?: string;
  op: number;
  /**
   * Pass the Event through client-go's EventCorrelator as a real recorder does (default false, so
   * the existing scenarios keep their output): the spam filter (a token bucket of 25 per source and
   * object, one more every 5 minutes) drops the rest, and from the 10th distinct message of one
   * reason on one object within 10 minutes the messages are combined into one Event
   * (`(combined from similar events): …`) whose count grows. The recorder's log line is written
   * either way.
   */
  correlate?: boolean;
}

interface EventAgg {
  spec: EventSpec;
  firstUs: number;
  lastUs: number;
  count: number;
  uid: string;
  rv: number;
  /** Nanoseconds below the µs in the Event's name (0 unless `uniqueEventNames`). */
  nameNs: number;
}

export interface FlushedFile {
  path: string;
  component: string;
  node: string | null;
  /** Physical lines (no trailing newline) and, parallel, their op index (-1: noise). */
  lines: string[];
  ops: number[];
}

/** One rendered core/v1 Event of the window, with what `kubectl get events` lists it by. */
export interface FlushedEvent {
  text: string;
  op: number;
  namespace: string;
  name: string;
}

export interface EpochOptions {
  index: number;
  startUs: number;
  endUs: number;
  rng: Rng;
  cluster: Cluster;
  format: LogFormat;
  audit: AuditLevel;
  ops: OpTruth[];
  /** Suffix for object names in this epoch ('' for the first). */
  suffix: string;
  /** Also write OTLP/JSON trace files (default false). */
  traces?: boolean;
  /** `uid()` gives time-based v1 UUIDs (as Kubernetes ≤ 1.1x did) instead of random ones. */
  v1Uids?: boolean;
  /** The kubelet logs every Event it records (`event.go` "Event occurred"), as kind's kubelets do. */
  kubeletEvents?: boolean;
  /**
   * Give Events recorded in the same µs distinct names (the recorder names them by UnixNano), as a
   * listing sorted by name needs.
   */
  uniqueEventNames?: boolean;
  /**
   * kube-controller-manager as v1.29+ runs it at default verbosity (kind ≥ 1.29, `minikube logs`):
   * it logs no Event it records and no line above V(0), and logs the ReplicaSet controller's
   * `"Finished syncing"` lines (see `flows/controllerManager.ts`).
   */
  kcmNoEvents?: boolean;
}

export class Epoch {
  readonly index: number;
  readonly startUs: number;
  readonly endUs: number;
  readonly rng: Rng;
  readonly cluster: Cluster;
  readonly format: LogFormat;
  readonly audit: AuditLevel;
  readonly ops: OpTruth[];
  readonly suffix: string;
  /** When each `node|image` finished pulling in this window (µs), so later pods find it present. */
  readonly images = new Map<string, number>();
  private readonly files = new Map<string, FileBuf>();
  private readonly events = new Map<string, EventAgg>();
  private seq = 0;
  private rv: number;
  /** Span writer when the bundle has traces; its own Rng, so the log lines do not change. */
  readonly spans: SpanRecorder | null;
  readonly v1Uids: boolean;
  readonly kubeletEvents: boolean;
  private readonly uniqueEventNames: boolean;
  private eventSeq = 0;
  /**
   * No background noise before this instant (µs): a window that starts with the cluster's
   * bootstrap has no add-on pods logging before they exist. Default: the window start.
   */
  quietUntilUs: number;
  private uidSeq = 0;
  readonly kcmNoEvents: boolean;
  /**
   * ReplicaSets that exist before the window (`existing` Deployments), for the controller
   * manager's start-up resync; kept only with `kcmNoEvents`.
   */
  readonly replicaSets: { ns: string; name: string; createdUs: number }[] = [];
  /** When the bootstrap's kube-controller-manager took its lease (µs), null without bootstrap. */
  kcmStartedUs: number | null = null;
  /** client-go EventCorrelator state for Events with `correlate` (spam buckets, similar messages). */
  private readonly spam = new Map<string, { tokens: number; atUs: number }>();
  private readonly similar = new Map<string, { messages: Set<string>; lastUs: number }>();
  /** When nodes were cordoned (µs; `toUs` Infinity while still cordoned). */
  private readonly cordons: { node: string; fromUs: number; toUs: number }[] = [];

  constructor(o: EpochOptions) {
    this.index = o.index;
    this.startUs = o.startUs;
    this.endUs = o.endUs;
    this.rng = o.rng;
    this.cluster = o.cluster;
    this.format = o.format;
    this.audit = o.audit;
    this.ops = o.ops;
    this.suffix = o.suffix;
    this.rv = 40_000 + o.index * 50_000;
    this.v1Uids = o.v1Uids ?? false;
    this.kubeletEvents = o.kubeletEvents ?? false;
    this.uniqueEventNames = o.uniqueEventNames ?? false;
    this.kcmNoEvents = o.kcmNoEvents ?? false;
    this.quietUntilUs = o.startUs;
    this.spans = o.traces
      ? new SpanRecorder(new Rng(hash32(0x7ace + o.index * 65599)), (path, component, node, us, text, op) =>
          this.push(path, component, node, us, text, op),
        )
      : null;
  }

  /** A fresh resourceVersion. */
  nextRv(): string {
    this.rv += this.rng.int(1, 6);
    return String(this.rv);
  }

  /**
   * A new object's UID, created at `us`: random (v4) like Kubernetes' `uuid.NewUUID` today, or with
   * `v1Uids` a time-based v1 UUID (the apiserver's clock, node ID and clock sequence), whose
   * timestamp dates the object.
   */
  uid(us: number): string {
    if (!this.v1Uids) return this.rng.uuid();
    // 100 ns intervals since 1582-10-15; objects created in the same 100 ns get the next tick.
    const t = BigInt(us) * 10n + 0x01b21dd213814000n + BigInt(this.uidSeq++ % 10);
    const hex = (v: bigint, n: number): string => v.toString(16).padStart(n, '0');
    const low = hex(t & 0xffffffffn, 8);
    const mid = hex((t >> 32n) & 0xffffn, 4);
    const hi = hex(((t >> 48n) & 0x0fffn) | 0x1000n, 4);
    const seq = (this.cluster.uuidClockSeq | 0x8000).toString(16).padStart(4, '0');
    return `${low}-${mid}-${hi}-${seq}-${this.cluster.uuidNode}`;
  }

  /** Records that `node` is unschedulable from `fromUs`; returns a handle for `uncordon`. */
  cordon(node: string, fromUs: number): number {
    return this.cordons.push({ node, fromUs, toUs: Number.POSITIVE_INFINITY }) - 1;
  }

  uncordon(handle: number, toUs: number): void {
    const c = this.cordons[handle];
    if (c) c.toUs = toUs;
  }

  /** Whether the scheduler may place a (non-DaemonSet) pod on `node` at `us`. */
  schedulable(node: string, us: number): boolean {
    return !this.cordons.some((c) => c.node === node && c.fromUs <= us && us < c.toUs);
  }

  private reqIdOf(op: number): string | null {
    return op >= 0 ? (this.ops[op]?.reqId ?? null) : null;
  }

  private push(
    path: string,
    component: string,
    node: string | null,
    us: number,
    text: string,
    op: number,
  ): void {
    if (us >= this.endUs || us < this.startUs) return;
    let f = this.files.get(path);
    if (!f) {
      f = { component, node, recs: [] };
      this.files.set(path, f);
    }
    f.recs.push({ us, seq: this.seq++, text, op });
  }

  /** A line in a CRI-format container log (`/var/log/pods/...`), one CRI line per physical line. */
  cri(
    node: string,
    podDir: string,
    container: string,
    restart: number,
    component: string,
    us: number,
    stream: 'stdout' | 'stderr',
    text: string,
    op: number,
  ): void {
    const path = `${node}/pods/${podDir}/${container}/${restart}.log`;
    const t = us + this.rng.int(40, 400);
    const stamp = rfc3339Nano(t, this.rng.int(0, 999));
    const wrapped = text
      .split('\n')
      .map((l) => `${stamp} ${stream} F ${l}`)
      .join('\n');
    this.push(path, component, node, us, wrapped, op);
  }

  /** A log line from a control-plane or kube-system pod (klog, in the bundle's format). */
  component(component: string, node: string, us: number, e: KlogEntry, op: number): void {
    const p = this.cluster.pod(component, node);
    // kindnetd and the local-path provisioner log klog text whatever the cluster's format is.
    const format = component === 'kindnet' || component === 'local-path-provisioner' ? 'text' : this.format;
    const text = renderKlog(e, us, 1, format, this.reqIdOf(op));
    this.cri(node, `${p.ns}_${p.name}_${p.uid}`, p.container, 0, component, us, 'stderr', text, op);
  }

  apiserverLog(us: number, e: KlogEntry, op: number): void {
    this.component('kube-apiserver', CONTROL_PLANE, us, e, op);
  }
  kcm(us: number, e: KlogEntry, op: number): void {
    // At default verbosity only V(0) lines and errors are written.
    if (this.kcmNoEvents && e.sev === 'I' && (e.v ?? 0) > 0) return;
    this.component('kube-controller-manager', CONTROL_PLANE, us, e, op);
  }
  scheduler(us: number, e: KlogEntry, op: number): void {
    this.component('kube-scheduler', CONTROL_PLANE, us, e, op);
  }

  /** A raw (non-klog) line from a system pod: etcd's zap JSON, coredns, kindnet. */
  rawSystem(
    component: string,
    node: string,
    us: number,
    text: string,
    op: number,
    stream: 'stdout' | 'stderr' = 'stderr',
  ): void {
    const p = this.cluster.pod(component, node);
    this.cri(node, `${p.ns}_${p.name}_${p.uid}`, p.container, 0, component, us, stream, text, op);
  }

  /** A kubelet line, as `journalctl -u kubelet` prints it in kind's `kubelet.log`. */
  kubelet(node: string, us: number, e: KlogEntry, op: number): void {
    const n = this.cluster.node(node);
    const text = renderKlog(e, us, n.kubeletPid, this.format, this.reqIdOf(op));
    const prefix = `${journalTime(us)} ${node} kubelet[${n.kubeletPid}]: `;
    this.push(`${node}/kubelet.log`, 'kubelet', node, us, prefix + text.split('\n').join(`\n${prefix}`), op);
  }

  /** A containerd line (logrus text) in kind's `containerd.log`. */
  containerd(
    node: string,
    us: number,
    level: 'info' | 'warning' | 'error',
    msg: string,
    op: number,
    kv?: [string, string][],
  ): void {
    const n = this.cluster.node(node);
    const time = rfc3339Nano(us, this.rng.int(0, 999));
    const text = renderLogfmt(time, level, msg, kv, this.reqIdOf(op));
    this.push(
      `${node}/containerd.log`,
      'containerd',
      node,
      us,
      `${journalTime(us)} ${node} containerd[${n.containerdPid}]: ${text}`,
      op,
    );
  }

  /**
   * One API call: its audit events (RequestReceived, ResponseComplete) and the apiserver httplog
   * line. Returns the audit ID and the completion time (µs).
   */
  api(c: ApiCall): { auditId: string; doneUs: number } {
    const auditId = this.rng.uuid();
    const latencyMs = c.latencyMs ?? this.rng.float(1.2, 9.5);
    const doneUs = c.us + Math.round(latencyMs * 1000);
    if (this.audit !== 'none' && c.audit !== false) this.auditEvents(c, auditId, doneUs);
    if (c.httplog !== false) {
      const port = 30000 + this.rng.int(0, 30000);
      const exec = latencyMs * this.rng.float(0.85, 0.97);
      const wide = c.method === 'WATCH' || c.method === 'LIST';
      this.apiserverLog(
        doneUs,
        {
          sev: 'I',
          caller: 'httplog/httplog.go:132',
          msg: 'HTTP',
          v: 3,
          kv: [
            ['verb', c.method],
            ['URI', c.uri],
            ['latency', goDuration(latencyMs)],
            ['userAgent', c.actor.userAgent],
            ['audit-ID', auditId],
            ['srcIP', `${c.actor.ip}:${port}`],
            ['apf_pl', c.actor.apf[0]],
            ['apf_fs', c.actor.apf[1]],
            ['apf_iseats', 1],
            ['apf_fseats', wide ? 0 : c.actor.apf[0] === 'global-default' ? 0 : 2],
            ['apf_additionalLatency', wide || c.actor.apf[0] === 'global-default' ? '0s' : '5ms'],
            ['apf_execution_time', goDuration(exec)],
            ['resp', c.code],
          ],
        },
        c.op,
      );
    }
    this.spans?.apiCall({
      us: c.us,
      doneUs,
      auditId,
      verb: c.verb,
      method: c.method,
      uri: c.uri,
      code: c.code,
      userAgent: c.actor.userAgent,
      ip: c.actor.ip,
      resource: c.objectRef?.resource ?? null,
      namespace: c.objectRef?.namespace ?? null,
      name: c.objectRef?.name ?? null,
      kind: KINDS[c.objectRef?.resource ?? ''] ?? null,
      failure: c.failure?.message ?? null,
      op: c.op,
    });
    return { auditId, doneUs };
  }

  private auditEvents(c: ApiCall, auditId: string, doneUs: number): void {
    // Built as strings (same key order as the apiserver's JSON): the audit log is the largest file.
    const head = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"${this.audit}","auditID":"${auditId}","stage":"`;
    const mid =
      `","requestURI":${JSON.stringify(c.uri)},"verb":"${c.verb}","user":${userJson(c.actor)},"sourceIPs":["${c.actor.ip}"],"userAgent":${JSON.stringify(c.actor.userAgent)}` +
      (c.objectRef ? `,"objectRef":${JSON.stringify(c.objectRef)}` : '');
    const rr = rfc3339Micro(c.us);
    this.push(
      AUDIT_PATH,
      'audit',
      CONTROL_PLANE,
      c.us,
      `${head}RequestReceived${mid},"requestReceivedTimestamp":"${rr}","stageTimestamp":"${rr}"}`,
      c.op,
    );
    const status = c.failure
      ? {
          metadata: {},
          status: 'Failure',
          message: c.failure.message,
          ...(c.failure.reason ? { reason: c.failure.reason } : {}),
          ...(c.failure.details === undefined ? {} : { details: c.failure.details }),
          code: c.code,
        }
      : null;
    let done = `${head}ResponseComplete${mid},"responseStatus":${status ? JSON.stringify(status) : `{"metadata":{},"code":${c.code}}`}`;
    if (this.audit === 'RequestResponse') {
      if (c.requestObject !== undefined) done += `,"requestObject":${JSON.stringify(c.requestObject)}`;
      if (c.responseObject !== undefined) done += `,"responseObject":${JSON.stringify(c.responseObject)}`;
    }
    // Authorization allowed every call we write; refusals come from admission (quota, webhooks).
    const ann: Record<string, string> = {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': c.actor.rbac,
      ...c.annotations,
    };
    done += `,"requestReceivedTimestamp":"${rr}","stageTimestamp":"${rfc3339Micro(doneUs)}","annotations":${JSON.stringify(ann)}}`;
    this.push(AUDIT_PATH, 'audit', CONTROL_PLANE, doneUs, done, c.op);
  }

  /** A Kubernetes Event; repeats of the same (object, reason, message) raise its count. */
  event(e: EventSpec): void {
    if (e.us >= this.endUs) return;
    const stored = e.correlate ? this.correlateEvent(e) : { key: this.eventKey(e), spec: e };
    if (stored) this.store(stored.key, stored.spec);
    // kube-controller-manager's event broadcaster logs every event it records (event.go).
    if (
      !this.kcmNoEvents &&
      (e.source.endsWith('-controller') || e.source === 'garbage-collector-controller')
    ) {
      this.kcm(
        e.us + 200,
        {
          sev: 'I',
          caller: 'record/event.go:389',
          msg: 'Event occurred',
          v: 0,
          kv: [
            ['object', { kobj: e.obj.namespace ? `${e.obj.namespace}/${e.obj.name}` : e.obj.name }],
            ['fieldPath', e.obj.fieldPath ?? ''],
            ['kind', e.obj.kind],
            ['apiVersion', e.obj.apiVersion],
            ['type', e.type],
            ['reason', e.reason],
            ['message', e.message],
          ],
        },
        e.op,
      );
    }
    if (this.kubeletEvents && e.source === 'kubelet' && e.host) {
      this.kubelet(
        e.host,
        e.us + 150,
        {
          sev: 'I',
          caller: 'record/event.go:389',
          msg: 'Event occurred',
          v: 0,
          kv: [
            ['object', { kobj: e.obj.namespace ? `${e.obj.namespace}/${e.obj.name}` : e.obj.name }],
            ['fieldPath', e.obj.fieldPath ?? ''],
            ['kind', e.obj.kind],
            ['apiVersion', e.obj.apiVersion],
            ['type', e.type],
            ['reason', e.reason],
            ['message', e.message],
          ],
        },
        e.op,
      );
    }
  }

  private eventKey(e: EventSpec): string {
    return `${e.obj.uid}|${e.obj.name}|${e.obj.fieldPath ?? ''}|${e.reason}|${e.message}|${e.source}|${e.op}`;
  }

  private store(key: string, e: EventSpec): void {
    const agg = this.events.get(key);
    if (agg) {
      agg.count++;
      agg.lastUs = Math.max(agg.lastUs, e.us);
      agg.firstUs = Math.min(agg.firstUs, e.us);
      agg.rv = Number(this.nextRv());
      // A combined Event shows its latest message.
      if (key.startsWith('combined|')) agg.spec = e;
    } else {
      this.events.set(key, {
        spec: e,
        firstUs: e.us,
        lastUs: e.us,
        count: 1,
        uid: this.rng.uuid(),
        rv: Number(this.nextRv()),
        nameNs: this.uniqueEventNames ? 1 + (this.eventSeq++ % 999) : 0,
      });
    }
  }

  /**
   * client-go's EventCorrelator (`tools/record/events_cache.go`): the source+object spam filter,
   * then the aggregator by reason. Returns what is stored, or null when the Event is dropped.
   */
  private correlateEvent(e: EventSpec): { key: string; spec: EventSpec } | null {
    const o = e.obj;
    const spamKey = [e.source, e.host ?? '', o.kind, o.namespace, o.name, o.uid, o.apiVersion].join('|');
    const bucket = this.spam.get(spamKey) ?? { tokens: SPAM_BURST, atUs: e.us };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (e.us - bucket.atUs) / SPAM_REFILL_US);
    bucket.atUs = e.us;
    this.spam.set(spamKey, bucket);
    if (bucket.tokens < 1) return null;
    bucket.tokens -= 1;
    const aggKey = `${spamKey}|${e.type}|${e.reason}|${e.op}`;
    let rec = this.similar.get(aggKey);
    if (!rec || e.us - rec.lastUs > SIMILAR_WINDOW_US) {
      rec = { messages: new Set(), lastUs: e.us };
      this.similar.set(aggKey, rec);
    }
    rec.messages.add(e.message);
    rec.lastUs = e.us;
    if (rec.messages.size < SIMILAR_MAX) return { key: this.eventKey(e), spec: e };
    // Keep the set just under the limit, as the aggregator's PopAny does.
    const first = rec.messages.values().next().value;
    if (first !== undefined) rec.messages.delete(first);
    return {
      key: `combined|${aggKey}`,
      spec: { ...e, message: `(combined from similar events): ${e.message}` },
    };
  }

  /** Sorts and renders the window. Files are returned in path order. */
  flush(): { files: FlushedFile[]; events: FlushedEvent[] } {
    const files: FlushedFile[] = [];
    for (const path of [...this.files.keys()].sort()) {
      const f = this.files.get(path);
      if (!f) continue;
      f.recs.sort((a, b) => a.us - b.us || a.seq - b.seq);
      const lines: string[] = [];
      const ops: number[] = [];
      for (const r of f.recs) {
        if (r.text.includes('\n')) {
          for (const l of r.text.split('\n')) {
            lines.push(l);
            ops.push(r.op);
          }
        } else {
          lines.push(r.text);
          ops.push(r.op);
        }
      }
      files.push({ path, component: f.component, node: f.node, lines, ops });
    }
    const events = [...this.events.values()]
      .sort((a, b) => a.lastUs - b.lastUs || a.firstUs - b.firstUs)
      .map((a) => ({
        text: JSON.stringify(renderEvent(a), null, 4),
        op: a.spec.op,
        namespace: eventNamespace(a.spec.obj),
        name: eventName(a),
      }));
    return { files, events };
  }
}

/** client-go's EventCorrelator defaults: spam burst and refill, aggregation window and threshold. */
const SPAM_BURST = 25;
const SPAM_REFILL_US = 300_000_000;
const SIMILAR_WINDOW_US = 600_000_000;
const SIMILAR_MAX = 10;

const KINDS: Record<string, string> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  bindings: 'Binding',
  events: 'Event',
  nodes: 'Node',
};

const userJsonCache = new WeakMap<Actor, string>();
function userJson(a: Actor): string {
  let s = userJsonCache.get(a);
  if (s === undefined) {
    s = JSON.stringify({ username: a.username, groups: a.groups });
    userJsonCache.set(a, s);
  }
  return s;
}

/** Events about cluster-scoped objects (Nodes) live in `default`. */
const eventNamespace = (o: InvolvedObject): string => o.namespace || 'default';
/** The recorder names an Event `<object>.<UnixNano in hex>` of its first occurrence. */
const eventName = (a: EventAgg): string =>
  `${a.spec.obj.name}.${(BigInt(a.firstUs) * 1000n + BigInt(a.nameNs)).toString(16)}`;

/** core/v1 Event as `kubectl get events -o json` prints it (keys sorted, as kubectl does). */
function renderEvent(a: EventAgg): Record<string, unknown> {
  const e = a.spec;
  const involved: Record<string, unknown> = {};
  if (e.obj.apiVersion) involved.apiVersion = e.obj.apiVersion;
  if (e.obj.fieldPath) involved.fieldPath = e.obj.fieldPath;
  involved.kind = e.obj.kind;
  involved.name = e.obj.name;
  if (e.obj.namespace) involved.namespace = e.obj.namespace;
  if (!e.obj.handBuilt) involved.resourceVersion = String(a.rv - 7);
  if (e.obj.uid) involved.uid = e.obj.uid;
  const name = eventName(a);
  const meta = {
    creationTimestamp: rfc3339Sec(a.firstUs),
    name,
    namespace: eventNamespace(e.obj),
    resourceVersion: String(a.rv),
    uid: a.uid,
  };
  if (e.source === 'default-scheduler') {
    // Written through events.k8s.io/v1: no count/first/last, an eventTime and a series instead.
    const out: Record<string, unknown> = {
      action: e.action ?? 'Scheduling',
      apiVersion: 'v1',
      eventTime: rfc3339Micro(a.firstUs),
      firstTimestamp: null,
      involvedObject: involved,
      kind: 'Event',
      lastTimestamp: null,
      message: e.message,
      metadata: meta,
      reason: e.reason,
      reportingComponent: 'default-scheduler',
      reportingInstance: `default-scheduler-${CONTROL_PLANE}`,
    };
    if (a.count > 1) out.series = { count: a.count, lastObservedTime: rfc3339Micro(a.lastUs) };
    out.source = {};
    out.type = e.type;
    return out;
  }
  return {
    apiVersion: 'v1',
    count: a.count,
    eventTime: null,
    firstTimestamp: rfc3339Sec(a.firstUs),
    involvedObject: involved,
    kind: 'Event',
    lastTimestamp: rfc3339Sec(a.lastUs),
    message: e.message,
    metadata: meta,
    reason: e.reason,
    reportingComponent: e.source,
    reportingInstance: e.host ?? '',
    source: e.host ? { component: e.source, host: e.host } : { component: e.source },
    type: e.type,
  };
}
