import { describe, expect, it } from 'vitest';
import { parseCriLine } from './criLine.ts';

describe('parseCriLine', () => {
  it('reads time, stream, tag and content', () => {
    expect(parseCriLine('2024-06-10T11:35:40.244334567Z stderr F I0610 11:35:40.244334 1 a.go:1] x')).toEqual(
      {
        ts: 1718019340244334567n,
        year: 2024,
        month: 6,
        stream: 'stderr',
        partial: false,
        content: 'I0610 11:35:40.244334 1 a.go:1] x',
      },
    );
    expect(parseCriLine('2024-06-10T11:35:40.244334567Z stdout P part')?.partial).toBe(true);
    expect(parseCriLine('2024-06-10T11:35:40.244334567Z stdout F ')?.content).toBe('');
  });

  it('accepts offsets and refuses other lines', () => {
    expect(parseCriLine('2024-06-10T13:35:40.5+02:00 stdout F x')?.ts).toBe(1718019340500000000n);
    expect(parseCriLine('2024-06-10T11:35:40Z other F x')).toBeNull();
    expect(parseCriLine('I0610 11:35:40.244334 1 a.go:1] x')).toBeNull();
  });
});
