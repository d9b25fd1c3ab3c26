import { describe, expect, it } from 'vitest';
import { isJournaldMarker, parseJournaldLine } from './journaldLine.ts';

describe('parseJournaldLine', () => {
  it('reads the short format', () => {
    expect(
      parseJournaldLine(
        'Jun 10 11:35:40 worker-2 kubelet[23617]: I0610 11:35:40.244334   23617 kubelet.go:1] "x"',
      ),
    ).toEqual({
      month: 6,
      day: 10,
      secondOfDay: 11 * 3600 + 35 * 60 + 40,
      micros: 0,
      host: 'worker-2',
      identifier: 'kubelet',
      pid: 23617,
      message: 'I0610 11:35:40.244334   23617 kubelet.go:1] "x"',
    });
  });

  it('reads short-precise, single-digit days and identifiers without pid', () => {
    const j = parseJournaldLine('Jan  5 01:02:03.123456 node-1 kernel: eth0: link up');
    expect(j).toMatchObject({
      month: 1,
      day: 5,
      micros: 123456,
      identifier: 'kernel',
      pid: null,
      message: 'eth0: link up',
    });
  });

  it('recognises journalctl markers and refuses other lines', () => {
    expect(
      isJournaldMarker(
        '-- Logs begin at Mon 2024-06-10 10:00:00 UTC, end at Mon 2024-06-10 12:00:00 UTC. --',
      ),
    ).toBe(true);
    expect(isJournaldMarker('-- Journal begins at Mon 2024-06-10 10:00:00 UTC. --')).toBe(true);
    expect(isJournaldMarker('-- No entries --')).toBe(true);
    expect(parseJournaldLine('-- No entries --')).toBeNull();
    expect(parseJournaldLine('June 10 11:35:40 host x: y')).toBeNull();
  });
});
