import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { context, trace } from '@opentelemetry/api';
import type { Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../app.ts';
import { tempStore } from '../testing/seedBundle.ts';
import { LIVE_BUNDLE_ID } from './live.service.ts';
import { decodeExportResponse, encodeTraces } from './otlpBody.ts';
import { deepAnyValueProtobuf } from '../hardening/hardeningKit.ts';

let store: Store;
let app: KubetrailApp;
let server: Server;
let url: string;

beforeAll(async () => {
  store = tempStore().store;
  app = createApp({ store, ingestInWorker: false, log: { info: () => undefined, error: () => undefined } });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
});

/** Spans made with the OpenTelemetry SDK, shaped like an apiserver request trace. */
function sdkSpans(auditId: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'apiserver', 'host.name': 'kind-control-plane' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('otelhttp');
  const root = tracer.startSpan('HTTP POST', {
    attributes: {
      'http.method': 'POST',
      'http.target': '/apis/apps/v1/namespaces/shop/deployments',
      'http.status_code': 201,
      'user_agent.original': 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b',
      'net.sock.peer.addr': '10.0.0.7',
    },
  });
  const ctx = trace.setSpan(context.active(), root);
  const create = tracer.startSpan(
    'Create',
    { attributes: { 'audit-id': auditId, resource: 'deployments' } },
    ctx,
  );
  create.addEvent('About to store object in database');
  create.end();
  root.end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code)));
}

const post = (body: Buffer | string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers });

