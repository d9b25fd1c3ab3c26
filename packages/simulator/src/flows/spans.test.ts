import { describe, expect, it } from 'vitest';
import { generateBundle } from '../bundle.ts';
import { renderBundle } from '../write.ts';
import { APISERVER_TRACES_PATH } from './spans.ts';

type Kv = { key: string; value: Record<string, unknown> };
interface Doc {
  resourceSpans: {
    resource: { attributes: Kv[] };
    scopeSpans: {
      scope: { name: string };
      spans: { traceId: string; spanId: string; parentSpanId: string; name: string; attributes: Kv[] }[];
    }[];
  }[];
}
const attr = (list: Kv[], key: string): unknown => {
  const v = list.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

describe('traces', () => {
  const opts = { seed: 3, scenarios: ['complete' as const], noise: 30 };
  const plain = renderBundle(generateBundle(opts));
  const traced = renderBundle(generateBundle({ ...opts, traces: true }));

  it('leaves every log file byte-identical and only adds trace files', () => {
    const added = [...traced.files.keys()].filter((p) => !plain.files.has(p));
    expect(added.sort()).toEqual([
      APISERVER_TRACES_PATH,
      'kind-worker/traces/kubelet.otlp.jsonl',
      'kind-worker2/traces/kubelet.otlp.jsonl',
    ]);
    for (const [path, text] of plain.files) expect(traced.files.get(path)).toBe(text);
    expect([...plain.files.keys()].some((p) => p.includes('/traces/'))).toBe(false);
  });

  it('writes one OTLP export request per line, with v1.30 apiserver span names and attributes', () => {
    const lines = traced.files.get(APISERVER_TRACES_PATH)!.trimEnd().split('\n');
    const docs = lines.map((l) => JSON.parse(l) as Doc);
    const create = docs.find((d) =>
      d.resourceSpans[0]!.scopeSpans.some((s) =>
        s.spans.some((sp) => sp.name === 'Create' && attr(sp.attributes, 'resource') === 'deployments'),
      ),
    )!;
    const rs = create.resourceSpans[0]!;
    expect(attr(rs.resource.attributes, 'service.name')).toBe('apiserver');
    const spans = rs.scopeSpans.flatMap((s) => s.spans);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const root = byName.get('KubernetesAPI')!;
    expect(root.parentSpanId).toBe('');
    expect(attr(root.attributes, 'http.method')).toBe('POST');
    expect(attr(root.attributes, 'http.status_code')).toBe('201');
    const handler = byName.get('Create')!;
    expect(handler.parentSpanId).toBe(root.spanId);
    expect(attr(handler.attributes, 'audit-id')).toMatch(/^[0-9a-f-]{36}$/);
    const etcd = byName.get('Create etcd3')!;
    expect(etcd.parentSpanId).toBe(handler.spanId);
    expect(byName.get('etcdserverpb.KV/Txn')!.parentSpanId).toBe(etcd.spanId);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  });

  it('writes kubelet syncPod spans with the pod attributes and a CRI child', () => {
    const doc = JSON.parse(traced.files.get('kind-worker/traces/kubelet.otlp.jsonl')!.split('\n')[0]!) as Doc;
    const rs = doc.resourceSpans[0]!;
    expect(attr(rs.resource.attributes, 'service.name')).toBe('kubelet');
    expect(attr(rs.resource.attributes, 'host.name')).toBe('kind-worker');
    const spans = rs.scopeSpans.flatMap((s) => s.spans);
    const sync = spans.find((s) => s.name === 'syncPod')!;
    for (const k of ['k8s.pod.uid', 'k8s.pod.name', 'k8s.namespace.name'])
      expect(attr(sync.attributes, k)).toBeTruthy();
    const cri = spans.find((s) => s.name === 'runtime.v1.RuntimeService/RunPodSandbox')!;
    expect(cri.parentSpanId).toBe(sync.spanId);
  });

  it('writes the denying webhook call under the handler of a refused create', () => {
    const denied = renderBundle(
      generateBundle({ seed: 3, scenarios: ['webhook-denied'], noise: 0, traces: true }),
    );
    const spans = denied.files
      .get(APISERVER_TRACES_PATH)!
      .trimEnd()
      .split('\n')
      .flatMap((l) => (JSON.parse(l) as Doc).resourceSpans[0]!.scopeSpans.flatMap((s) => s.spans));
    const call = spans.find((s) => s.name === 'Call validating webhook')!;
    expect(attr(call.attributes, 'webhook')).toBe('validate.kyverno.svc-fail');
    const handler = spans.find((s) => s.spanId === call.parentSpanId)!;
    expect(handler.name).toBe('Create');
    expect(spans.some((s) => s.name === 'Create etcd3' && s.traceId === call.traceId)).toBe(false);
  });

  it('counts each trace line as a line of its op in the truth', () => {
    const f = traced.truth.files.find((x) => x.path === APISERVER_TRACES_PATH)!;
    expect(f.lines).toBe(traced.files.get(APISERVER_TRACES_PATH)!.trimEnd().split('\n').length);
  });
});
