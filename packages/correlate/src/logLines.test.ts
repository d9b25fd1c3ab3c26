import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.ts';
import { namespacedNameOfUri } from './logLines.ts';
import { collectingSink, memorySource } from './memorySource.ts';
import { happyPods, Story } from './testRecords.ts';
import { tokensOf } from './tokens.ts';

const createDeployment = (s: Story, at: number, name: string, auditID: string) =>
  s.audit(at, {
    auditID,
    verb: 'create',
    user: 'alice',
    resource: 'deployments',
    namespace: 'shop',
    name,
    code: 201,
    requestObject: { spec: { replicas: 1 } },
  });

describe('tokens', () => {
  it('splits on non-name characters, keeps ns/name pairs and drops sentence dots', () => {
    expect(tokensOf('pod="shop/web-7d4b9c5f6-abcde" to kind-worker.')).toEqual([
      'pod',
      'shop',
      'shop/web-7d4b9c5f6-abcde',
      'web-7d4b9c5f6-abcde',
      'to',
      'kind-worker',
    ]);
  });

  it('reads namespace/name from request URIs', () => {
    expect(namespacedNameOfUri('/apis/apps/v1/namespaces/shop/deployments/web/scale?x=1')).toBe('shop/web');
    expect(namespacedNameOfUri('/apis/apps/v1/namespaces/shop/deployments?fieldManager=x')).toBeNull();
    expect(namespacedNameOfUri('/api/v1/nodes/kind-worker')).toBeNull();
  });
});

describe('lines that name no object', () => {
  it('joins containerd pull lines by node and image, and the registry lines in between', () => {
    const s = new Story();
    createDeployment(s, 0, 'web', 'u1');
    happyPods(s, 10, {
      ns: 'shop',
      deploy: 'web',
      hash: '7d4b9c5f6',
      pods: ['abcde'],
      nodeName: 'kind-worker',
    });
    s.event(40, {
      reason: 'Pulling',
      message: 'Pulling image "nginx:1.25"',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-7d4b9c5f6-abcde',
    });
    const pull = s.log(41, 'containerd', 'PullImage "nginx:1.25"', null, { node: 'kind-worker' });
    const registry = s.log(
      300,
      'containerd',
      'trying next host',
      { host: 'registry-1.docker.io' },
      { node: 'kind-worker' },
    );
    const other = s.log(42, 'containerd', 'PullImage "redis:7.2"', null, { node: 'kind-worker' });
    const { byRecord } = run(s);
    expect(byRecord.get(pull.id)).toMatchObject({
      reqId: 'u1',
      evidence: 'image nginx:1.25 for pod shop/web-7d4b9c5f6-abcde',
    });
    expect(byRecord.get(registry.id)?.reqId).toBe('u1');
    expect(byRecord.has(other.id)).toBe(false);
  });

  it('continues multi-line messages and runtime follow-on lines, learning their ids', () => {
    const s = new Story();
    createDeployment(s, 0, 'web', 'u1');
    happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    const cid = 'c'.repeat(64);
    const sandbox = 'd'.repeat(64);
    s.log(500, 'kubelet', 'Killing container with a grace period', {
      pod: 'shop/web-7d4b9c5f6-abcde',
      containerID: `containerd://${cid}`,
    });
    s.log(501, 'containerd', `StopContainer for "${cid}" returns successfully`);
    const stop = s.log(502, 'containerd', `StopPodSandbox for "${sandbox}"`);
    const later = s.log(5000, 'containerd', `RemovePodSandbox for "${sandbox}" returns successfully`);
    const unrelated = s.log(9000, 'containerd', 'cleaning up dead shim', { namespace: 'k8s.io' });
    const { byRecord } = run(s);
    expect(byRecord.get(stop.id)?.reqId).toBe('u1');
    expect(byRecord.get(later.id)).toMatchObject({ reqId: 'u1', evidence: 'pod shop/web-7d4b9c5f6-abcde' });
    expect(byRecord.has(unrelated.id)).toBe(false);
  });

  it("joins an application's own output through its file's pod", () => {
    const s = new Story();
    createDeployment(s, 0, 'web', 'u1');
    happyPods(s, 10, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    const app = s.log(700, 'web', 'GET / 200', null);
    const sink = collectingSink();
    correlate(memorySource(s.records), sink, {
      filePods: new Map([[app.fileId, { namespace: 'shop', name: 'web-7d4b9c5f6-abcde', uid: null }]]),
    });
    expect(sink.byRecord.get(app.id)).toMatchObject({
      reqId: 'u1',
      evidence: 'pod shop/web-7d4b9c5f6-abcde (container log)',
    });
  });
});

describe('without an audit log, httplog lines stand in', () => {
  const http = (
    s: Story,
    at: number,
    verb: string,
    uri: string,
    auditId: string,
    resp: number,
    ua = 'kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b',
  ) =>
    s.log(
      at,
      'kube-apiserver',
      'HTTP',
      { verb, URI: uri, latency: '5ms', userAgent: ua, srcIP: '10.0.0.7:5555', resp },
      { auditId },
    );

  it('builds the request from kubectl calls, naming the create from the GET before it', () => {
    const s = new Story();
    http(s, 0, 'GET', '/apis/apps/v1/namespaces/shop/deployments/web', 'g1', 404);
    const post = http(
      s,
      20,
      'POST',
      '/apis/apps/v1/namespaces/shop/deployments?fieldManager=kubectl-client-side-apply',
      'p1',
      201,
    );
    http(
      s,
      30,
      'POST',
      '/apis/apps/v1/namespaces/shop/replicasets',
      'c1',
      201,
      'kube-controller-manager/v1.30.0',
    );
    happyPods(s, 1000, { ns: 'shop', deploy: 'web', hash: '7d4b9c5f6', pods: ['abcde'] });
    const { requests, byRecord } = run(s);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      reqId: 'p1',
      idKind: 'audit',
      user: null,
      sourceIps: ['10.0.0.7'],
      code: 201,
      outcome: 'complete',
    });
    expect(requests[0]!.targets[0]).toMatchObject({
      verb: 'create',
      resource: 'deployments',
      namespace: 'shop',
      name: 'web',
    });
    expect(byRecord.get(post.id)).toMatchObject({ reqId: 'p1', kind: 'audit' });
  });

  it('tells an uncordon from a cordon without a body', () => {
    const s = new Story();
    s.audit(0, {
      auditID: 'n1',
      verb: 'patch',
      user: 'alice',
      resource: 'nodes',
      name: 'kind-worker',
      code: 200,
    });
    s.audit(30_000, {
      auditID: 'n2',
      verb: 'patch',
      user: 'alice',
      resource: 'nodes',
      name: 'kind-worker',
      code: 200,
    });
    const { requests } = run(s);
    expect(requests.map((r) => `${r.targets[0]!.verb} ${r.targets[0]!.operation}`)).toEqual([
      'cordon cordon-node',
      'uncordon uncordon-node',
    ]);
  });
});

function run(s: Story) {
  const sink = collectingSink();
  const result = correlate(memorySource(s.records), sink);
  return { ...result, byRecord: sink.byRecord };
}
