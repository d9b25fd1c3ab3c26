import { describe, expect, it } from 'vitest';
import { otlpSpans } from '@kubetrail/parsers';
import {
  enclosingSpan,
  RECORD_ID_KEY,
  requestToOtlp,
  type ExportRecord,
  type ExportSpan,
} from './otlpExport.ts';

const T = 1_718_019_300_000_000_000n;
const MS = 1_000_000n;

function span(over: Partial<ExportSpan> & { spanId: string; start: bigint; end: bigint }): ExportSpan {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    parentSpanId: null,
    name: over.spanId,
    service: 'apiserver',
    component: 'kube-apiserver',
    node: 'kind-control-plane',
    statusCode: 'unset',
    statusMessage: null,
    attributes: {},
    resource: { 'service.name': 'apiserver' },
    events: [],
    ...over,
  };
}

function rec(id: number, ms: number | null, component = 'kube-apiserver'): ExportRecord {
  return {
    id,
    tsNs: ms === null ? null : T + BigInt(ms) * MS,
    severity: 'info',
    component,
    node: 'kind-control-plane',
    message: `line ${id}\nsecond line`,
    linkKind: 'audit',
    evidence: 'audit-ID=x',
  };
}

const root = span({ spanId: '00000000000000a1', start: T, end: T + 10n * MS, name: 'HTTP POST' });
const child = span({
  spanId: '00000000000000a2',
  parentSpanId: '00000000000000a1',
  start: T + 2n * MS,
  end: T + 6n * MS,
  name: 'Create',
});
const kubelet = span({
  spanId: '00000000000000b1',
  traceId: '6b8efff798038103d269b633813fc60c',
  start: T,
  end: T + 20n * MS,
  name: 'syncPod',
  service: 'kubelet',
  component: 'kubelet',
  resource: { 'service.name': 'kubelet' },
});

describe('enclosingSpan', () => {
  it('prefers a span of the line’s own component, then the shortest', () => {
    expect(enclosingSpan([root, child, kubelet], T + 3n * MS, 'kube-apiserver')).toBe(child);
    expect(enclosingSpan([root, child, kubelet], T + 8n * MS, 'kube-apiserver')).toBe(root);
    expect(enclosingSpan([root, child, kubelet], T + 3n * MS, 'kubelet')).toBe(kubelet);
    expect(enclosingSpan([root, child, kubelet], T + 3n * MS, 'containerd')).toBe(child);
    expect(enclosingSpan([root, child], T + 30n * MS, 'kube-apiserver')).toBeNull();
  });
});

describe('requestToOtlp', () => {
  it('puts lines on enclosing spans as events and the rest as zero-length spans per component', () => {
    const doc = requestToOtlp(
      'req-1',
      [root, child, kubelet],
      [rec(1, 3), rec(2, 50, 'containerd'), rec(3, null)],
    );
    const problems: string[] = [];
    const spans = otlpSpans(doc as unknown as Record<string, unknown>, problems);
    expect(problems).toEqual([]);
    expect(spans.map((s) => s.name).sort()).toEqual(['Create', 'HTTP POST', 'line 2', 'syncPod']);
    const create = spans.find((s) => s.name === 'Create')!;
    expect(create.events).toEqual([expect.objectContaining({ name: 'line 1', ts: T + 3n * MS })]);
    expect(create.events[0]!.attributes[RECORD_ID_KEY]).toBe(1);
    expect(create.parentSpanId).toBe('00000000000000a1');
    const loose = spans.find((s) => s.name === 'line 2')!;
    expect(loose.start).toBe(loose.end);
    expect(loose.service).toBe('containerd');
    expect(loose.component).toBe('containerd');
    expect(loose.traceId).toBe(root.traceId);
    // One resource per service, as exporters write them.
    expect(doc.resourceSpans).toHaveLength(3);
  });

  it('makes up a stable trace id for a request without spans', () => {
    const a = requestToOtlp('req-2', [], [rec(1, 1)]);
    const b = requestToOtlp('req-2', [], [rec(1, 1)]);
    expect(a).toEqual(b);
    const s = a.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps status, events and attributes of stored spans', () => {
    const errored = span({
      spanId: '00000000000000c1',
      start: T,
      end: T + MS,
      statusCode: 'error',
      statusMessage: 'admission webhook denied',
      attributes: { 'http.status_code': 403, ratio: 0.5, tags: ['a'], nested: { k: true } },
      events: [{ name: 'About to write a response', ts: T + MS / 2n, attributes: {} }],
    });
    const [parsed] = otlpSpans(requestToOtlp('r', [errored], []) as unknown as Record<string, unknown>, []);
    expect(parsed).toMatchObject({
      statusCode: 'error',
      statusMessage: 'admission webhook denied',
      attributes: { 'http.status_code': 403, ratio: 0.5, tags: ['a'], nested: { k: true } },
      events: [{ name: 'About to write a response', ts: T + MS / 2n, attributes: {} }],
    });
  });
});
