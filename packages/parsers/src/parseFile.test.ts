import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord, ParsedSpan, ParseSkip } from '@kubetrail/model';
import type { PathHints } from './bundle/types.ts';
import { noPathHints } from './bundle/classifyPath.ts';
import type { FileParseOptions } from './lines/types.ts';
import { NO_YEAR_REASON, parseFile } from './parseFile.ts';
import { otlpDoc } from './lines/fixtures/otlpDoc.ts';
import { RecordRedactor } from './redact/recordRedactor.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./lines/fixtures/${name}`, import.meta.url));
const khi = fixture('khi-node-messages.txt').toString('utf8').split('\n');

const noHints = noPathHints();

interface Parsed {
  info: FileInfo;
  records: ParsedRecord[];
  spans: ParsedSpan[];
  skips: ParseSkip[];
  lines: number;
  bytes: number;
  batches: number;
}

async function parse(
  input: string | Buffer | Buffer[],
  opts: Partial<Omit<FileParseOptions, 'hints'>> & { hints?: Partial<PathHints> } = {},
): Promise<Parsed> {
  const chunks = Array.isArray(input) ? input : [Buffer.from(input)];
  const options: FileParseOptions = {
    path: 'test.log',
    mtimeMs: null,
    year: null,
    tzOffsetMinutes: 0,
    bundleReferenceNs: null,
    limits: { maxDecompressedBytes: 1 << 30, maxLineBytes: 1 << 20 },
    ...opts,
    hints: { ...noHints, ...opts.hints },
  };
  const out: Parsed = {
    info: undefined as never,
    records: [],
    spans: [],
    skips: [],
    lines: 0,
    bytes: 0,
    batches: 0,
  };
  let infos = 0;
  for await (const batch of parseFile(Readable.from(chunks), options)) {
    if (out.batches === 0) expect(batch[0]?.type).toBe('info');
    out.batches++;
    for (const e of batch) {
      switch (e.type) {
        case 'info':
          infos++;
          out.info = e.info;
          break;
        case 'record':
          out.records.push(e.record);
          break;
        case 'span':
          out.spans.push(e.span);
          break;
        case 'skip':
          out.skips.push(e.skip);
          break;
        case 'progress':
          out.lines = e.lines;
          out.bytes = e.bytes;
          break;
      }
    }
  }
  expect(infos).toBe(1);
  return out;
}

/** Every physical line is in a record or a line skip (cut-line notes are extra). */
function expectAllLinesAccounted(p: Parsed): void {
  const inRecords = p.records.reduce((n, r) => n + r.lineCount, 0);
  const skipped = p.skips.filter((s) => s.line !== null && !s.reason.startsWith('line of ')).length;
  expect(inRecords + skipped).toBe(p.lines);
}

const KLOG = [
  'I0610 11:35:40.244334       1 httplog.go:132] "HTTP" verb="POST" URI="/apis/apps/v1/namespaces/shop/deployments" latency="12.3ms" userAgent="kubectl/v1.30.0" audit-ID="5d1e3c7a" srcIP="10.0.0.7:51234" resp=201',
  'E0610 11:35:41.000001       1 handler.go:99] "Unhandled Error" err=<',
  '\tpanic: boom',
  '\t  at x',
  ' > logger="UnhandledError"',
  'goroutine 1 [running]:',
  'main.main()',
  '',
  'W0610 11:35:42.500000       1 controller.go:1] plain printf text reqID="r-123"',
].join('\n');

