import { describe, expect, it } from 'vitest';
import { step } from './navigation';
import { buildScene } from './scene';
import { testTimeline } from './testTimeline';

describe('keyboard navigation', () => {
  const s = buildScene(testTimeline());
  const all = () => true;
  it('walks records in time order', () => {
    expect(step(s, null, 1, all)).toBe(1);
    expect(step(s, 1, 1, all)).toBe(2);
    expect(step(s, 5, 1, all)).toBe(4);
    expect(step(s, 4, -1, all)).toBe(5);
    expect(step(s, null, -1, all)).toBe(7);
    expect(step(s, 7, 1, all)).toBeNull();
    expect(step(s, 1, -1, all)).toBeNull();
  });
  it('skips hidden lanes', () => {
    const noApi = (lane: number) => lane !== 1;
    expect(step(s, 1, 1, noApi)).toBe(5);
  });
  it('jumps to the next error', () => {
    expect(step(s, null, 1, all, true)).toBe(4);
    expect(step(s, 4, 1, all, true)).toBeNull();
  });
  it('starts from an unknown selection at the beginning, or at its time when given', () => {
    expect(step(s, 12345, 1, all)).toBe(1);
    expect(step(s, 12345, 1, all, false, 600)).toBe(5);
    expect(step(s, 12345, -1, all, false, 600)).toBe(3);
  });
});
