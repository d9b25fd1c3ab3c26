/**
 * Real audit logs from ../shared/corpus (see its SOURCES.md): audit2rbac's demo (Metadata level,
 * impersonation, 403s) and falco's single-event captures (Request level, v1beta1-era fields).
 * Records are built here from the JSON directly so these tests do not depend on the parsers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredRecord } from '@kubetrail/model';
import { parseRfc3339Ns, RequestSchema } from '@kubetrail/model';
import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.ts';
import { collectingSink, memorySource } from './memorySource.ts';

// ../shared/corpus beside the repository (CI), else the workplace's copy.
const CORPUS =
  [fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url)), '/work/shared/corpus/'].find((d) =>
    existsSync(d),
  ) ?? '/nonexistent/';

function auditRecords(texts: string[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof e['auditID'] !== 'string') continue; // falco's deliberately malformed sample
      const meta = e['metadata'] as Record<string, unknown> | undefined;
      const when = [e['requestReceivedTimestamp'], e['timestamp'], meta?.['creationTimestamp']].find(
        (x) => typeof x === 'string',
      );
      out.push({
        id: out.length + 1,
        fileId: 1,
        ts: parseRfc3339Ns(when as string),
        severity: 'info',
        kind: 'audit',
        format: 'audit',
        component: 'kube-apiserver',
        node: null,
        caller: null,
        message: String(e['verb']),
        fields: e,
        reqId: null,
        auditId: e['auditID'],
        traceId: null,
        spanId: null,
      });
    }
  }
  return out;
}

describe.skipIf(!existsSync(CORPUS))('real corpus', () => {
  it('audit2rbac demo: users with the impersonated user, 403s rejected', () => {
    const recs = auditRecords([readFileSync(join(CORPUS, 'audit2rbac/demo.log'), 'utf8')]);
    const sink = collectingSink();
    const { requests } = correlate(memorySource(recs), sink);
    for (const r of requests) RequestSchema.parse(r);
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.every((r) => r.user === 'system:admin')).toBe(true);
    expect(new Set(requests.map((r) => r.impersonatedUser))).toEqual(
      new Set(['bob', 'alice', 'system:serviceaccount:ns1:sa1']),
    );
    const first = requests[0]!;
    expect(first).toMatchObject({
      reqId: '033d17af-082d-4b24-aa22-627752e83d71',
      outcome: 'rejected',
      code: 403,
    });
    expect(first.targets[0]!.stoppedAt).toMatchObject({
      stage: 'api-accepted',
      reason: 'pods is forbidden: User "bob" cannot list pods in the namespace "default"',
    });
    // Every request here is a refused read; successful reads make the cluster do nothing.
    expect(requests.every((r) => r.outcome === 'rejected')).toBe(true);
    expect(requests.find((r) => r.reqId === '719a5b90-e21b-44a2-94ec-67e16493dad6')).toBeUndefined();
    const all = correlate(memorySource(recs), collectingSink(), { readOnly: 'all' }).requests;
    expect(all.find((r) => r.reqId === '719a5b90-e21b-44a2-94ec-67e16493dad6')?.outcome).toBe('complete');
    // Every record that made it into a request is linked exactly once.
    const ids = sink.links.map((l) => l.recordId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('falco captures: user requests only, controllers are not requests', () => {
    const dir = join(CORPUS, 'falco-k8s-audit');
    const recs = auditRecords(
      readdirSync(dir)
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8')),
    );
    const { requests } = correlate(memorySource(recs), collectingSink());
    for (const r of requests) RequestSchema.parse(r);
    expect(requests.some((r) => r.user?.startsWith('system:serviceaccount:kube-system:'))).toBe(false);
    expect(requests.some((r) => r.user?.startsWith('system:node:'))).toBe(false);
    const deploy = requests.find((r) =>
      r.targets.some((t) => t.resource === 'deployments' && t.verb === 'create'),
    );
    expect(deploy?.targets[0]).toMatchObject({
      operation: 'create-deployment',
      namespace: 'default',
      name: 'nginx-deployment',
    });
    // Only the API call is in these captures: the ladder cannot finish.
    expect(deploy?.outcome).toBe('incomplete');
    expect(deploy?.targets[0]!.stoppedAt?.stage).toBe('replicaset-created');
    const exec = requests.find((r) => r.targets.some((t) => t.resource === 'pods/exec'));
    expect(exec?.outcome).toBe('complete');
    const anon = requests.find((r) => r.user === 'system:anonymous');
    expect(anon?.targets[0]).toMatchObject({ verb: 'create', resource: 'namespaces', name: 'foo' });
  });
});
