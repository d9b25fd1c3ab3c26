/**
 * Issue 12 item 1: no secret value is stored, whatever the shape that carries it. One bundle holds
 * every shape the attack found leaking (and the live OTLP receiver gets one more); for each shape,
 * its values must be absent from the SQLite files (database and WAL, byte for byte), from every
 * record the API returns (with its neighbours) and from search.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordDetail, SearchResult } from '@kubetrail/model';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, ingestPaths, type KubetrailApp } from '../index.ts';
import { listenLoopback, quietLog, rawRequest, tempDir } from './hardeningKit.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Each shape and the values it must not leak (distinct words, so search can look for them). */
const SHAPES = {
  'apply patch of an existing Secret (data and last-applied)': [
    b64('applypatchpass1'),
    b64('lastappliedpass2'),
  ],
  'JSON patch on /data/…': [b64('jsonpatchpass3'), b64('jsonpatchpass4')],
  'list secrets (items without kind)': [b64('listitempass5')],
  'Table rows with includeObject': [b64('tablerowpass6')],
  'watch events of Secrets': [b64('watchpass7')],
  'escaped \\u0053ecret and \\u0073ecrets': [b64('escapedpass8'), b64('escapedpass9')],
  'TokenRequest and TokenReview tokens': ['tokenrequestvalue10', 'tokenreviewvalue11'],
  'Authorization deeper than 64 levels': ['deepauthvalue12'],
  'bearer in any case': ['lowbearervalue13', 'upbearervalue14'],
  'a secrets.json read as text lines': [b64('prettyjsonpass15')],
  'kubectl get secret -o yaml in a text file': [b64('yamlpass16')],
  'Authorization in span attributes (bundle and live receiver)': ['spanauthvalue17', 'liveauthvalue18'],
  'a credential quoted by a skip reason (the ingest report)': ['skipreasonvalue19'],
} as const;

const audit = (id: string, extra: Record<string, unknown>): string =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/secrets/db',
    verb: 'patch',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.30.0',
    objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2024-06-10T11:35:38.100000Z',
    stageTimestamp: '2024-06-10T11:35:38.120000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...extra,
  });

function auditLog(): string {
  const s = SHAPES;
  const [apply, lastApplied] = s['apply patch of an existing Secret (data and last-applied)'];
  const [jp1, jp2] = s['JSON patch on /data/…'];
  let deep: Record<string, unknown> = {
    Authorization: `Bearer ${s['Authorization deeper than 64 levels'][0]}`,
  };
  for (let i = 0; i < 100; i++) deep = { nested: deep };
  const [esc1, esc2] = s['escaped \\u0053ecret and \\u0073ecrets'];
  const lines = [
    audit('a-1', {
      requestObject: {
        data: { password: apply },
        metadata: {
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              apiVersion: 'v1',
              kind: 'Secret',
              data: { password: lastApplied },
              metadata: { name: 'db', namespace: 'shop' },
            }),
          },
        },
      },
    }),
    audit('a-2', {
      requestObject: [
        { op: 'replace', path: '/data/password', value: jp1 },
        { op: 'add', path: '/data', value: { token: jp2 } },
      ],
    }),
    audit('a-3', {
      verb: 'list',
      requestURI: '/api/v1/namespaces/shop/secrets',
      objectRef: { resource: 'secrets', namespace: 'shop', apiVersion: 'v1' },
      responseObject: {
        kind: 'SecretList',
        apiVersion: 'v1',
        items: [{ metadata: { name: 'db' }, data: { password: s['list secrets (items without kind)'][0] } }],
      },
    }),
    audit('a-4', {
      verb: 'list',
      objectRef: { resource: 'secrets', namespace: 'shop', apiVersion: 'v1' },
      responseObject: {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        columnDefinitions: [{ name: 'Name', type: 'string' }],
        rows: [
          {
            cells: ['db', 'Opaque', 1, '5d'],
            object: {
              kind: 'Secret',
              metadata: { name: 'db' },
              data: { k: s['Table rows with includeObject'][0] },
            },
          },
        ],
      },
    }),
    // The escapes are written into the line as they would arrive (JSON.stringify would decode them).
    audit('a-5', {
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'x', apiVersion: 'v1' },
      requestObject: { kind: 'SECRET-KIND', data: { k: esc1 } },
    }).replace('"SECRET-KIND"', '"\\u0053ecret"'),
    audit('a-6', {
      objectRef: { resource: 'SECRETS-RESOURCE', namespace: 'shop', name: 'x', apiVersion: 'v1' },
      requestObject: { data: { k: esc2 } },
    }).replace('"SECRETS-RESOURCE"', '"\\u0073ecrets"'),
    audit('a-7', {
      verb: 'create',
      objectRef: {
        resource: 'serviceaccounts',
        subresource: 'token',
        namespace: 'shop',
        name: 'web',
        apiVersion: 'v1',
      },
      responseObject: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        status: {
          token: s['TokenRequest and TokenReview tokens'][0],
          expirationTimestamp: '2024-06-10T12:35:38Z',
        },
      },
    }),
    audit('a-8', {
      verb: 'create',
      objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
      requestObject: { kind: 'TokenReview', spec: { token: s['TokenRequest and TokenReview tokens'][1] } },
    }),
    audit('a-9', {
      verb: 'create',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'deep', apiVersion: 'v1' },
      requestObject: { kind: 'ConfigMap', metadata: { name: 'deep' }, deep },
    }),
    // Not an audit event: its skip reason quotes the kind.
    JSON.stringify({
      kind: `Bearer ${s['a credential quoted by a skip reason (the ingest report)'][0]}`,
      auditID: 'z-1',
    }),
  ];
  return `${lines.join('\n')}\n`;
}

