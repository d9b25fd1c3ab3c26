import { describe, expect, it } from 'vitest';
import { severityFromLevel, severityFromPriority, severityOfText } from './severity.ts';

describe('severity', () => {
  it('maps level words and priorities', () => {
    expect(severityFromLevel('warning')).toBe('warning');
    expect(severityFromLevel('PANIC')).toBe('fatal');
    expect(severityFromLevel('bogus')).toBeNull();
    expect(severityFromPriority(3)).toBe('error');
    expect(severityFromPriority(6)).toBe('info');
    expect(severityFromPriority(7)).toBe('debug');
  });
  it('infers text severity from standalone tokens only', () => {
    expect(severityOfText('2024/06/10 ERROR cannot connect')).toBe('error');
    expect(severityOfText('error: connection refused')).toBe('error');
    expect(severityOfText('WARN slow disk')).toBe('warning');
    expect(severityOfText('handled 0 errors today')).toBe('info');
    expect(severityOfText('MyERRORS counter')).toBe('info');
  });
});
