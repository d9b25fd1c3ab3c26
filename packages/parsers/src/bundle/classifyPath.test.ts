import { describe, expect, it } from 'vitest';
import { classifyPath } from './classifyPath.ts';
import type { PathHints } from './types.ts';

const UID = '5f7c1b2a-3d4e-4f60-8a9b-0c1d2e3f4a5b';
const CID = 'a'.repeat(64);

type Row = [path: string, expected: Partial<PathHints>];

/** Real-shaped paths from each layout of SPEC §3.1 and what they must say. */
const ROWS: Row[] = [
  // kind export logs
  [
    'kind-control-plane/kubelet.log',
    { layout: 'kind', node: 'kind-control-plane', component: 'kubelet', content: null },
  ],
  [
    'kind-worker2/containerd.log',
    { layout: 'kind', node: 'kind-worker2', component: 'containerd', content: null },
  ],
  ['kind-worker/journal.log', { layout: 'kind', node: 'kind-worker', component: null, content: 'journal' }],
  ['logs-2024/kind-worker/kubelet.log', { layout: 'kind', node: 'kind-worker', component: 'kubelet' }],
  [
    'kind-control-plane/kube-apiserver.log',
    { layout: 'kind', node: 'kind-control-plane', component: 'kube-apiserver' },
  ],
  ['kind-worker/inspect.json', { layout: 'kind', node: 'kind-worker', component: null, content: null }],
  ['kind-worker/images.log', { layout: 'kind', node: 'kind-worker', component: null, content: null }],
  ['kind-worker/kubernetes-version.txt', { layout: 'kind', node: 'kind-worker', content: null }],
  ['docker-info.txt', { layout: 'kind', node: null, component: null, content: null }],
  ['logs-2024/kind-version.txt', { layout: 'kind', node: null, content: null }],
  [
    `kind-control-plane/pods/kube-system_kube-apiserver-kind-control-plane_${UID}/kube-apiserver/0.log`,
    {
      layout: 'kind',
      node: 'kind-control-plane',
      component: 'kube-apiserver',
      pod: { namespace: 'kube-system', name: 'kube-apiserver-kind-control-plane', uid: UID },
      container: 'kube-apiserver',
    },
  ],
  [
    `logs/kind-control-plane/pods/kube-system_kube-controller-manager-kind-control-plane_${UID}/kube-controller-manager/1.log`,
    { layout: 'kind', node: 'kind-control-plane', component: 'kube-controller-manager' },
  ],
  [
    `kind-worker2/pods/kube-system_kube-proxy-x8k2p_${UID}/kube-proxy/0.log`,
    { layout: 'kind', node: 'kind-worker2', component: 'kube-proxy', container: 'kube-proxy' },
  ],
  [
    `kind-worker/pods/kube-system_kindnet-7qzcs_${UID}/kindnet-cni/0.log`,
    { layout: 'kind', node: 'kind-worker', component: 'kindnet', container: 'kindnet-cni' },
  ],
  [
    `kind-worker/containers/coredns-7db6d8ff4d-b5pbp_kube-system_coredns-${CID}.log`,
    {
      layout: 'kind',
      node: 'kind-worker',
      component: 'coredns',
      pod: { namespace: 'kube-system', name: 'coredns-7db6d8ff4d-b5pbp', uid: null },
      container: 'coredns',
    },
  ],
  [
    `kind-worker/containers/nginx-7c5ddbdf54-x8k2p_default_nginx-${CID}.log`,
    { layout: 'kind', node: 'kind-worker', component: 'nginx', container: 'nginx' },
  ],
  [
    `kind-worker/pods/default_web-0_${UID}/app/0.log.20240610-113540.gz`,
    {
      layout: 'kind',
      node: 'kind-worker',
      component: 'app',
      container: 'app',
      pod: { namespace: 'default', name: 'web-0', uid: UID },
    },
  ],
  [
    'kind-control-plane/kubernetes/kube-apiserver-audit.log',
    { layout: 'kind', node: 'kind-control-plane', component: 'audit', content: 'audit' },
  ],
  // kubectl cluster-info dump --output-directory
  ['cluster-dump/nodes.json', { layout: 'cluster-info', content: 'k8s-objects', node: null }],
  ['kube-system/events.json', { layout: 'cluster-info', content: 'events', component: 'events' }],
  ['default/pods.json', { layout: 'cluster-info', content: 'k8s-objects', component: null }],
  ['dump/default/deployments.json', { layout: 'cluster-info', content: 'k8s-objects' }],
  ['default/replicasets.yaml', { layout: 'cluster-info', content: 'k8s-objects' }],
  [
    'default/nginx-7c5ddbdf54-x8k2p/logs.txt',
    {
      layout: 'cluster-info',
      component: 'nginx',
      node: null,
      pod: { namespace: 'default', name: 'nginx-7c5ddbdf54-x8k2p', uid: null },
      content: null,
    },
  ],
  [
    'kube-system/kube-scheduler-cp-1/logs.txt',
    { layout: 'cluster-info', component: 'kube-scheduler', node: 'cp-1' },
  ],
  // control-plane hosts
  [
    'var/log/kube-apiserver.log',
    { layout: 'var-log', component: 'kube-apiserver', node: null, content: null },
  ],
  ['cp-1/var/log/kube-apiserver.log.1.gz', { layout: 'var-log', component: 'kube-apiserver', node: 'cp-1' }],
  ['var/log/kubelet.log-20240610', { layout: 'var-log', component: 'kubelet' }],
  [
    `var/log/pods/kube-system_etcd-cp-1_${UID}/etcd/0.log`,
    { layout: 'var-log', component: 'etcd', node: 'cp-1', container: 'etcd' },
  ],
  [
    `var/log/containers/kube-apiserver-cp-2_kube-system_kube-apiserver-${CID}.log`,
    { layout: 'var-log', component: 'kube-apiserver', node: 'cp-2', container: 'kube-apiserver' },
  ],
  ['var/log/kubernetes/audit/audit.log', { layout: 'var-log', component: 'audit', content: 'audit' }],
  [
    'var/log/kubernetes/audit/audit-2024-06-10T11-35-40.123.log.gz',
    { layout: 'var-log', component: 'audit', content: 'audit' },
  ],
  ['var/log/kube-apiserver-audit.log', { layout: 'var-log', content: 'audit' }],
  ['var/log/syslog', { layout: 'var-log', component: null, content: null }],
  // OpenTelemetry trace files, anywhere
  ['traces/otel-traces.jsonl', { content: 'otlp', component: null }],
  ['kind-control-plane/apiserver-spans.json', { content: 'otlp', component: null }],
  ['collector/otlp-export.ndjson', { content: 'otlp' }],
  ['apiservertraces.json', { content: 'otlp' }],
  ['spans.jsonl', { content: 'otlp' }],
  ['traces.log', { content: null }],
  ['stacktrace.json', { content: null }],
  // journald exports
  ['node-1.journal.json', { content: 'journal' }],
  ['hosts/worker-1/journalctl-kubelet.log', { content: 'journal' }],
  // anything else: the line parser sniffs
  ['kubelet.log', { component: 'kubelet', node: null, layout: null }],
  ['random/notes.txt', { layout: null, node: null, component: null, content: null, pod: null }],
  ['audit2rbac/demo.log', { content: null }],
  ['falco/k8s_audit/create_deployment.json', { content: null }],
  ['events.json', { content: 'events', layout: null }],
];

describe('classifyPath', () => {
  it.each(ROWS)('%s', (path, expected) => {
    expect(classifyPath(path)).toMatchObject(expected);
  });

  it('always returns every field', () => {
    expect(classifyPath('')).toEqual({
      node: null,
      component: null,
      pod: null,
      container: null,
      content: null,
      layout: null,
    });
  });

  it('needs kube-system to read a node out of a static-pod-like name', () => {
    const hints = classifyPath(
      `kind-worker/pods/default_etcd-operator-5d9c8b7f6-abcde_${UID}/operator/0.log`,
    );
    expect(hints).toMatchObject({ node: 'kind-worker', component: 'operator' });
  });
});
