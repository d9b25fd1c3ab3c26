/**
 * OpenTelemetry spans as kube-apiserver and the kubelet (v1.30) export them, written the way an
 * OpenTelemetry Collector `file` exporter writes them: one OTLP/JSON ExportTraceServiceRequest per
 * line. One line holds one API call's trace (or one pod sync's), so each line belongs to one op.
 *
 * Names and attributes follow the Kubernetes sources:
 * - the root span is otelhttp's server span (`filters/traces.go` wraps the handler chain with
 *   `otelhttp.NewHandler(handler, "KubernetesAPI", …)`), so it is named `KubernetesAPI` — later
 *   releases (kubernetes/kubernetes#123584, reviewed after v1.30's code freeze) name it
 *   `<METHOD> <route>`, e.g.
 *   `POST /apis/apps/v1/namespaces/{:namespace}/deployments` — with otelhttp's semconv attributes
 *   (`http.method`, `http.target`, `http.status_code`, `net.sock.peer.addr`, `user_agent.original`);
 * - the REST handler span (`handlers/create.go` etc.: `tracing.Start(ctx, "Create", traceFields(req)…)`)
 *   carries `audit-id`, `client`, `protocol`, `resource`, `scope`, `url`, `user-agent`, `verb`
 *   and the handler's step events;
 * - the storage span (`storage/etcd3/store.go`: `Create etcd3`, `GuaranteedUpdate etcd3`) carries
 *   `audit-id`, `key`, `type`, `resource`;
 * - the etcd client call is otelgrpc's client span `etcdserverpb.KV/Txn`;
 * - a denying validating admission webhook is the dispatcher's `Call validating webhook` span
 *   (`configuration`, `webhook`, `resource`, `subresource`, `operation`, `UID`);
 * - the kubelet's `syncPod` span carries `k8s.pod.uid`, `k8s.pod`, `k8s.pod.name`,
 *   `k8s.namespace.name`, `k8s.pod.update_type`; its CRI calls are otelgrpc client spans
 *   (`runtime.v1.RuntimeService/RunPodSandbox`).
 * Resource attributes: `service.name` (`apiserver`, the TracingConfiguration default, or `kubelet`)
 * and `host.name`.
 */
import { CONTROL_PLANE, K8S_VERSION } from '../cluster.ts';
import type { Rng } from '../rng.ts';

export const APISERVER_TRACES_PATH = `${CONTROL_PLANE}/traces/apiserver.otlp.jsonl`;
export const kubeletTracesPath = (node: string): string => `${node}/traces/kubelet.otlp.jsonl`;

/** Where a span line goes: path, component, node, time (µs), the line, its op. */
export type SpanLineSink = (
  path: string,
  component: string,
  node: string | null,
  us: number,
  text: string,
  op: number,
) => void;

/** The parts of an API call the apiserver's spans describe. */
export interface TracedCall {
  us: number;
  doneUs: number;
  auditId: string;
  verb: string;
  method: string;
  uri: string;
  code: number;
  userAgent: string;
  ip: string;
  resource: string | null;
  namespace: string | null;
  name: string | null;
  kind: string | null;
  failure: string | null;
  op: number;
}

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: { timeUnixNano: string; name: string; attributes: KeyValue[] }[];
  status: { code?: number; message?: string };
}

const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

const OTELHTTP = 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp';
const OTELGRPC = 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc';
const OTELHTTP_VERSION = '0.44.0';
const TRACING = 'k8s.io/component-base/tracing';

function kv(attrs: Record<string, string | number | boolean | null>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(attrs)) {
    if (v === null) continue;
    const value: AnyValue =
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : { intValue: String(v) };
    out.push({ key, value });
  }
  return out;
}

/** µs → the OTLP nanosecond string; `extraNs` keeps sub-µs digits from looking synthetic. */
const ns = (us: number, extraNs = 0): string => (BigInt(Math.round(us)) * 1000n + BigInt(extraNs)).toString();

const HANDLER_SPAN: Record<string, string> = {
  create: 'Create',
  update: 'Update',
  patch: 'Patch',
  delete: 'Delete',
  deletecollection: 'Delete',
  get: 'Get',
  list: 'List',
};
const STORAGE_SPAN: Record<string, string> = {
  create: 'Create etcd3',
  update: 'GuaranteedUpdate etcd3',
  patch: 'GuaranteedUpdate etcd3',
};

/** Writes the spans of API calls and pod syncs as OTLP/JSON lines. Uses its own Rng (logs stay identical). */
export class SpanRecorder {
  constructor(
    private readonly rng: Rng,
    private readonly sink: SpanLineSink,
  ) {}