describe('parseFile: klog', () => {
  it('parses headers, structured pairs, multi-line values and continuation lines', async () => {
    const p = await parse(`${KLOG}\n`, { year: 2024 });
    expect(p.info).toEqual({
      path: 'test.log',
      format: 'klog',
      wrapper: 'none',
      component: 'kube-apiserver',
      node: null,
      timeRule: 'flag',
      timeEvidence: '--year 2024',
      mode: 'payload',
    });
    expect(p.records).toHaveLength(3);
    const [http, err, warn] = p.records as [ParsedRecord, ParsedRecord, ParsedRecord];
    expect(http).toMatchObject({
      line: 1,
      lineCount: 1,
      ts: 1718019340244334000n,
      severity: 'info',
      caller: 'httplog.go:132',
      message: 'HTTP',
      auditId: '5d1e3c7a',
      component: 'kube-apiserver',
    });
    expect(http.fields).toMatchObject({ verb: 'POST', resp: '201', srcIP: '10.0.0.7:51234' });
    expect(err).toMatchObject({ line: 2, lineCount: 7, severity: 'error', message: 'Unhandled Error' });
    expect(err.fields).toMatchObject({ err: 'panic: boom\n  at x', logger: 'UnhandledError' });
    expect(err.raw.split('\n')).toHaveLength(7);
    expect(warn).toMatchObject({
      line: 9,
      severity: 'warning',
      reqId: 'r-123',
      message: 'plain printf text reqID="r-123"',
    });
    expect(p.lines).toBe(9);
    expectAllLinesAccounted(p);
  });

  it('gives the same records whatever the chunking', async () => {
    const whole = await parse(`${KLOG}\n`, { year: 2024 });
    const bytes = Buffer.from(`${KLOG}\n`);
    const tiny: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) tiny.push(bytes.subarray(i, i + 7));
    const split = await parse(tiny, { year: 2024 });
    expect(split.records).toEqual(whole.records);
    expect(split.bytes).toBe(bytes.length);
  });

  it('without any year source: ts null, rule none, and one file-level note', async () => {
    const p = await parse(`${KLOG}\n`);
    expect(p.info.timeRule).toBe('none');
    expect(p.records.every((r) => r.ts === null)).toBe(true);
    expect(p.skips.filter((s) => s.line === null)).toEqual([{ line: null, reason: NO_YEAR_REASON }]);
  });

  it('takes the year nearest the bundle reference (December lines, January reference) or the mtime', async () => {
    const lines =
      'I1231 23:59:59.000000 1 kubelet.go:1] "late"\nI0101 00:00:01.000000 1 kubelet.go:1] "early"\n';
    const p = await parse(lines, { bundleReferenceNs: BigInt(Date.UTC(2025, 0, 1, 1)) * 1_000_000n });
    expect(p.info.timeRule).toBe('bundle');
    expect(p.records.map((r) => r.ts)).toEqual([
      BigInt(Date.UTC(2024, 11, 31, 23, 59, 59)) * 1_000_000n,
      BigInt(Date.UTC(2025, 0, 1, 0, 0, 1)) * 1_000_000n,
    ]);
    const m = await parse(lines, { mtimeMs: Date.UTC(2025, 0, 2) });
    expect(m.info.timeRule).toBe('mtime');
    expect(m.records[0]?.ts).toBe(BigInt(Date.UTC(2024, 11, 31, 23, 59, 59)) * 1_000_000n);
  });

  it('applies --tz to klog local times', async () => {
    const p = await parse('I0610 13:35:40.000000 1 a.go:1] x\n', { year: 2024, tzOffsetMinutes: 120 });
    expect(p.records[0]?.ts).toBe(1718019340000000000n);
  });

  it('keeps the path component and node over caller guesses', async () => {
    const p = await parse('I0610 11:35:40.000000 1 httplog.go:1] "HTTP"\n', {
      year: 2024,
      hints: { component: 'kubelet', node: 'worker-1' },
    });
    expect(p.info).toMatchObject({ component: 'kubelet', node: 'worker-1' });
    expect(p.records[0]).toMatchObject({ component: 'kubelet', node: 'worker-1' });
  });

  it('parses the real kubelet lines of the khi fixtures', async () => {
    const p = await parse(`${khi[3]}\n${khi[4]}\n`, { year: 2024 });
    expect(p.info.component).toBe('kubelet');
    expect(p.records.map((r) => r.fields?.pod)).toEqual([
      'kube-system/kube-dns-58f547fd74-swzzt',
      'kube-system/kube-dns-58f547fd74-swzzt',
    ]);
    expect(p.records[1]?.fields).toMatchObject({ containerName: 'sidecar', gracePeriod: '30' });
  });
});