describe('POST /v1/traces', () => {
  it('accepts protobuf from the official OpenTelemetry JS exporter, gzip too, into the live bundle', async () => {
    for (const compression of ['none', 'gzip'] as const) {
      const auditId =
        compression === 'gzip'
          ? 'a0000000-0000-4000-8000-00000000000g'
          : 'a0000000-0000-4000-8000-000000000001';
      const exporter = new OTLPTraceExporter({ url, compression: compression as never });
      expect(await exportWith(exporter, sdkSpans(auditId))).toBe(0); // ExportResultCode.SUCCESS
      await exporter.shutdown();
    }
    app.locals.live.flush();
    const bundle = store.getBundle(LIVE_BUNDLE_ID)!;
    expect(bundle.status).toBe('ready');
    const reqs = store.listRequests(LIVE_BUNDLE_ID, { limit: 50, offset: 0, sort: 'time' } as never).requests;
    const req = reqs.find((r) => r.reqId === 'a0000000-0000-4000-8000-000000000001')!;
    expect(req.idKind).toBe('trace');
    expect(req.userAgent).toMatch(/^kubectl\//);
    const spans = store.requestSpans(LIVE_BUNDLE_ID, req.reqId);
    expect(spans.map((s) => s.name).sort()).toEqual(['Create', 'HTTP POST']);
    expect(spans.every((s) => s.component === 'kube-apiserver')).toBe(true);
    expect(spans.find((s) => s.name === 'Create')!.events.map((e) => e.name)).toEqual([
      'About to store object in database',
    ]);
    expect(reqs.some((r) => r.reqId === 'a0000000-0000-4000-8000-00000000000g')).toBe(true);
  });

  it('answers protobuf with a protobuf ExportTraceServiceResponse', async () => {
    const res = await post(encodeTraces({ resourceSpans: [] }), { 'Content-Type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    expect(decodeExportResponse(new Uint8Array(await res.arrayBuffer()))).toEqual({});
  });

  const jsonDoc = (spanId: string, withTrace = true) => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kubelet' } }] },
        scopeSpans: [
          {
            spans: [
              {
                ...(withTrace ? { traceId: '5b8efff798038103d269b633813fc60c' } : {}),
                spanId,
                name: 'syncPod',
                startTimeUnixNano: '1718019340000000000',
                endTimeUnixNano: '1718019341000000000',
              },
            ],
          },
        ],
      },
    ],
  });

  it('accepts OTLP/JSON as curl sends it, and gzip-encoded', async () => {
    const body = JSON.stringify(jsonDoc('eee19b7ec3c1b174'));
    const res = await post(body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const gz = await post(gzipSync(body), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(await gz.json()).toEqual({});
  });

  it('reports spans it could not store as a partial success', async () => {
    const doc = jsonDoc('eee19b7ec3c1b175', false);
    const res = await post(JSON.stringify(doc), { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(/missing trace\/span id/);
  });

  it('rejects only the span whose end time is 2^63 or more (valid OTLP, past what the store holds)', async () => {
    const good = jsonDoc('eee19b7ec3c1b176');
    const far = jsonDoc('eee19b7ec3c1b177').resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const doc = {
      resourceSpans: [
        {
          ...good.resourceSpans[0]!,
          scopeSpans: [
            {
              spans: [
                ...good.resourceSpans[0]!.scopeSpans[0]!.spans,
                { ...far, name: 'far', endTimeUnixNano: '9223372036854775808' },
                {
                  ...far,
                  spanId: 'eee19b7ec3c1b178',
                  name: 'max',
                  startTimeUnixNano: '18446744073709551615',
                },
              ],
            },
          ],
        },
      ],
    };
    const before = store.db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number };
    const res = await post(JSON.stringify(doc), { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/"far": timestamp out of range/);
    const after = store.db.prepare('SELECT count(*) AS n FROM spans').get() as { n: number };
    expect(after.n - before.n).toBe(1);
  });

  it('refuses JSON nested deeper than 512 levels with 400, and cuts AnyValues nested past 64 (never a 500)', async () => {
    const nest = (depth: number): string =>
      `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const doc = (value: string) =>
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b179","name":"deep","startTimeUnixNano":"1718019340100000000","endTimeUnixNano":"1718019340200000000","attributes":[{"key":"deep","value":${value}}]}]}]}]}`;
    const json = await post(doc(nest(5000)), { 'Content-Type': 'application/json' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(
      /nested deeper than 512/,
    );
    // Protobuf has no such bound of its own: 3 000 nested AnyValues decode, and used to overflow later (500).
    const decoded = await post(deepAnyValueProtobuf(3000), { 'Content-Type': 'application/x-protobuf' });
    expect(decoded.status).toBe(200);
    // Deeper still, the protobuf decoder itself gives up: a 400 then, never a 500.
    const deeper = await post(deepAnyValueProtobuf(30000), { 'Content-Type': 'application/x-protobuf' });
    expect([200, 400]).toContain(deeper.status);
    const stored = store.db
      .prepare("SELECT attributes FROM spans WHERE span_id = 'eee19b7ec3c1b17a'")
      .pluck()
      .get() as string;
    expect(stored).toContain('nested deeper than 64 levels');
  });

  it.each([
    ['malformed JSON', '{"resourceSpans": [', 'application/json', 'invalid_json'],
    ['a JSON array', '[]', 'application/json', 'invalid_otlp'],
    ['resourceSpans not a list', '{"resourceSpans": 3}', 'application/json', 'invalid_otlp'],
    [
      'malformed protobuf',
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      'application/x-protobuf',
      'invalid_otlp',
    ],
  ])('refuses %s with 400 and a reason', async (_what, body, type, code) => {
    const res = await post(body, { 'Content-Type': type });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe(code);
    expect(err.error.message.length).toBeGreaterThan(10);
  });

  it('refuses a gzip body that is not gzip, and other media types', async () => {
    const res = await post('not gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(400);
    const other = await post('<x/>', { 'Content-Type': 'application/xml' });
    expect(other.status).toBe(415);
    // A form type is what a foreign page may post without asking: refused before the route.
    expect((await post('x', { 'Content-Type': 'text/plain' })).status).toBe(403);
  });
});

describe('body limit', () => {
  it('answers 413 when the (inflated) body is over the limit', async () => {
    const { default: express } = await import('express');
    const { errorMiddleware } = await import('../http/errorMiddleware.ts');
    const { tracesRoutes } = await import('./traces.routes.ts');
    const { LiveTraces } = await import('./live.service.ts');
    const small = express();
    small.use(tracesRoutes(new LiveTraces(store, 0), 1024));
    small.use(errorMiddleware({ info: () => undefined, error: () => undefined }));
    const srv = small.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => srv.once('listening', () => resolve()));
    const big = JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(4096) });
    const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1/traces`, {
      method: 'POST',
      body: gzipSync(big),
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    const body = (await res.json()) as { error: { code: string } };
    expect(res.status, JSON.stringify(body)).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
  });
});
