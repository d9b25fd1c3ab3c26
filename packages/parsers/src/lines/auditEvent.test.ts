import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AuditMerger,
  auditFieldsFromRaw,
  auditSummary,
  isAuditEvent,
  MAX_EVENTS_PER_RECORD,
  notAuditReason,
} from './auditEvent.ts';
import { RecordRedactor } from '../redact/recordRedactor.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const json = (s: string): Record<string, unknown> => JSON.parse(s) as Record<string, unknown>;

describe('audit events', () => {
  it('reads every line of audit2rbac demo.log (v1, Metadata level, impersonation, 403)', () => {
    const lines = fixture('audit2rbac-demo.log').split('\n').filter(Boolean);
    const m = new AuditMerger(1 << 20);
    const records = lines.flatMap((l, i) => m.add(json(l), i + 1, 1)).concat(m.flush());
    expect(records).toHaveLength(37);
    const first = records[0]!;
    expect(first.auditId).toBe('033d17af-082d-4b24-aa22-627752e83d71');
    expect(first.ts).toBe(1505159705000000000n); // v1 of 2017 has `timestamp` only
    expect(first.severity).toBe('warning');
    expect(first.message).toBe('list pods in default → 403 by system:admin as bob');
    expect(first.kind).toBe('audit');
  });

  it('reads v1beta1-era single events from falco (requestReceivedTimestamp, Request level)', () => {
    const ev = json(fixture('create_deployment.json'));
    expect(isAuditEvent(ev)).toBe(true);
    const [r] = new AuditMerger(1 << 20).add(ev, 1, 1);
    expect(r!.ts).toBe(1540559256905144000n);
    expect(r!.message).toBe('create deployments default/nginx-deployment → 201 by minikube-user');
    expect((r!.fields as { requestObject: { kind: string } }).requestObject.kind).toBe('Deployment');
  });

  it('explains why the malformed falco sample is not an audit event', () => {
    const v = json(fixture('fal_01_003.json'));
    expect(isAuditEvent(v)).toBe(false);
    expect(notAuditReason(v)).toBe('not an audit event: no auditID');
  });

  it('merges the stages of one audit ID into one record', () => {
    const base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: 'a-1',
      verb: 'create',
      requestURI: '/apis/apps/v1/namespaces/shop/deployments',
      user: { username: 'alice' },
      objectRef: { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps' },
      requestReceivedTimestamp: '2024-06-10T11:35:40.100000Z',
    };
    const m = new AuditMerger(1 << 20);
    expect(
      m.add({ ...base, stage: 'RequestReceived', stageTimestamp: '2024-06-10T11:35:40.100000Z' }, 1, 1),
    ).toEqual([]);
    expect(m.add({ ...base, auditID: 'other', stage: 'RequestReceived' }, 2, 1)).toEqual([]);
    const [r] = m.add(
      {
        ...base,
        stage: 'ResponseComplete',
        stageTimestamp: '2024-06-10T11:35:40.120000Z',
        responseStatus: { code: 500 },
      },
      3,
      1,
    );
    expect(r).toMatchObject({ line: 1, lineCount: 2, severity: 'error', auditId: 'a-1' });
    expect(r!.message).toBe('create deployments shop/web → 500 by alice');
    expect(r!.fields).toMatchObject({
      stage: 'ResponseComplete',
      stages: ['RequestReceived', 'ResponseComplete'],
      stageTimestamps: {
        RequestReceived: '2024-06-10T11:35:40.100000Z',
        ResponseComplete: '2024-06-10T11:35:40.120000Z',
      },
      responseStatus: { code: 500 },
    });
    // The unfinished one comes out at the end of the file.
    const left = m.flush();
    expect(left.map((x) => [x.auditId, x.message])).toEqual([
      ['other', 'create deployments shop/web → … by alice'],
    ]);
  });

  it('bounds the buffer of unfinished events', () => {
    const m = new AuditMerger(1 << 20, 2);
    const ev = (id: string) => ({ auditID: id, stage: 'RequestReceived', verb: 'get' });
    expect(m.add(ev('1'), 1, 1)).toEqual([]);
    expect(m.add(ev('2'), 2, 1)).toEqual([]);
    expect(m.add(ev('3'), 3, 1).map((r) => r.auditId)).toEqual(['1']);
    expect(m.flush().map((r) => r.auditId)).toEqual(['2', '3']);
  });

  it('marks Panic as error and takes a reqID from the annotations', () => {
    const [r] = new AuditMerger(100).add(
      { auditID: 'p', stage: 'Panic', verb: 'get', annotations: { 'example.com/reqID': 'r-9' } },
      1,
      1,
    );
    expect(r).toMatchObject({ severity: 'error', reqId: 'r-9' });
    expect(r!.message).toBe('get ? → panic by ?');
    expect(r!.raw.length).toBeLessThanOrEqual(100);
  });
});