describe('parseFile: wrappers', () => {
  it('CRI: joins P partials, dates klog from the wrapper, keeps other lines as text', async () => {
    const text = [
      '2024-06-10T11:35:40.244334567Z stderr P I0610 11:35:40.244334       1 schedule_one.go:286] "Successfully bound pod',
      '2024-06-10T11:35:40.244334568Z stderr F  to node" pod="shop/web-1" node="worker-2"',
      '2024-06-10T11:35:41.000000000Z stdout F plain ERROR text',
      '2024-06-10T11:35:41.100000000Z stderr F {"ts":1718019341100.5,"caller":"a.go:1","msg":"json","v":0}',
    ].join('\n');
    const p = await parse(text, { hints: { component: 'kube-scheduler', node: 'cp-1' } });
    expect(p.info).toMatchObject({
      format: 'klog',
      wrapper: 'cri',
      component: 'kube-scheduler',
      node: 'cp-1',
      timeRule: 'wrapper',
    });
    expect(p.skips).toEqual([]);
    expect(p.records.map((r) => [r.line, r.lineCount, r.format, r.severity, r.message])).toEqual([
      [1, 2, 'klog', 'info', 'Successfully bound pod to node'],
      [3, 1, 'text', 'error', 'plain ERROR text'],
      [4, 1, 'klog-json', 'info', 'json'],
    ]);
    expect(p.records[0]?.ts).toBe(1718019340244334000n);
    expect(p.records[1]?.ts).toBe(1718019341000000000n);
    expect(p.records[0]?.node).toBe('cp-1');
    expectAllLinesAccounted(p);
  });

  it('CRI and journald: klog multi-line values (tab-indented lines, " >") join their record', async () => {
    const cri = [
      '2024-06-10T11:35:40.1Z stderr F E0610 11:35:40.100000 1 a.go:1] "Dump" obj=<',
      '2024-06-10T11:35:40.1Z stderr F \tline one',
      '2024-06-10T11:35:40.1Z stderr F  > k="v"',
      '2024-06-10T11:35:40.2Z stderr F not indented: own record',
    ].join('\n');
    const p = await parse(cri);
    expect(p.records.map((r) => [r.lineCount, r.format])).toEqual([
      [3, 'klog'],
      [1, 'text'],
    ]);
    expect(p.records[0]?.fields).toEqual({ obj: 'line one', k: 'v' });
    const j = await parse(
      'Jun 10 11:35:40 w kubelet[1]: E0610 11:35:40.1 1 a.go:1] "Dump" obj=<\nJun 10 11:35:40 w kubelet[1]: \tl1\nJun 10 11:35:40 w kubelet[1]:  >\n',
      { year: 2024 },
    );
    expect(j.records.map((r) => r.lineCount)).toEqual([3]);
    expect(j.records[0]?.fields).toEqual({ obj: 'l1' });
  });

  it('CRI: a December klog line under a January wrapper gets the previous year', async () => {
    const p = await parse('2025-01-01T00:00:00.5Z stderr F I1231 23:59:59.900000 1 a.go:1] x\n');
    expect(p.records[0]?.ts).toBe(BigInt(Date.UTC(2024, 11, 31, 23, 59, 59, 900)) * 1_000_000n);
  });

  it('docker json-file: joins split lines, reports malformed ones', async () => {
    const text = [
      JSON.stringify({
        log: 'I0610 11:35:40.100000 1 kubelet.go:1] "SyncLoop',
        stream: 'stderr',
        time: '2024-06-10T11:35:40.1Z',
      }),
      JSON.stringify({ log: ' ADD"\n', stream: 'stderr', time: '2024-06-10T11:35:40.1Z' }),
      '{"log": broken',
      JSON.stringify({ log: 'hello\r\n', stream: 'stdout', time: '2024-06-10T11:35:41Z' }),
    ].join('\n');
    const p = await parse(text);
    expect(p.info).toMatchObject({
      wrapper: 'docker',
      format: 'klog',
      timeRule: 'wrapper',
      component: 'kubelet',
    });
    expect(p.records.map((r) => [r.line, r.lineCount, r.message])).toEqual([
      [1, 2, 'SyncLoop ADD'],
      [4, 1, 'hello'],
    ]);
    expect(p.skips).toEqual([{ line: 3, reason: expect.stringMatching(/^malformed JSON: /) as unknown }]);
    expectAllLinesAccounted(p);
  });

  it("journald short: markers, per-line component and node, year from the file's own header", async () => {
    const text = [
      '-- Logs begin at Mon 2024-06-10 10:00:00 UTC, end at Mon 2024-06-10 12:00:00 UTC. --',
      `Jun 10 11:35:40 worker-2 kubelet[1675]: ${khi[4]}`,
      `Jun 10 11:35:41 worker-2 containerd[1489]: ${khi[2]}`,
      'Jun 10 11:35:42 worker-2 systemd[1]: Started kubelet.service.',
      '-- Reboot --',
    ].join('\n');
    // `--year 2023` loses to the year journalctl printed in the file itself.
    const p = await parse(text, { year: 2023 });
    expect(p.info).toMatchObject({ wrapper: 'journald', format: 'klog', node: 'worker-2', timeRule: 'file' });
    expect(p.info.timeEvidence).toContain('-- Logs begin at Mon 2024-06-10');
    expect(p.records.map((r) => [r.component, r.format, r.node])).toEqual([
      ['kubelet', 'klog', 'worker-2'],
      ['containerd', 'logfmt', 'worker-2'],
      ['systemd', 'text', 'worker-2'],
    ]);
    // klog header time (Nov 19), not the journald time: the klog line says when it happened.
    expect(p.records[0]?.ts).toBe(BigInt(Date.UTC(2024, 10, 19, 22, 48, 13, 914)) * 1_000_000n + 655_000n);
    expect(p.records[1]?.ts).toBe(1704070800000000000n);
    expect(p.records[2]?.ts).toBe(BigInt(Date.UTC(2024, 5, 10, 11, 35, 42)) * 1_000_000n);
    expect(p.skips.map((s) => s.line)).toEqual([1, 5]);
    expectAllLinesAccounted(p);
  });

  it('journald short without a year: note once, times null', async () => {
    const p = await parse('Jun 10 11:35:42 worker-2 systemd[1]: Started.\n');
    expect(p.info.timeRule).toBe('none');
    expect(p.skips).toEqual([{ line: null, reason: NO_YEAR_REASON }]);
    expect(p.records[0]?.ts).toBeNull();
  });

  it('journalctl -o json: unit, host, priority and byte-array messages', async () => {
    const text = [
      JSON.stringify({
        __REALTIME_TIMESTAMP: '1718019340244334',
        _HOSTNAME: 'w-1',
        SYSLOG_IDENTIFIER: 'kubelet',
        PRIORITY: '6',
        MESSAGE: khi[3],
      }),
      JSON.stringify({
        __REALTIME_TIMESTAMP: '1718019341000000',
        _HOSTNAME: 'w-1',
        _SYSTEMD_UNIT: 'containerd.service',
        PRIORITY: '3',
        MESSAGE: [...Buffer.from('oops\n')],
      }),
    ].join('\n');
    const p = await parse(text);
    expect(p.info).toMatchObject({ wrapper: 'journald-json', node: 'w-1', timeRule: 'wrapper' });
    expect(p.records.map((r) => [r.component, r.node, r.format, r.severity, r.message.slice(0, 20)])).toEqual(
      [
        ['kubelet', 'w-1', 'klog', 'info', 'MountVolume.SetUp su'],
        ['containerd', 'w-1', 'text', 'error', 'oops'],
      ],
    );
    expect(p.records[0]?.ts).toBe(BigInt(Date.UTC(2024, 10, 19, 22, 47, 49, 358)) * 1_000_000n + 276_000n);
  });
});

