import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatCount, formatDuration, formatTimestamp } from './format';

describe('format', () => {
  it('formats timestamps in UTC with milliseconds', () => {
    expect(formatTimestamp('2024-06-10T11:35:40.244334567Z')).toBe('2024-06-10 11:35:40.244');
    expect(formatTimestamp('2024-06-10T11:35:40Z')).toBe('2024-06-10 11:35:40.000');
    expect(formatTimestamp('2024-06-10T11:35:40.5Z')).toBe('2024-06-10 11:35:40.500');
    expect(formatTimestamp(null)).toBe('—');
    expect(formatClock('2024-06-10T11:35:40.244334567Z')).toBe('11:35:40.244');
  });
  it('formats durations', () => {
    expect(formatDuration(0.25)).toBe('250 µs');
    expect(formatDuration(4.25)).toBe('4.3 ms');
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(1520)).toBe('1.52 s');
    expect(formatDuration(125_000)).toBe('2 m 05 s');
  });
  it('formats bytes and counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('countOf', () => {
  it('says one thing in the singular and other counts in the plural', async () => {
    const { countOf } = await import('./format');
    expect(countOf(1, 'request')).toBe('1 request');
    expect(countOf(0, 'request')).toBe('0 requests');
    expect(countOf(12345, 'line')).toBe('12,345 lines');
  });
});
