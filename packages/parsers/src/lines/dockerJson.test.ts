import { describe, expect, it } from 'vitest';
import { isDockerJson, readDockerJson } from './dockerJson.ts';

describe('readDockerJson', () => {
  it('reads a complete line and a partial one', () => {
    const o = { log: 'hello\n', stream: 'stderr', time: '2024-06-10T11:35:40.244334567Z' };
    expect(isDockerJson(o)).toBe(true);
    expect(readDockerJson(o)).toEqual({
      ts: 1718019340244334567n,
      year: 2024,
      month: 6,
      stream: 'stderr',
      partial: false,
      content: 'hello',
    });
    expect(readDockerJson({ log: 'part', stream: 'stdout', time: '2024-06-10T11:35:40Z' }).partial).toBe(
      true,
    );
    expect(isDockerJson({ msg: 'x' })).toBe(false);
  });
});
