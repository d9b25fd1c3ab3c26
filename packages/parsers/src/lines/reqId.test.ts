import { describe, expect, it } from 'vitest';
import { idsFromFields, reqIdFromText } from './reqId.ts';

describe('idsFromFields', () => {
  it('finds reqID, audit-ID / auditID and trace ids', () => {
    expect(idsFromFields({ reqID: 'r1', 'audit-ID': 'a1', traceID: 't', spanID: 's' })).toEqual({
      reqId: 'r1',
      auditId: 'a1',
      traceId: 't',
      spanId: 's',
    });
    expect(idsFromFields({ auditID: 'a2' }).auditId).toBe('a2');
    expect(idsFromFields(null).reqId).toBeNull();
  });
});

describe('reqIdFromText', () => {
  it('reads a quoted or bare reqID at the end of free text', () => {
    expect(reqIdFromText('pulled image nginx reqID="7f3c-1"')).toBe('7f3c-1');
    expect(reqIdFromText('done reqID=abc')).toBe('abc');
    expect(reqIdFromText('xreqID=abc')).toBeNull();
    expect(reqIdFromText('nothing here')).toBeNull();
  });
});