  private span(
    traceId: string,
    parent: string,
    name: string,
    kind: number,
    fromUs: number,
    toUs: number,
    attributes: Record<string, string | number | boolean | null>,
  ): OtlpSpan {
    return {
      traceId,
      spanId: this.rng.hex(16),
      parentSpanId: parent,
      name,
      kind,
      startTimeUnixNano: ns(fromUs, this.rng.int(0, 999)),
      endTimeUnixNano: ns(toUs, this.rng.int(0, 999)),
      attributes: kv(attributes),
      events: [],
      status: {},
    };
  }

  private line(
    path: string,
    component: string,
    node: string,
    us: number,
    op: number,
    service: string,
    scopes: { name: string; version?: string; spans: OtlpSpan[] }[],
  ): void {
    const doc = {
      resourceSpans: [
        {
          resource: {
            attributes: kv({ 'service.name': service, 'host.name': node, 'service.version': K8S_VERSION }),
          },
          scopeSpans: scopes
            .filter((s) => s.spans.length > 0)
            .map((s) => ({
              scope: { name: s.name, ...(s.version ? { version: s.version } : {}) },
              spans: s.spans,
            })),
        },
      ],
    };
    this.sink(path, component, node, us, JSON.stringify(doc), op);
  }

  /** One API call: `KubernetesAPI` → handler (`Create`…) → storage (`Create etcd3`…) → `etcdserverpb.KV/Txn`. */
  apiCall(c: TracedCall): void {
    // Watches stay open for minutes: the apiserver's span for them says nothing about this request.
    if (c.method === 'WATCH') return;
    const rng = this.rng;
    const traceId = rng.hex(32);
    const method = c.method === 'LIST' ? 'GET' : c.method;
    const port = 30000 + rng.int(0, 30000);
    const root = this.span(traceId, '', 'KubernetesAPI', SPAN_KIND_SERVER, c.us, c.doneUs, {
      'http.method': method,
      'http.scheme': 'https',
      'http.flavor': '2',
      'http.target': c.uri,
      'net.host.name': CONTROL_PLANE,
      'net.sock.peer.addr': c.ip,
      'net.sock.peer.port': port,
      'user_agent.original': c.userAgent,
      'http.status_code': c.code,
    });
    // otelhttp marks 5xx as errors; a 4xx is the client's problem, not the server span's.
    if (c.code >= 500) root.status = { code: STATUS_ERROR };
    const total = c.doneUs - c.us;
    const hFrom = c.us + Math.max(1, Math.round(total * 0.08));
    const hTo = c.doneUs - Math.max(1, Math.round(total * 0.04));
    const handlerName = HANDLER_SPAN[c.verb] ?? 'Get';
    const handler = this.span(traceId, root.spanId, handlerName, SPAN_KIND_INTERNAL, hFrom, hTo, {
      accept: 'application/json, */*',
      'audit-id': c.auditId,
      client: c.ip,
      protocol: 'HTTP/2.0',
      resource: c.resource,
      scope: c.namespace ? 'namespace' : 'cluster',
      url: c.uri.split('?')[0] ?? c.uri,
      'user-agent': c.userAgent,
      verb: method,
    });
    const ev = (frac: number, name: string, attrs: Record<string, string | number> = {}): void => {
      handler.events.push({
        timeUnixNano: ns(hFrom + (hTo - hFrom) * frac, rng.int(0, 999)),
        name,
        attributes: kv(attrs),
      });
    };
    const storage = STORAGE_SPAN[c.verb];
    const ok = c.code < 400;
    const spans: OtlpSpan[] = [handler];
    const grpc: OtlpSpan[] = [];
    if (c.verb === 'create' || c.verb === 'update' || c.verb === 'patch') {
      ev(0.02, 'limitedReadBody succeeded', { len: rng.int(400, 2400) });
      ev(0.06, 'About to convert to expected version');
      ev(0.1, 'Conversion done');
      ev(0.14, 'About to store object in database');
    }
    if (storage && ok) {
      const sFrom = hFrom + (hTo - hFrom) * 0.2;
      const sTo = hFrom + (hTo - hFrom) * 0.85;
      const key = `/registry/${c.resource ?? 'unknown'}/${c.namespace ? `${c.namespace}/` : ''}${c.name ?? ''}`;
      const st = this.span(traceId, handler.spanId, storage, SPAN_KIND_INTERNAL, sFrom, sTo, {
        'audit-id': c.auditId,
        key,
        type: c.kind ? `*core.${c.kind}` : null,
        resource: c.resource,
      });
      const step = (frac: number, name: string): void => {
        st.events.push({ timeUnixNano: ns(sFrom + (sTo - sFrom) * frac), name, attributes: [] });
      };
      step(0.05, 'About to Encode');
      step(0.15, 'Encode succeeded');
      step(0.25, 'TransformToStorage succeeded');
      step(0.9, 'Txn call completed');
      spans.push(st);
      const txn = this.span(
        traceId,
        st.spanId,
        'etcdserverpb.KV/Txn',
        SPAN_KIND_CLIENT,
        sFrom + (sTo - sFrom) * 0.3,
        sFrom + (sTo - sFrom) * 0.88,
        {
          'rpc.system': 'grpc',
          'rpc.service': 'etcdserverpb.KV',
          'rpc.method': 'Txn',
          'net.peer.name': '127.0.0.1',
          'net.peer.port': 2379,
          'rpc.grpc.status_code': 0,
        },
      );
      grpc.push(txn);
      ev(0.9, 'Write to database call succeeded', { len: rng.int(400, 2400) });
    }
    // A denying admission webhook: the apiserver's dispatcher span (`Call validating webhook`,
    // admission/plugin/webhook/validating/dispatcher.go) under the handler, with the webhook's error.
    const webhook = c.failure ? /^admission webhook "([^"]+)" denied/.exec(c.failure) : null;
    if (webhook) {
      const wFrom = hFrom + (hTo - hFrom) * 0.2;
      const wTo = hFrom + (hTo - hFrom) * 0.8;
      const call = this.span(
        traceId,
        handler.spanId,
        'Call validating webhook',
        SPAN_KIND_INTERNAL,
        wFrom,
        wTo,
        {
          configuration: `${webhook[1]!.split('.')[1] ?? 'validating'}-validating-webhook-cfg`,
          webhook: webhook[1]!,
          resource: c.resource ? `apps/v1, Resource=${c.resource}` : null,
          subresource: '',
          operation: c.verb === 'create' ? 'CREATE' : c.verb === 'delete' ? 'DELETE' : 'UPDATE',
          UID: rng.uuid(),
        },
      );
      call.status = { code: STATUS_ERROR, message: c.failure!.split('\n')[0] ?? '' };
      spans.push(call);
    }
    if (!ok) {
      handler.status = { code: STATUS_ERROR, message: c.failure ?? `HTTP ${c.code}` };
      ev(0.5, 'Write to database call failed', { err: c.failure ?? `HTTP ${c.code}` });
    }
    ev(0.94, 'About to write a response');
    ev(0.99, 'Writing http response done');
    this.line(APISERVER_TRACES_PATH, 'kube-apiserver', CONTROL_PLANE, c.doneUs, c.op, 'apiserver', [
      { name: OTELHTTP, version: OTELHTTP_VERSION, spans: [root] },
      { name: TRACING, spans },
      { name: OTELGRPC, version: OTELHTTP_VERSION, spans: grpc },
    ]);
  }

  /**
   * The kubelet's `syncPod` for a new pod, from SyncLoop ADD (`fromUs`) to the sandbox being up,
   * with its `RunPodSandbox` CRI call (`sandboxFromUs`–`sandboxToUs`).
   */
  podSync(
    node: string,
    pod: { namespace: string; name: string; uid: string },
    fromUs: number,
    sandboxFromUs: number,
    sandboxToUs: number,
    op: number,
  ): void {
    const traceId = this.rng.hex(32);
    const toUs = sandboxToUs + this.rng.int(2_000, 9_000);
    const sync = this.span(traceId, '', 'syncPod', SPAN_KIND_INTERNAL, fromUs, toUs, {
      'k8s.pod.uid': pod.uid,
      'k8s.pod': `${pod.namespace}/${pod.name}`,
      'k8s.pod.name': pod.name,
      'k8s.pod.update_type': 'create',
      'k8s.namespace.name': pod.namespace,
    });
    const run = this.span(
      traceId,
      sync.spanId,
      'runtime.v1.RuntimeService/RunPodSandbox',
      SPAN_KIND_CLIENT,
      sandboxFromUs,
      sandboxToUs,
      {
        'rpc.system': 'grpc',
        'rpc.service': 'runtime.v1.RuntimeService',
        'rpc.method': 'RunPodSandbox',
        'net.peer.name': '/run/containerd/containerd.sock',
        'rpc.grpc.status_code': 0,
      },
    );
    this.line(kubeletTracesPath(node), 'kubelet', node, toUs, op, 'kubelet', [
      { name: TRACING, spans: [sync] },
      { name: OTELGRPC, version: OTELHTTP_VERSION, spans: [run] },
    ]);
  }
}
