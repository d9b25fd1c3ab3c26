import { describe, expect, it } from 'vitest';
import { displayName, normaliseMemberPath } from './memberPath.ts';

describe('normaliseMemberPath', () => {
  it.each([
    ['kind-worker/kubelet.log', { kind: 'file', path: 'kind-worker/kubelet.log' }],
    ['./kind-worker/kubelet.log', { kind: 'file', path: 'kind-worker/kubelet.log' }],
    ['././a//b/./c.log', { kind: 'file', path: 'a/b/c.log' }],
    ['logs\\kind-worker\\kubelet.log', { kind: 'file', path: 'logs/kind-worker/kubelet.log' }],
    ['kind-worker/', { kind: 'directory' }],
    ['./', { kind: 'directory' }],
    ['../../etc/passwd', { kind: 'refused', reason: "path traversal refused ('..' segment)" }],
    ['a/../b.log', { kind: 'refused', reason: "path traversal refused ('..' segment)" }],
    ['..\\x', { kind: 'refused', reason: "path traversal refused ('..' segment)" }],
    ['/etc/passwd', { kind: 'refused', reason: 'absolute path refused' }],
    ['C:\\x', { kind: 'refused', reason: 'absolute path refused' }],
    ['c:/windows/win.ini', { kind: 'refused', reason: 'absolute path refused' }],
    ['\\\\server\\share\\x', { kind: 'refused', reason: 'absolute path refused' }],
    ['C:', { kind: 'refused', reason: 'absolute path refused' }],
    ['a:b.log', { kind: 'file', path: 'a:b.log' }],
    ['logs/a:b.log', { kind: 'file', path: 'logs/a:b.log' }],
    ['a\0b', { kind: 'refused', reason: 'invalid path refused (NUL byte)' }],
    ['..foo/bar..', { kind: 'file', path: '..foo/bar..' }],
  ] as const)('%s', (raw, expected) => {
    expect(normaliseMemberPath(raw)).toEqual(expected);
  });

  it('keeps control characters out of reported names', () => {
    expect(displayName('a\nFAKE REPORT LINE')).toBe('a\ufffdFAKE REPORT LINE');
  });
});