describe('auditFieldsFromRaw', () => {
  const stages = (ev: Record<string, unknown>): string[] => [
    JSON.stringify({ ...ev, stage: 'RequestReceived', stageTimestamp: '2024-06-10T11:35:40.100000Z' }),
    JSON.stringify({
      ...ev,
      stage: 'ResponseComplete',
      stageTimestamp: '2024-06-10T11:35:40.120000Z',
      responseStatus: { metadata: {}, code: 201 },
      responseObject: { ...(ev.requestObject as object), metadata: { name: 's', uid: 'u-1' } },
    }),
  ];
  const merge = (lines: string[], cap = 1 << 20) => {
    const m = new AuditMerger(cap);
    return lines.flatMap((l, i) => m.add(json(l), i + 1, 1, l)).concat(m.flush());
  };

  it('rebuilds the merged event from the raw stage lines, also once they are redacted', () => {
    const base = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'RequestResponse',
      auditID: 'a-9',
      verb: 'create',
      user: { username: 'alice' },
      objectRef: { resource: 'secrets', namespace: 'shop', name: 's' },
      requestReceivedTimestamp: '2024-06-10T11:35:40.100000Z',
      requestObject: { kind: 'Secret', apiVersion: 'v1', data: { password: 'aHVudGVyMg==' } },
    };
    for (const ev of [
      base,
      { ...base, objectRef: { resource: 'configmaps', name: 'c' }, requestObject: {} },
    ]) {
      const [merged] = merge(stages(ev));
      expect(merged!.fieldsInRaw).toBe(true);
      expect(auditFieldsFromRaw(merged!.raw)).toEqual(merged!.fields);
      // The store keeps only `raw`: redacted stage lines rebuild the redacted event.
      const r = new RecordRedactor().record(merged!);
      expect(r.raw).not.toContain('aHVudGVyMg==');
      expect(auditFieldsFromRaw(r.raw)).toEqual(r.fields);
    }
  });

  it('rebuilds every record of a real audit log (audit2rbac demo.log)', () => {
    const lines = fixture('audit2rbac-demo.log').split('\n').filter(Boolean);
    const records = merge(lines);
    expect(records.every((r) => r.fieldsInRaw === true)).toBe(true);
    for (const r of records) expect(auditFieldsFromRaw(r.raw)).toEqual(r.fields);
  });

  it('keeps fields when the raw text cannot rebuild them (multi-line JSON, capped text)', () => {
    const pretty = JSON.stringify(json(fixture('create_deployment.json')), null, 2);
    const [multi] = new AuditMerger(1 << 20).add(json(pretty), 1, 40, pretty);
    expect(multi!.fieldsInRaw).toBeUndefined();
    const line = fixture('create_deployment.json').trim();
    const [capped] = new AuditMerger(100).add(json(line), 1, 1, line.slice(0, 100));
    expect(capped!.fieldsInRaw).toBeUndefined();
    expect(auditFieldsFromRaw('{"truncated":')).toBeNull();
    expect(auditFieldsFromRaw('{"kind":"Pod"}')).toBeNull();
  });
});

describe('auditSummary', () => {
  it('uses the request URI when there is no objectRef', () => {
    expect(
      auditSummary({
        verb: 'get',
        requestURI: '/healthz',
        responseStatus: { code: 200 },
        user: { username: 'u' },
      }),
    ).toBe('get /healthz → 200 by u');
  });
});

describe('AuditMerger bounds the work per audit ID', () => {
  const stage = (i: number): Record<string, unknown> => ({
    kind: 'Event',
    auditID: 'same-id',
    stage: 'RequestReceived',
    verb: 'get',
    requestURI: `/api/v1/pods?n=${i}`,
    stageTimestamp: '2024-06-10T11:35:40.000000Z',
  });

  it('merges 200 000 events of one ID in linear time, in groups, losing none', () => {
    const m = new AuditMerger(1 << 20);
    const records = [];
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) records.push(...m.add(stage(i), i + 1, 1));
    records.push(...m.flush());
    // Quadratic merging took minutes (and overflowed the stack spreading 200 000 stages).
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(records.length).toBe(200_000 / MAX_EVENTS_PER_RECORD);
    expect(records.reduce((n, r) => n + r.lineCount, 0)).toBe(200_000);
    expect((records[0]!.fields as { stages: string[] }).stages).toHaveLength(MAX_EVENTS_PER_RECORD);
  });
});
