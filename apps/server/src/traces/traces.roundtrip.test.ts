import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineQuerySchema, TimelineSchema, type TimelineSpan } from '@kubetrail/model';
import { otlpSpans } from '@kubetrail/parsers';
import { generateBundle, writeBundleDir } from '@kubetrail/simulator';
import type { Store } from '@kubetrail/store';
import { createApp } from '../app.ts';
import { ingestPaths } from '@kubetrail/ingest';
import { tempStore } from '../testing/seedBundle.ts';
import { buildTimeline } from '../timeline/timeline.service.ts';
import { RECORD_ID_KEY } from './otlpExport.ts';

/**
 * Issue 5's round trip: simulator spans → OTLP/JSON files → ingest → the timeline shows them in
 * the right lanes under the right request; export → re-ingest gives the same spans.
 */
let store: Store;
let dir: string;
let bundleId: string;
let reqId: string;

beforeAll(async () => {
  const t = tempStore();
  store = t.store;
  dir = t.dir;
  const bundleDir = join(dir, 'bundle');
  await writeBundleDir(
    generateBundle({ seed: 5, scenarios: ['complete'], noise: 0, traces: true }),
    bundleDir,
  );
  const res = await ingestPaths(store, [bundleDir], { name: 'traces' });
  expect(res.status).toBe('ready');
  bundleId = res.bundleId;
  const req = store
    .listRequests(bundleId, { limit: 50, offset: 0, sort: 'time' } as never)
    .requests.find((r) => r.targets.some((x) => x.verb === 'create' && x.resource === 'deployments'));
  expect(req).toBeDefined();
  reqId = req!.reqId;
}, 60_000);

afterAll(() => store.close());

const byName = (spans: TimelineSpan[], name: string): TimelineSpan[] => spans.filter((s) => s.name === name);

describe('simulator traces → ingest → timeline', () => {
  it('writes trace files as a collector file exporter does', () => {
    const files = readdirSync(join(dir, 'bundle', 'kind-control-plane', 'traces'));
    expect(files).toEqual(['apiserver.otlp.jsonl']);
    const first = readFileSync(
      join(dir, 'bundle/kind-control-plane/traces/apiserver.otlp.jsonl'),
      'utf8',
    ).split('\n')[0]!;
    const doc = JSON.parse(first) as Record<string, unknown>;
    const problems: string[] = [];
    expect(otlpSpans(doc, problems).length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('joins the create call’s apiserver spans and the kubelets’ pod syncs to the request, nested and in lanes', () => {
    const tl = TimelineSchema.parse(
      buildTimeline({ store }, bundleId, reqId, TimelineQuerySchema.parse({ width: 2000 })),
    );
    const spans = tl.spans;
    // The deployment create by kubectl: KubernetesAPI → Create → Create etcd3 → etcdserverpb.KV/Txn.
    const create = byName(spans, 'Create').find((s) => s.attributes.resource === 'deployments');
    expect(create).toBeDefined();
    expect(tl.request.auditIds).toContain(create!.attributes['audit-id']);
    const root = spans.find((s) => s.spanId === create!.parentSpanId)!;
    expect(root.name).toBe('KubernetesAPI');
    const etcd = spans.find((s) => s.parentSpanId === create!.spanId)!;
    expect(etcd.name).toBe('Create etcd3');
    const txn = spans.find((s) => s.parentSpanId === etcd.spanId)!;
    expect(txn.name).toBe('etcdserverpb.KV/Txn');
    for (const s of [root, create!, etcd, txn]) expect(s.lane).toBe('kube-apiserver');
    expect([root.depth, create!.depth, etcd.depth, txn.depth]).toEqual([0, 1, 2, 3]);

    // Kubelet spans join through k8s.pod.uid, in the kubelet lane of the pod's node.
    const syncs = byName(spans, 'syncPod');
    expect(syncs.length).toBe(3);
    for (const s of syncs) {
      expect(s.lane).toBe(`kubelet/${s.node}`);
      const sandbox = spans.find((c) => c.parentSpanId === s.spanId)!;
      expect(sandbox.name).toBe('runtime.v1.RuntimeService/RunPodSandbox');
      expect(sandbox.lane).toBe(s.lane);
    }
    // Logs and spans together in the same lanes.
    const laneIds = new Set(tl.marks.map((m) => m.lane));
    expect(laneIds.has('kube-apiserver') || tl.apiCalls.length > 0).toBe(true);
    expect([...laneIds].some((l) => l.startsWith('kubelet/'))).toBe(true);
  });

  it('records why each span joined: audit-id, trace, or the pod it names', () => {
    const spans = store.requestSpans(bundleId, reqId);
    const kinds = new Set(spans.map((s) => s.linkKind));
    expect(kinds).toEqual(new Set(['audit', 'trace', 'inferred']));
    const sync = spans.find((s) => s.name === 'syncPod')!;
    expect(sync.evidence).toMatch(/^pod shop\/frontend-/);
    const root = spans.find((s) => s.name === 'KubernetesAPI')!;
    expect(root.linkKind).toBe('trace');
  });

  it('exports OTLP/JSON that re-ingests to the same spans', async () => {
    const app = createApp({
      store,
      ingestInWorker: false,
      log: { info: () => undefined, error: () => undefined },
    });
    const res = await request(app).get(`/api/bundles/${bundleId}/requests/${encodeURIComponent(reqId)}/otlp`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kubetrail-.*\.otlp\.json"$/);
    const doc = JSON.parse(res.text) as Record<string, unknown>;
    const file = join(dir, 'export.otlp.json');
    writeFileSync(file, res.text);

    const again = await ingestPaths(store, [file], { name: 'reingest' });
    expect(again.status).toBe('ready');
    const key = (s: { traceId: string; spanId: string }) => `${s.traceId}/${s.spanId}`;
    const original = new Map(store.requestSpans(bundleId, reqId).map((s) => [key(s), s]));
    const problems: string[] = [];
    const parsed = otlpSpans(doc, problems);
    expect(problems).toEqual([]);
    const spans = parsed.filter((s) => s.attributes[RECORD_ID_KEY] === undefined);
    const logSpans = parsed.filter((s) => s.attributes[RECORD_ID_KEY] !== undefined);
    expect(spans.length).toBe(original.size);
    for (const s of spans) {
      const o = original.get(key(s))!;
      expect(o).toBeDefined();
      expect({ ...s, events: s.events.filter((e) => e.attributes[RECORD_ID_KEY] === undefined) }).toEqual({
        traceId: o.traceId,
        spanId: o.spanId,
        parentSpanId: o.parentSpanId,
        name: o.name,
        service: o.service,
        component: o.component,
        node: o.node,
        start: o.start,
        end: o.end,
        statusCode: o.statusCode,
        statusMessage: o.statusMessage,
        attributes: o.attributes,
        resource: o.resource,
        events: o.events,
        auditId: o.auditId,
      });
    }
    // Every timed log line of the request went somewhere: a span event or a zero-length span.
    const records = store.requestRecords(bundleId, reqId).filter((r) => r.tsNs !== null);
    const asEvents = parsed.flatMap((s) => s.events).filter((e) => e.attributes[RECORD_ID_KEY] !== undefined);
    expect(asEvents.length + logSpans.length).toBe(records.length);
    expect(asEvents.length).toBeGreaterThan(0);
    // And the re-ingested bundle stored the same number of spans.
    const reSpans = [...store.correlationSource(again.bundleId).spans()];
    expect(reSpans.length).toBe(parsed.length);
  });
});
