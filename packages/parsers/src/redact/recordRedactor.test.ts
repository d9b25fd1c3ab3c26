import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedRecord, ParsedSpan } from '@kubetrail/model';
import { AuditMerger, auditFieldsFromRaw } from '../lines/auditEvent.ts';
import { mayHoldSecret, REDACTED } from './credentialText.ts';
import { RecordRedactor } from './recordRedactor.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../lines/fixtures/${name}`, import.meta.url), 'utf8');

const PASSWORD_B64 = 'aHVudGVyMnplYnJhNDI=';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b21iYXQifQ.c2lnbmF0dXJl';

/** A record as the line pipeline makes it for a line of text (message = raw). */
const textRecord = (raw: string, fields: Record<string, unknown> | null = null): ParsedRecord => ({
  line: 1,
  lineCount: 1,
  ts: null,
  severity: 'info',
  kind: 'log',
  format: 'text',
  component: null,
  node: null,
  caller: null,
  message: raw,
  fields,
  raw,
  reqId: null,
  auditId: null,
  traceId: null,
  spanId: null,
});

/** An audit record of one event line, as AuditMerger makes it (fields rebuilt from raw when it can). */
const auditRecord = (ev: Record<string, unknown>): ParsedRecord => {
  const text = JSON.stringify(ev);
  const [r] = new AuditMerger(1 << 20).add(JSON.parse(text) as Record<string, unknown>, 1, 1, text);
  return r!;
};

/** Everything that is stored of a record, as one string. */
const stored = (r: ParsedRecord): string =>
  `${r.raw}\n${r.message}\n${JSON.stringify(r.fields)}\n${JSON.stringify(r.fieldsInRaw ? auditFieldsFromRaw(r.raw) : null)}`;

const event = (resource: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: `id-${resource}`,
  stage: 'ResponseComplete',
  verb: 'patch',
  requestURI: `/api/v1/namespaces/shop/${resource}/x`,
  objectRef: { resource, namespace: 'shop', name: 'x', apiVersion: 'v1' },
  user: { username: 'alice' },
  requestReceivedTimestamp: '2024-06-10T11:35:40.000000Z',
  stageTimestamp: '2024-06-10T11:35:40.000000Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  ...extra,
});