describe('parseFile: other line formats', () => {
  it('component JSON with reqID / auditID / trace ids', async () => {
    const text = [
      '{"ts":1718019340244.334,"caller":"replicaset/replica_set.go:676","msg":"Finished syncing","v":4,"replicaSet":{"name":"web","namespace":"shop"},"reqID":"r-1","traceID":"abc"}',
      '{"ts":1718019340.5,"caller":"x.go:1","msg":"failed","err":"boom","auditID":"a-9"}',
    ].join('\n');
    const p = await parse(text);
    expect(p.info).toMatchObject({
      format: 'klog-json',
      timeRule: 'full',
      component: 'kube-controller-manager',
    });
    expect(p.records.map((r) => [r.severity, r.reqId, r.auditId, r.traceId, r.caller])).toEqual([
      ['debug', 'r-1', null, 'abc', 'replicaset/replica_set.go:676'],
      ['error', null, 'a-9', null, 'x.go:1'],
    ]);
    expect(p.records[0]?.fields).toMatchObject({ replicaSet: { name: 'web', namespace: 'shop' } });
  });

  it('containerd logfmt (khi fixture lines) → containerd', async () => {
    const p = await parse(`${khi.slice(0, 3).join('\n')}\n`);
    expect(p.info).toMatchObject({ format: 'logfmt', component: 'containerd', timeRule: 'full' });
    expect(p.records).toHaveLength(3);
    expect(p.records[1]?.message).toMatch(/^Stop container "eea48bce/);
  });

  it('unknown text: one record per line, simple severity, reqID from text', async () => {
    const p = await parse('starting app\n\nERROR: db down\nrequest done reqID="r-7"\n');
    expect(p.info).toMatchObject({ format: 'text', timeRule: 'none' });
    expect(p.records.map((r) => [r.line, r.severity, r.reqId])).toEqual([
      [1, 'info', null],
      [3, 'error', null],
      [4, 'info', 'r-7'],
    ]);
    expect(p.skips).toEqual([{ line: 2, reason: 'blank line' }]);
    expectAllLinesAccounted(p);
  });
});

describe('parseFile: audit logs', () => {
  it('reads audit2rbac demo.log and reports malformed lines without stopping', async () => {
    const lines = fixture('audit2rbac-demo.log').toString('utf8').trimEnd().split('\n');
    const text = [...lines.slice(0, 5), '{"kind":"Event","auditID":', '{"kind": 0}', ...lines.slice(5)].join(
      '\n',
    );
    const p = await parse(`${text}\n`, { hints: { content: 'audit' } });
    expect(p.info).toMatchObject({ format: 'audit', timeRule: 'full', component: null });
    expect(p.records).toHaveLength(37);
    expect(p.skips).toEqual([
      { line: 6, reason: expect.stringMatching(/^malformed JSON: /) as unknown },
      { line: 7, reason: 'not an audit event: no auditID' },
    ]);
    expectAllLinesAccounted(p);
  });

  it('reads a falco single-event file, also when pretty-printed', async () => {
    const one = await parse(fixture('create_deployment.json'));
    expect(one.records).toHaveLength(1);
    // No secret in it: raw is the source line, verbatim.
    expect(one.records[0]?.raw).toBe(fixture('create_deployment.json').toString('utf8').trimEnd());
    const pretty = JSON.stringify(JSON.parse(fixture('create_deployment.json').toString('utf8')), null, 2);
    const p = await parse(pretty);
    expect(p.info).toMatchObject({ format: 'audit' });
    expect(p.records[0]).toMatchObject({
      line: 1,
      lineCount: pretty.split('\n').length,
      message: 'create deployments default/nginx-deployment → 201 by minikube-user',
    });
    expect(p.records[0]?.auditId).toBe('c5be68f4-80b8-4159-adc4-76ddb195334e');
  });

  it('keeps the malformed falco sample as a searchable document, saying why', async () => {
    const p = await parse(fixture('fal_01_003.json'));
    expect(p.records.map((r) => [r.kind, r.message])).toEqual([['doc', '{"kind": 0}']]);
    expect(p.skips).toEqual([
      { line: null, reason: expect.stringContaining('(kind 0) holds no log records') as unknown },
    ]);
  });

  it('merges stages across an EventList document; the redactor then clears raw and fields', async () => {
    const base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: 'a-1',
      verb: 'create',
      user: { username: 'alice' },
      objectRef: { resource: 'secrets', namespace: 'shop', name: 'db' },
      requestReceivedTimestamp: '2024-06-10T11:35:40.100000Z',
      requestObject: { kind: 'Secret', apiVersion: 'v1', data: { password: 'aHVudGVyMg==' } },
    };
    const list = {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [
        { ...base, stage: 'RequestReceived' },
        { ...base, stage: 'ResponseComplete', responseStatus: { code: 201 } },
      ],
    };
    const p = await parse(JSON.stringify(list, null, 2));
    expect(p.records).toHaveLength(1);
    const r = p.records[0]!;
    expect(r.message).toBe('create secrets shop/db → 201 by alice');
    expect(r.lineCount).toBeGreaterThan(2);
    // Secrets are taken out where records go to the store (bundleSource), for every kind alike.
    new RecordRedactor().record(r);
    expect(JSON.stringify(r.fields)).not.toContain('aHVudGVyMg==');
    expect(r.raw).not.toContain('aHVudGVyMg==');
  });

  it('redacts secrets in the falco service-account token event raw text too', async () => {
    const p = await parse(fixture('create_service_account_token_secret.json'));
    expect(p.records).toHaveLength(1);
    expect(p.records[0]?.message).toMatch(/^create secrets test2\/default-token-7v4pb → 201/);
  });
});

