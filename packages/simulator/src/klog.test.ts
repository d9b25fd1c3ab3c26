import { describe, expect, it } from 'vitest';
import { renderKlog, renderLogfmt } from './klog.ts';
import { parseTimeUs } from './clock.ts';

const us = parseTimeUs('2024-06-10T11:35:40.244334Z');

describe('renderKlog', () => {
  it('renders structured text with the klog header, KObj and slices', () => {
    expect(
      renderKlog(
        {
          sev: 'I',
          caller: 'kubelet/kubelet.go:2434',
          msg: 'SyncLoop ADD',
          v: 2,
          kv: [
            ['source', 'api'],
            ['pods', [{ kobj: 'shop/web-7d4b9c5f6-abcde' }]],
          ],
        },
        us,
        23617,
        'text',
        null,
      ),
    ).toBe(
      'I0610 11:35:40.244334   23617 kubelet.go:2434] "SyncLoop ADD" source="api" pods=["shop/web-7d4b9c5f6-abcde"]',
    );
  });

  it('puts ErrorS errors right after the message and appends reqID last', () => {
    expect(
      renderKlog(
        {
          sev: 'E',
          caller: 'kubelet/pod_workers.go:1298',
          msg: 'Error syncing pod, skipping',
          err: 'boom "x"',
          kv: [['pod', { kobj: 'shop/a' }]],
        },
        us,
        1,
        'text',
        'r-1',
      ),
    ).toBe(
      'E0610 11:35:40.244334       1 pod_workers.go:1298] "Error syncing pod, skipping" err="boom \\"x\\"" pod="shop/a" reqID="r-1"',
    );
  });

  it('renders multi-line string values as key=< … >', () => {
    expect(
      renderKlog(
        {
          sev: 'I',
          caller: 'prober/prober.go:107',
          msg: 'Probe failed',
          v: 1,
          kv: [['output', 'line one\nline two']],
        },
        us,
        1,
        'text',
        null,
      ),
    ).toBe(
      'I0610 11:35:40.244334       1 prober.go:107] "Probe failed" output=<\n\tline one\n\tline two\n >',
    );
  });

  it('renders component-base JSON: ms timestamps, v for info only, KObj as objects', () => {
    expect(
      renderKlog(
        {
          sev: 'I',
          caller: 'kubelet/kubelet.go:2434',
          msg: 'SyncLoop ADD',
          v: 2,
          kv: [['pods', [{ kobj: 'shop/a' }]]],
        },
        us,
        7,
        'json',
        'r-2',
      ),
    ).toBe(
      '{"ts":1718019340244.334,"caller":"kubelet/kubelet.go:2434","msg":"SyncLoop ADD","v":2,"pods":[{"name":"a","namespace":"shop"}],"reqID":"r-2"}',
    );
    expect(renderKlog({ sev: 'E', caller: 'x/y.go:1', msg: 'm', err: 'e' }, us, 7, 'json', null)).toBe(
      '{"ts":1718019340244.334,"caller":"x/y.go:1","msg":"m","err":"e"}',
    );
  });

  it('renders containerd logfmt', () => {
    expect(
      renderLogfmt(
        '2024-06-10T11:35:40.244334567Z',
        'info',
        'shim disconnected',
        [
          ['id', 'abc'],
          ['namespace', 'k8s.io'],
        ],
        null,
      ),
    ).toBe(
      'time="2024-06-10T11:35:40.244334567Z" level=info msg="shim disconnected" id=abc namespace=k8s.io',
    );
  });
});
