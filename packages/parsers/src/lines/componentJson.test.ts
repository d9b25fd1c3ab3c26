import { describe, expect, it } from 'vitest';
import { isComponentJson, readComponentJson } from './componentJson.ts';

describe('readComponentJson', () => {
  it('reads a newer (milliseconds) line with a nested object ref', () => {
    const o = JSON.parse(
      '{"ts":1718019340244.334,"caller":"scheduler/schedule_one.go:286","msg":"Successfully bound pod to node","v":2,"pod":{"name":"web-1","namespace":"shop"},"node":"worker-2"}',
    ) as Record<string, unknown>;
    expect(isComponentJson(o)).toBe(true);
    const l = readComponentJson(o);
    expect(l.ts! / 1_000_000n).toBe(1718019340244n);
    expect(l).toMatchObject({
      severity: 'info',
      caller: 'scheduler/schedule_one.go:286',
      msg: 'Successfully bound pod to node',
      fields: { pod: { name: 'web-1', namespace: 'shop' }, node: 'worker-2', v: 2 },
    });
  });

  it('reads an older (seconds) error line', () => {
    const l = readComponentJson({ ts: 1718019340.244, caller: 'x.go:1', msg: 'failed', err: 'boom' });
    expect(l.ts! / 1_000_000n).toBe(1718019340244n);
    expect(l.severity).toBe('error');
    expect(l.fields).toEqual({ err: 'boom' });
  });

  it('treats high verbosity as debug', () => {
    expect(readComponentJson({ ts: 1, msg: 'x', v: 4 }).severity).toBe('debug');
    expect(readComponentJson({ ts: 1, msg: 'x', v: 2 }).severity).toBe('info');
  });
});