describe('parseFile: Kubernetes Events and traces', () => {
  const events = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        kind: 'Event',
        metadata: { name: 'a', namespace: 'shop' },
        involvedObject: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d4b9c' },
        reason: 'SuccessfulCreate',
        message: 'Created pod: web-7d4b9c-abcde',
        source: { component: 'replicaset-controller' },
        lastTimestamp: '2024-06-10T11:35:40Z',
        type: 'Normal',
      },
      {
        kind: 'Event',
        metadata: { name: 'b', namespace: 'shop' },
        involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d4b9c-abcde' },
        reason: 'FailedMount',
        message: 'MountVolume.SetUp failed for volume "data"',
        source: { component: 'kubelet', host: 'worker-2' },
        lastTimestamp: '2024-06-10T11:37:40Z',
        type: 'Warning',
      },
    ],
  };

  it('reads a pretty-printed events.json with item line numbers', async () => {
    const text = JSON.stringify(events, null, 2);
    const p = await parse(text, { path: 'shop/events.json', hints: { content: 'events' } });
    expect(p.info).toMatchObject({ format: 'k8s-event', timeRule: 'full' });
    expect(p.records.map((r) => [r.component, r.node, r.severity, r.message])).toEqual([
      ['kube-controller-manager', null, 'info', 'SuccessfulCreate: Created pod: web-7d4b9c-abcde'],
      ['kubelet', 'worker-2', 'warning', 'FailedMount: MountVolume.SetUp failed for volume "data"'],
    ]);
    const lines = text.split('\n');
    for (const r of p.records) expect(lines[r.line - 1]?.trim()).toBe('{');
    expect(p.lines).toBe(lines.length);
  });

  it('reads a one-line List and Event-per-line files', async () => {
    expect((await parse(JSON.stringify(events))).records).toHaveLength(2);
    const perLine = events.items.map((e) => JSON.stringify(e)).join('\n');
    const p = await parse(perLine);
    expect(p.records.map((r) => r.line)).toEqual([1, 2]);
  });

  it('reads OTLP as one document and as one export request per line', async () => {
    const doc = await parse(JSON.stringify(otlpDoc, null, 2));
    expect(doc.info).toMatchObject({ format: 'otlp' });
    expect(doc.spans.map((s) => s.name)).toEqual(['HTTP POST', 'etcd']);
    // The document's wrapper lines are accounted for as envelope; one other skip remains.
    const envelope = doc.skips.filter((s) => s.reason.startsWith('JSON list envelope'));
    expect(envelope.map((s) => s.line)).toEqual([1, 2, expect.any(Number), expect.any(Number)]);
    expect(doc.skips.length - envelope.length).toBe(1);
    const perLine = await parse(`${JSON.stringify(otlpDoc)}\n${JSON.stringify(otlpDoc)}\nnot json\n`, {
      hints: { node: 'cp-9' },
    });
    expect(perLine.spans).toHaveLength(4);
    expect(perLine.spans[0]?.node).toBe('cp-1');
    expect(perLine.skips.map((s) => s.line)).toEqual([1, 2]);
    // A line that is not a document in a file of documents is kept as a log line, not dropped.
    expect(perLine.records.map((r) => [r.line, r.format, r.message])).toEqual([[3, 'text', 'not json']]);
  });
});