describe('RecordRedactor: Secrets in audit bodies, by what the request is about', () => {
  const redact = (ev: Record<string, unknown>): ParsedRecord => new RecordRedactor().record(auditRecord(ev));

  it('the strategic-merge patch kubectl apply sends for an existing Secret (data and last-applied)', () => {
    const r = redact(
      event('secrets', {
        requestObject: {
          data: { password: PASSWORD_B64 },
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': `{"apiVersion":"v1","data":{"password":"${PASSWORD_B64}"},"kind":"Secret"}`,
            },
          },
        },
      }),
    );
    expect(stored(r)).not.toContain(PASSWORD_B64);
    expect(r.fieldsInRaw).toBe(true);
    const f = auditFieldsFromRaw(r.raw) as { requestObject: { data: Record<string, string> } };
    expect(f.requestObject.data).toEqual({ password: REDACTED });
  });

  it('JSON patches on /data/…', () => {
    const r = redact(
      event('secrets', {
        requestObject: [
          { op: 'replace', path: '/data/password', value: PASSWORD_B64 },
          { op: 'add', path: '/data', value: { token: PASSWORD_B64 } },
        ],
      }),
    );
    expect(stored(r)).not.toContain(PASSWORD_B64);
    expect(r.raw).toContain('"path":"/data/password"');
  });

  it('list responses (items carry no kind), Table rows with includeObject, watch events', () => {
    const list = redact(
      event('secrets', {
        verb: 'list',
        responseObject: {
          kind: 'SecretList',
          items: [{ metadata: { name: 'a' }, data: { k: PASSWORD_B64 } }],
        },
      }),
    );
    expect(stored(list)).not.toContain(PASSWORD_B64);
    expect(list.raw).toContain('"name":"a"');
    const table = redact(
      event('secrets', {
        verb: 'list',
        responseObject: {
          kind: 'Table',
          apiVersion: 'meta.k8s.io/v1',
          rows: [
            {
              cells: ['a', 'Opaque', 1, '5d'],
              object: { metadata: { name: 'a' }, data: { k: PASSWORD_B64 } },
            },
          ],
        },
      }),
    );
    expect(stored(table)).not.toContain(PASSWORD_B64);
    const watch = new RecordRedactor().record(
      textRecord(
        JSON.stringify({
          type: 'ADDED',
          object: { kind: 'Secret', metadata: { name: 'a' }, data: { k: PASSWORD_B64 } },
        }),
        { type: 'ADDED', object: { kind: 'Secret', metadata: { name: 'a' }, data: { k: PASSWORD_B64 } } },
      ),
    );
    expect(stored(watch)).not.toContain(PASSWORD_B64);
    expect(watch.raw).toContain('"name":"a"');
  });

  it('an escaped "\\u0053ecret" and "\\u0073ecrets"', () => {
    const text = JSON.stringify(
      event('configmaps', { requestObject: { kind: 'Secret', data: { k: PASSWORD_B64 } } }),
    ).replace('"Secret"', '"\\u0053ecret"');
    expect(mayHoldSecret(text.replace(/secret/gi, 'x').replace('\\u0053ecret', '\\u0053ecret'))).toBe(true);
    const [rec] = new AuditMerger(1 << 20).add(JSON.parse(text) as Record<string, unknown>, 1, 1, text);
    const r = new RecordRedactor().record(rec!);
    expect(stored(r)).not.toContain(PASSWORD_B64);
    const byResource = JSON.stringify(
      event('secrets', { requestObject: { data: { k: PASSWORD_B64 } } }),
    ).replace('"secrets"', '"\\u0073ecrets"');
    const [rec2] = new AuditMerger(1 << 20).add(
      JSON.parse(byResource) as Record<string, unknown>,
      1,
      1,
      byResource,
    );
    expect(stored(new RecordRedactor().record(rec2!))).not.toContain(PASSWORD_B64);
  });

  it('TokenReview and TokenRequest tokens', () => {
    const review = redact(
      event('tokenreviews', {
        verb: 'create',
        requestObject: { kind: 'TokenReview', spec: { token: JWT } },
        responseObject: {
          kind: 'TokenReview',
          spec: { token: 'opaque-token-123' },
          status: { authenticated: true },
        },
      }),
    );
    expect(stored(review)).not.toContain(JWT);
    expect(stored(review)).not.toContain('opaque-token-123');
    const request = redact(
      event('serviceaccounts', {
        verb: 'create',
        objectRef: { resource: 'serviceaccounts', subresource: 'token', name: 'web', namespace: 'shop' },
        responseObject: {
          kind: 'TokenRequest',
          status: { token: 'issued-token-456', expirationTimestamp: 'x' },
        },
      }),
    );
    expect(stored(request)).not.toContain('issued-token-456');
    expect(request.raw).toContain('"expirationTimestamp":"x"');
  });

  it('keeps ConfigMap data (only Secrets are secret), from the falco sample', () => {
    const line = fixture('create_configmap_sensitive_values.json').split('\n')[0]!;
    const [rec] = new AuditMerger(1 << 20).add(JSON.parse(line) as Record<string, unknown>, 1, 1, line);
    const r = new RecordRedactor().record(rec!);
    expect(r.raw).toContain('aws_secret_access_key = MY-KEY');
  });

  it('keeps the falco create_secret sample (Metadata level: no body) as written', () => {
    const line = fixture('create_secret.json').split('\n')[0]!;
    const [rec] = new AuditMerger(1 << 20).add(JSON.parse(line) as Record<string, unknown>, 1, 1, line);
    const r = new RecordRedactor().record(rec!);
    expect(r.raw).toBe(line);
  });
});

