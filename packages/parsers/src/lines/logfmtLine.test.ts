import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLogfmtLine } from './logfmtLine.ts';

const khi = readFileSync(new URL('./fixtures/khi-node-messages.txt', import.meta.url), 'utf8').split('\n');

describe('parseLogfmtLine', () => {
  it('reads a real containerd RunPodSandbox line (khi k8s_node fixture)', () => {
    const l = parseLogfmtLine(khi[2]!);
    expect(l).not.toBeNull();
    expect(l!.ts).toBe(1704070800000000000n);
    expect(l!.severity).toBe('info');
    expect(l!.msg).toMatch(/^RunPodSandbox for &PodSandboxMetadata\{Name:kube-dns-58f547fd74-swzzt,/);
    expect(l!.msg).toContain('returns sandbox id "e4b03e28');
    expect(l!.fields).toBeNull();
  });

  it('maps levels and keeps extra keys', () => {
    const l = parseLogfmtLine(
      'time="2024-06-10T11:35:40.123456789Z" level=error msg="PullImage failed" image="nginx:nope" error="not found"',
    );
    expect(l).toMatchObject({
      ts: 1718019340123456789n,
      severity: 'error',
      msg: 'PullImage failed',
      fields: { image: 'nginx:nope', error: 'not found' },
    });
    expect(parseLogfmtLine('level=warning msg=x')?.severity).toBe('warning');
  });

  it('refuses other lines', () => {
    expect(parseLogfmtLine('I0610 11:35:40.1 1 a.go:1] x')).toBeNull();
    expect(parseLogfmtLine('time is up')).toBeNull();
  });
});