describe('parseFile: JSON documents stream item by item', () => {
  const ev = (i: number) => ({
    kind: 'Event',
    metadata: { name: `e${i}`, namespace: 'shop' },
    involvedObject: { kind: 'Pod', namespace: 'shop', name: `p${i}` },
    reason: 'Scheduled',
    message: `Successfully assigned shop/p${i} to worker-1`,
    source: { component: 'default-scheduler' },
    lastTimestamp: '2024-06-10T11:35:40Z',
    type: 'Normal',
  });

  it('reads a large pretty List in small chunks, in several batches', async () => {
    const text = Buffer.from(
      JSON.stringify(
        { apiVersion: 'v1', items: Array.from({ length: 3000 }, (_, i) => ev(i)), kind: 'List' },
        null,
        2,
      ),
    );
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += 4096) chunks.push(text.subarray(i, i + 4096));
    const p = await parse(chunks);
    expect(p.info.format).toBe('k8s-event');
    expect(p.records).toHaveLength(3000);
    expect(p.records[2999]?.message).toBe('Scheduled: Successfully assigned shop/p2999 to worker-1');
    expect(p.batches).toBeGreaterThan(3);
    expect(p.lines).toBe(text.toString().split('\n').length);
  });

  it('an empty events.json is a k8s-event file with no records; a List of Pods is refused', async () => {
    const empty = await parse('{\n  "apiVersion": "v1",\n  "items": [],\n  "kind": "List"\n}\n', {
      hints: { content: 'events' },
    });
    expect(empty.info.format).toBe('k8s-event');
    // No records: every line is the list's envelope, and reported as such.
    expect(empty.skips.map((s) => [s.line, s.reason.startsWith('JSON list envelope')])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
    // Items that are no Kubernetes object (no name): the document's lines are indexed, not dropped.
    const odd = await parse(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: {} }] }, null, 2),
    );
    expect(odd.info.format).toBe('text');
    expect(odd.records.every((r) => r.kind === 'doc')).toBe(true);
    expect(odd.records.map((r) => r.message)).toContain('  "apiVersion": "v1",');
    expect(odd.skips.at(-1)).toEqual({
      line: null,
      reason: expect.stringContaining('(kind "Pod") holds no log records') as unknown,
    });
  });

  it('a truncated document keeps the items read and says so', async () => {
    const text = JSON.stringify({ items: [ev(1), ev(2)] }, null, 2);
    const p = await parse(text.slice(0, text.lastIndexOf('}', text.length - 10)));
    expect(p.records).toHaveLength(1);
    expect(p.skips.at(-1)).toEqual({
      line: null,
      reason: 'truncated JSON document: brackets not closed at end of file',
    });
  });
});