describe('secrets are redacted before anything is stored, in every shape', () => {
  const tmp = tempDir('secrets');
  const dbFile = join(tmp.dir, 'db', 'kubetrail.db');
  let store: Store;
  let app: KubetrailApp;
  let port = 0;
  let close: () => Promise<void> = () => Promise.resolve();
  let bundleId = '';
  let records = 0;

  beforeAll(async () => {
    const root = join(tmp.dir, 'bundle');
    const dir = (p: string): string => {
      mkdirSync(join(root, p), { recursive: true });
      return join(root, p);
    };
    writeFileSync(join(dir('kind-control-plane/kubernetes'), 'kube-apiserver-audit.log'), auditLog());
    const watchSecret = SHAPES['watch events of Secrets'][0];
    writeFileSync(
      join(dir('kind-worker'), 'secret-watch.log'),
      [
        {
          type: 'ADDED',
          object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm' }, data: { a: 'b' } },
        },
        {
          type: 'ADDED',
          object: {
            kind: 'Secret',
            apiVersion: 'v1',
            metadata: { name: 'db', namespace: 'shop' },
            data: { password: watchSecret },
          },
        },
      ]
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
    const [low, up] = SHAPES['bearer in any case'];
    writeFileSync(
      join(dir('kind-worker'), 'kubelet.log'),
      [
        'I0610 11:35:40.244334    2301 kubelet.go:2345] "SyncLoop ADD" source="api"',
        `I0610 11:35:41.244334    2301 client.go:12] calling registry with authorization: bearer ${low}`,
        `E0610 11:35:42.244334    2301 client.go:13] retry failed: header "AUTHORIZATION: BEARER ${up}"`,
        '',
      ].join('\n'),
    );
    // A pretty-printed `kubectl get secret db -o json`, cut short: not one JSON document, so read
    // as lines, and `data` comes before `kind`.
    const pretty = JSON.stringify(
      {
        apiVersion: 'v1',
        data: { password: SHAPES['a secrets.json read as text lines'][0], user: b64('admin') },
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        type: 'Opaque',
      },
      null,
      4,
    );
    writeFileSync(
      join(dir('cluster-dump/shop'), 'secrets.json'),
      pretty.slice(0, pretty.lastIndexOf('"type"')),
    );
    writeFileSync(
      join(dir('notes'), 'secret.yaml.txt'),
      [
        'apiVersion: v1',
        'data:',
        `  password: ${SHAPES['kubectl get secret -o yaml in a text file'][0]}`,
        'kind: Secret',
        'metadata:',
        '  name: db',
        '',
      ].join('\n'),
    );
    const span = (value: string, traceByte: string) => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'apiserver' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: traceByte.repeat(32),
                  spanId: traceByte.repeat(16),
                  name: 'HTTP GET',
                  startTimeUnixNano: '1718019340100000000',
                  endTimeUnixNano: '1718019340120000000',
                  attributes: [
                    {
                      key: 'http.request.header.authorization',
                      value: { arrayValue: { values: [{ stringValue: `Bearer ${value}` }] } },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const spansShape = SHAPES['Authorization in span attributes (bundle and live receiver)'];
    writeFileSync(
      join(dir('kind-control-plane/traces'), 'apiserver.otlp.jsonl'),
      `${JSON.stringify(span(spansShape[0], 'a'))}\n`,
    );

    store = openStore(dbFile);
    const r = await ingestPaths(store, [root], { name: 'secrets' });
    expect(r.status, r.error ?? '').toBe('ready');
    bundleId = r.bundleId;
    records = r.report.totals.records;
    expect(r.report.totals.spans).toBe(1);
    app = createApp({ store, log: quietLog, ingestDir: join(tmp.dir, 'uploads'), liveDebounceMs: 10 });
    ({ port, close } = await listenLoopback(app));
    const live = await rawRequest(port, 'POST', '/v1/traces', {
      body: JSON.stringify(span(spansShape[1], 'b')),
      headers: { 'content-type': 'application/json' },
    });
    expect(live.status, live.text).toBe(200);
    app.locals.live.flush();
  }, 60_000);

  afterAll(async () => {
    await close();
    store?.close();
    tmp.remove();
  });

  /** Every record the API serves (each with its neighbours), as text. */
  async function apiText(): Promise<string> {
    const parts: string[] = [];
    for (let id = 0; id < records; id++) {
      const res = await rawRequest(port, 'GET', `/api/bundles/${bundleId}/records/${id}`);
      expect(res.status).toBe(200);
      const detail = JSON.parse(res.text) as RecordDetail;
      expect(detail.record.id).toBe(id);
      parts.push(res.text);
    }
    for (const b of ['live', bundleId]) {
      const reqs = JSON.parse((await rawRequest(port, 'GET', `/api/bundles/${b}/requests`)).text) as {
        requests: { reqId: string }[];
      };
      for (const r of reqs.requests)
        parts.push((await rawRequest(port, 'GET', `/api/bundles/${b}/requests/${r.reqId}/timeline`)).text);
    }
    parts.push((await rawRequest(port, 'GET', `/api/bundles/${bundleId}`)).text);
    return parts.join('\n');
  }

  it('stores every shape: the records are there, only their secrets are not', async () => {
    const text = await apiText();
    expect(text).toContain('[REDACTED]');
    for (const kept of [
      '"resource":"secrets"',
      '"path":"/data/password"',
      'SecretList',
      'TokenRequest',
      'calling registry',
    ])
      expect(text, kept).toContain(kept);
  });

  it.each(Object.entries(SHAPES))('%s', async (_shape, values) => {
    store.db.pragma('wal_checkpoint(PASSIVE)');
    const files = [readFileSync(dbFile), readFileSync(`${dbFile}-wal`, { flag: 'a+' })];
    const api = await apiText();
    for (const v of values) {
      for (const f of files) expect(f.includes(Buffer.from(v)), `${v} in the SQLite file`).toBe(false);
      expect(api, `${v} from the API`).not.toContain(v);
      for (const b of [bundleId, 'live']) {
        const res = await rawRequest(port, 'GET', `/api/bundles/${b}/records?q=${encodeURIComponent(v)}`);
        expect(res.status).toBe(200);
        expect((JSON.parse(res.text) as SearchResult).total, `${v} by search`).toBe(0);
      }
    }
  });
});
