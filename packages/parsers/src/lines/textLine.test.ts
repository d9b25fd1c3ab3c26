import { describe, expect, it } from 'vitest';
import { formatNs } from '@kubetrail/model';
import { embeddedDateNs, parseTimestampedText, zoneOffsetMinutes } from './textLine.ts';

const iso = (ns: bigint | null | undefined): string | null =>
  ns === null || ns === undefined ? null : formatNs(ns);

describe('parseTimestampedText', () => {
  it('reads etcd 3.4 capnslog with its level letter (W | is a warning)', () => {
    // Shape of a real etcd 3.4 container log in a `kubectl cluster-info dump` (k8s 1.20).
    const t = parseTimestampedText(
      '2021-04-07 22:18:17.231702 W | etcdserver: read-only range request "key:\\"/registry/health\\" " with result "error:context canceled" took too long (1.999s) to execute',
      0,
    );
    expect(t).toMatchObject({ severity: 'warning', format: 'capnslog', caller: 'etcdserver' });
    expect(iso(t?.ts)).toBe('2021-04-07T22:18:17.231702000Z');
    expect(t?.message).toMatch(/^read-only range request/);
    expect(
      parseTimestampedText('2019-03-08 08:48:04.721975 I | etcdmain: etcd Version: 3.2.24', 0),
    ).toMatchObject({
      severity: 'info',
      caller: 'etcdmain',
    });
    expect(parseTimestampedText('2019-03-08 08:48:04.721975 E | rafthttp: failed to dial', 0)?.severity).toBe(
      'error',
    );
  });

  it("reads Go's default log prefix and a level after it", () => {
    // coredns 1.0 in a 2018 cluster-info dump.
    const t = parseTimestampedText('2018/02/24 05:35:10 [INFO] CoreDNS-1.0.4', 0);
    expect(t).toMatchObject({ format: 'golog', severity: 'info', message: '[INFO] CoreDNS-1.0.4' });
    expect(iso(t?.ts)).toBe('2018-02-24T05:35:10.000000000Z');
    expect(parseTimestampedText('2018/02/24 05:35:10 [ERROR] plugin/errors: 2 SERVFAIL', 0)?.severity).toBe(
      'error',
    );
  });

  it('reads calico/felix lines with caller and level', () => {
    const t = parseTimestampedText(
      '2021-04-07 22:18:17.231 [INFO][84] felix/int_dataplane.go 1234: Received interface update',
      0,
    );
    expect(t).toMatchObject({ severity: 'info', caller: 'felix/int_dataplane.go:1234' });
    expect(t?.message).toBe('Received interface update');
    expect(
      parseTimestampedText('2021-04-07 22:18:17.231 [WARNING][84] felix/ipsets.go 112: Failed to resync', 0)
        ?.severity,
    ).toBe('warning');
  });

  it('reads ISO-led lines, their zone and level', () => {
    const t = parseTimestampedText('2023-03-10T22:38:26.382+05:30\tERROR\tcontroller\tReconciler error', 0);
    expect(t).toMatchObject({ severity: 'error', zoned: true });
    expect(iso(t?.ts)).toBe('2023-03-10T17:08:26.382000000Z');
    // A zone-less stamp is read in the file's zone.
    expect(iso(parseTimestampedText('2023-03-10 22:38:26 INFO started', 60)?.ts)).toBe(
      '2023-03-10T21:38:26.000000000Z',
    );
  });

  it('refuses lines that only look like dates, and impossible dates', () => {
    expect(parseTimestampedText('I0610 11:35:40.123456 1 x.go:1] klog', 0)).toBeNull();
    expect(parseTimestampedText('1.2.3 released', 0)).toBeNull();
    expect(parseTimestampedText('2021-02-30 10:00:00.000000 I | etcdmain: x', 0)).toBeNull();
    expect(parseTimestampedText('9999-01-01 10:00:00.000000 I | etcdmain: x', 0)).toBeNull();
  });
});

describe('embeddedDateNs', () => {
  it('finds date(1) output, ISO stamps and access-log stamps inside a line', () => {
    // A k3d support bundle's pod log: `while true; do echo "Hello …: $(date)"; sleep 5; done`.
    expect(iso(embeddedDateNs('Hello from k3s (Evans Secret): Wed Dec 21 09:42:42 UTC 2022', 0))).toBe(
      '2022-12-21T09:42:42.000000000Z',
    );
    expect(iso(embeddedDateNs('10.0.0.1 - - [21/Dec/2022:09:42:42 +0100] "GET / HTTP/1.1" 200', 0))).toBe(
      '2022-12-21T08:42:42.000000000Z',
    );
    expect(iso(embeddedDateNs('msg at 2024-06-10T11:35:40.5Z done', 0))).toBe(
      '2024-06-10T11:35:40.500000000Z',
    );
    expect(embeddedDateNs('no date here at all, just words', 0)).toBeNull();
  });
});

describe('zoneOffsetMinutes', () => {
  it('reads Z, UTC and numeric offsets', () => {
    expect(zoneOffsetMinutes('Z')).toBe(0);
    expect(zoneOffsetMinutes('UTC')).toBe(0);
    expect(zoneOffsetMinutes('+05:30')).toBe(330);
    expect(zoneOffsetMinutes('-0700')).toBe(-420);
    expect(zoneOffsetMinutes('IST')).toBeNull();
    expect(zoneOffsetMinutes(undefined)).toBeNull();
  });
});