describe('parseFile: bad input (SPEC §9)', () => {
  it('empty file: a file-level skip', async () => {
    const p = await parse(Buffer.alloc(0));
    expect(p.info.format).toBeNull();
    expect(p.skips).toEqual([{ line: null, reason: 'empty file' }]);
    expect(p.lines).toBe(0);
  });

  it('binary file: refused with a reason, stream drained', async () => {
    const bin = Buffer.alloc(200_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7) % 256;
    const p = await parse([bin.subarray(0, 70_000), bin.subarray(70_000)]);
    expect(p.info.format).toBeNull();
    expect(p.skips).toEqual([{ line: null, reason: 'binary file (NUL bytes)' }]);
    expect(p.bytes).toBe(200_000);
  });

  it('invalid UTF-8: decoded with replacement characters, line kept', async () => {
    const bytes = Buffer.concat([
      Buffer.from('I0610 11:35:40.000000 1 a.go:1] "bad '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('" k="v"\n'),
    ]);
    const p = await parse(bytes, { year: 2024 });
    expect(p.records).toHaveLength(1);
    expect(p.records[0]?.message).toBe('bad \uFFFD(\uFFFD');
    expect(p.records[0]?.fields).toEqual({ k: 'v' });
  });

  it('CRLF line endings are stripped', async () => {
    const p = await parse(
      'I0610 11:35:40.000000 1 a.go:1] "m" k="v"\r\nW0610 11:35:41.000000 1 a.go:1] text\r\n',
      { year: 2024 },
    );
    expect(p.records.map((r) => r.raw.endsWith('\r'))).toEqual([false, false]);
    expect(p.records[0]?.fields).toEqual({ k: 'v' });
    expect(p.records[1]?.message).toBe('text');
  });

  it('a 5 MiB line is cut at the limit and reported, the rest still parses', async () => {
    const max = 1024 * 1024;
    const big = `I0610 11:35:40.000000 1 a.go:1] "huge" v="${'x'.repeat(5 * 1024 * 1024)}"`;
    const text = Buffer.from(
      `I0610 11:35:39.000000 1 a.go:1] "before"\n${big}\nI0610 11:35:41.000000 1 a.go:1] "after"\n`,
    );
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += 65536) chunks.push(text.subarray(i, i + 65536));
    const p = await parse(chunks, {
      year: 2024,
      limits: { maxDecompressedBytes: 1 << 30, maxLineBytes: max },
    });
    expect(p.records.map((r) => r.message)).toEqual(['before', 'huge', 'after']);
    expect(p.records[1]?.raw.length).toBe(max);
    expect(p.skips).toEqual([
      { line: 2, reason: expect.stringContaining(`longer than ${max}: cut`) as unknown },
    ]);
    expect(p.lines).toBe(3);
    expect(p.batches).toBeGreaterThan(2);
  });

  it('a 5 MiB line in an audit log: cut, reported as malformed, the rest parses', async () => {
    const good = fixture('create_secret.json').toString('utf8').trim();
    const big = `{"kind":"Event","auditID":"big","stage":"ResponseComplete","verb":"get","x":"${'y'.repeat(5 << 20)}"}`;
    const p = await parse(`${good}\n${big}\n${good}\n`, { hints: { content: 'audit' } });
    expect(p.records).toHaveLength(2);
    expect(p.skips.map((s) => s.line)).toEqual([2, 2]);
    expect(p.skips[1]?.reason).toMatch(/^malformed JSON/);
  });

  it('a stray non-klog line in a klog file continues the previous record, and before any record is text', async () => {
    const p = await parse('some banner\nI0610 11:35:40.000000 1 a.go:1] "m"\nstray\n', { year: 2024 });
    expect(p.records.map((r) => [r.format, r.lineCount])).toEqual([
      ['text', 1],
      ['klog', 2],
    ]);
  });

  it('yields many batches for a large file, each ending in progress', async () => {
    const line = 'I0610 11:35:40.000000 1 a.go:1] "m" k="v"\n';
    const p = await parse(Buffer.from(line.repeat(5000)), { year: 2024 });
    expect(p.records).toHaveLength(5000);
    expect(p.batches).toBeGreaterThan(4);
    expect(p.lines).toBe(5000);
    expectAllLinesAccounted(p);
  });
});
