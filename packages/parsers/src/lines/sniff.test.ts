import { describe, expect, it } from 'vitest';
import { noPathHints } from '../bundle/classifyPath.ts';
import { binaryReason, classifyDocument, sniffLines } from './sniff.ts';

const hints = noPathHints();

describe('sniffLines', () => {
  it('recognises klog and the component of its callers', () => {
    expect(sniffLines(['I0610 11:35:40.244334       1 schedule_one.go:286] "x"'], hints, true)).toMatchObject(
      {
        kind: 'lines',
        mode: 'payload',
        wrapper: 'none',
        format: 'klog',
        component: 'kube-scheduler',
      },
    );
  });

  it('recognises wrappers and the format inside them', () => {
    expect(
      sniffLines(
        ['2024-06-10T11:35:40.1Z stderr F {"ts":1718019340.1,"caller":"a.go:1","msg":"m"}'],
        hints,
        true,
      ),
    ).toMatchObject({
      wrapper: 'cri',
      format: 'klog-json',
    });
    expect(
      sniffLines(
        [
          '{"log":"I0610 11:35:40.244334 1 kubelet.go:1] x\\n","stream":"stderr","time":"2024-06-10T11:35:40Z"}',
        ],
        hints,
        true,
      ),
    ).toMatchObject({
      wrapper: 'docker',
      format: 'klog',
      component: 'kubelet',
    });
    expect(sniffLines(['-- No entries --'], hints, true)).toMatchObject({ wrapper: 'journald' });
    expect(
      sniffLines(
        ['Jun 10 11:35:40 w-1 containerd[1]: time="2024-06-10T11:35:40Z" level=info msg="x"'],
        hints,
        true,
      ),
    ).toMatchObject({ wrapper: 'journald', format: 'logfmt', component: 'containerd', node: 'w-1' });
    expect(
      sniffLines(['{"__REALTIME_TIMESTAMP":"1","MESSAGE":"hi","_HOSTNAME":"n"}'], hints, true),
    ).toMatchObject({
      wrapper: 'journald-json',
      format: 'text',
      node: 'n',
    });
  });

  it('recognises JSON-per-line kinds and whole documents', () => {
    expect(
      sniffLines(['{"kind":"Event","auditID":"a","stage":"ResponseComplete","verb":"get"}'], hints, true),
    ).toMatchObject({ mode: 'audit' });
    expect(sniffLines(['{"resourceSpans":[]}'], hints, true)).toMatchObject({ mode: 'otlp' });
    expect(sniffLines(['{', '  "kind": "List",'], hints, false)).toEqual({ kind: 'document' });
    expect(sniffLines(['{"kind": 0}'], hints, true)).toEqual({ kind: 'document' });
  });

  it('keeps malformed first lines of a path-declared audit log in line mode', () => {
    expect(
      sniffLines(['{"kind":"Event", broken', '{"also broken'], { ...hints, content: 'audit' }, true),
    ).toMatchObject({ mode: 'audit' });
  });

  it('falls back to text', () => {
    expect(sniffLines(['hello world', 'second line'], hints, true)).toMatchObject({
      format: 'text',
      wrapper: 'none',
    });
  });
});

describe('binaryReason / classifyDocument', () => {
  it('tells binary from text', () => {
    expect(binaryReason(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe('binary file (NUL bytes)');
    expect(binaryReason(Buffer.from([0x1f, 0x8b, 8]))).toBe('binary file (gzip data)');
    expect(binaryReason(Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + (i % 60))))).toMatch(
      /binary file/,
    );
    expect(binaryReason(Buffer.from('plain text with one bad byte \xff\n', 'latin1'))).toBeNull();
  });
  it('classifies parsed documents', () => {
    expect(classifyDocument({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] })).toBe('audit');
    expect(classifyDocument({ kind: 'List', apiVersion: 'v1', items: [] })).toBe('k8s-event');
    expect(classifyDocument({ kind: 'List', apiVersion: 'v1', items: [{ kind: 'Pod' }] })).toBeNull();
    expect(classifyDocument([{ resourceSpans: [] }])).toBe('otlp');
  });
});