describe('RecordRedactor: credentials anywhere', () => {
  it('Authorization and bearer in any case, also nested deeper than 64 levels', () => {
    let deep: Record<string, unknown> = { Authorization: 'Bearer deep-token-1' };
    for (let i = 0; i < 100; i++) deep = { a: deep };
    const raw = JSON.stringify({ msg: 'x', ts: 1, deep });
    const r = new RecordRedactor().record(textRecord(raw, JSON.parse(raw) as Record<string, unknown>));
    expect(stored(r)).not.toContain('deep-token-1');
    for (const line of [
      'I0610 11:35:40.000000 1 x.go:1] calling api authorization: bearer low-token-2',
      'curl -H "AUTHORIZATION: BEARER up-token-3" https://x',
      'header Authorization=Basic dXNlcjpwYXNzd29yZA==',
      'ws subprotocol base64url.bearer.authorization.k8s.io.c2VjcmV0LXRva2Vu',
      `token is ${JWT} ok`,
      'GET /api?watch=1&token=query-token-4',
      'password=plain-pass-5 user=bob',
    ]) {
      const r2 = new RecordRedactor().record(textRecord(line));
      for (const s of [
        'low-token-2',
        'up-token-3',
        'dXNlcjpwYXNzd29yZA==',
        'c2VjcmV0LXRva2Vu',
        JWT,
        'query-token-4',
        'plain-pass-5',
      ])
        expect(r2.raw, line).not.toContain(s);
      expect(r2.raw, line).toContain(REDACTED);
    }
  });

  it('scrubs values found in parsed fields from text it cannot rebuild (a CRI-wrapped klog line)', () => {
    const raw =
      '2024-06-10T11:35:40.000000000Z stderr F I0610 11:35:40 1 x.go:1] "login" bearerToken="s3cr3t-v4lue"';
    const r = new RecordRedactor().record({
      ...textRecord(raw, { bearerToken: 's3cr3t-v4lue' }),
      message: '"login" bearerToken="s3cr3t-v4lue"',
      format: 'klog',
    });
    expect(stored(r)).not.toContain('s3cr3t-v4lue');
  });

  it('leaves ordinary lines alone, the same strings (no copy)', () => {
    const raw =
      'I0610 11:35:40.244334 1 schedule_one.go:286] "Successfully bound pod to node" pod="shop/web-1"';
    const rec = textRecord(raw);
    const r = new RecordRedactor().record(rec);
    expect(r.raw).toBe(raw);
    expect(mayHoldSecret(raw)).toBe(false);
    expect(
      mayHoldSecret('{"annotations":{"authorization.k8s.io/decision":"allow"},"uri":"/a?b=1\\u0026c=2"}'),
    ).toBe(false);
    for (const t of ['"\\u0042earer x"', 'SECRET', 'x-api-key', 'Cookie: a', '"passwd"'])
      expect(mayHoldSecret(t), t).toBe(true);
  });

  it('redacts credentials in span attributes, events and names', () => {
    const span: ParsedSpan = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: null,
      name: 'GET /x?token=span-token-1',
      service: 'apiserver',
      component: 'kube-apiserver',
      node: null,
      start: 1n,
      end: 2n,
      statusCode: 'unset',
      statusMessage: 'Authorization: Bearer span-token-2',
      attributes: { 'http.request.header.authorization': ['Bearer span-token-3'], 'http.method': 'GET' },
      resource: { 'service.name': 'apiserver' },
      events: [{ name: 'e', ts: 1n, attributes: { note: 'bearer span-token-4' } }],
      auditId: null,
    };
    const out = JSON.stringify(new RecordRedactor().span(span), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    for (const s of ['span-token-1', 'span-token-2', 'span-token-3', 'span-token-4'])
      expect(out).not.toContain(s);
    expect(out).toContain('"http.method":"GET"');
  });
});

describe('RecordRedactor: Secrets printed as text, line by line', () => {
  const lines = (text: string): string[] => {
    const redactor = new RecordRedactor();
    return text.split('\n').map((l) => redactor.record(textRecord(l)).raw);
  };

  it('a pretty-printed secrets.json (data comes before kind)', () => {
    const out = lines(
      JSON.stringify(
        {
          apiVersion: 'v1',
          items: [
            {
              apiVersion: 'v1',
              data: { password: PASSWORD_B64, user: 'YWRtaW4=' },
              kind: 'Secret',
              metadata: { name: 'db' },
            },
          ],
          kind: 'List',
        },
        null,
        2,
      ),
    ).join('\n');
    expect(out).not.toContain(PASSWORD_B64);
    expect(out).not.toContain('YWRtaW4=');
    expect(out).toContain('"name": "db"');
    expect(out).toContain('"password": "[REDACTED]"');
  });

  it('kubectl get secret -o yaml, and the lines after the block are kept', () => {
    const out = lines(
      [
        'apiVersion: v1',
        'data:',
        `  password: ${PASSWORD_B64}`,
        '  user: YWRtaW4=',
        'kind: Secret',
        'metadata:',
        '  name: db',
      ].join('\n'),
    ).join('\n');
    expect(out).not.toContain(PASSWORD_B64);
    expect(out).not.toContain('YWRtaW4=');
    expect(out).toContain('  name: db');
    expect(out).toContain('kind: Secret');
  });
});

describe('RecordRedactor.text', () => {
  it('redacts what a skip reason quotes of the input', () => {
    const r = new RecordRedactor();
    expect(r.text('not an audit event: kind "Bearer reasontoken1"')).toBe(
      'not an audit event: kind "Bearer [REDACTED]"',
    );
    expect(r.text('malformed JSON: Unexpected token')).toBe('malformed JSON: Unexpected token');
  });
});
