import { describe, expect, it } from 'vitest';
import { isJournalJson, readJournalJson } from './journalJson.ts';

describe('readJournalJson', () => {
  it('reads time, host, unit, priority and a string MESSAGE', () => {
    const o = {
      __REALTIME_TIMESTAMP: '1718019340244334',
      _HOSTNAME: 'worker-2',
      SYSLOG_IDENTIFIER: 'kubelet',
      _SYSTEMD_UNIT: 'kubelet.service',
      PRIORITY: '3',
      MESSAGE: 'E0610 11:35:40.244334 1 a.go:1] x',
    };
    expect(isJournalJson(o)).toBe(true);
    expect(readJournalJson(o)).toEqual({
      ts: 1718019340244334000n,
      host: 'worker-2',
      unit: 'kubelet',
      priority: 'error',
      message: 'E0610 11:35:40.244334 1 a.go:1] x',
    });
  });

  it('decodes a MESSAGE given as a byte array', () => {
    const bytes = [...Buffer.from('caf\u00e9 \u2713')];
    expect(readJournalJson({ __REALTIME_TIMESTAMP: '1', MESSAGE: bytes }).message).toBe('caf\u00e9 \u2713');
  });
});
