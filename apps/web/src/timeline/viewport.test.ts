import { describe, expect, it } from 'vitest';
import {
  clampSpan,
  ensureVisible,
  fetchWindow,
  initialView,
  MIN_SPAN_MS,
  needsRefetch,
  pan,
  panByPixels,
  sameView,
  span,
  wheelFactor,
  zoom,
} from './viewport';

describe('zoom', () => {
  it('keeps the anchor at the same relative position', () => {
    const v = zoom({ from: 0, to: 1000 }, 0.5, 250);
    expect(v).toEqual({ from: 125, to: 625 });
    expect((250 - v.from) / span(v)).toBeCloseTo(0.25);
  });
  it('zooms around the centre by default and clamps the span', () => {
    expect(zoom({ from: 0, to: 1000 }, 2)).toEqual({ from: -500, to: 1500 });
    expect(span(zoom({ from: 0, to: 1 }, 1e-9))).toBeCloseTo(MIN_SPAN_MS);
  });
  it('maps wheel deltas to factors', () => {
    expect(wheelFactor(0)).toBe(1);
    expect(wheelFactor(100)).toBeGreaterThan(1);
    expect(wheelFactor(-100)).toBeLessThan(1);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1);
  });
});

describe('pan', () => {
  it('moves by milliseconds and by pixels', () => {
    expect(pan({ from: 0, to: 100 }, 50)).toEqual({ from: 50, to: 150 });
    // dragging right by a quarter of the width shows earlier time
    expect(panByPixels({ from: 0, to: 1000 }, 200, 800)).toEqual({ from: -250, to: 750 });
    expect(panByPixels({ from: 0, to: 1000 }, 200, 0)).toEqual({ from: 0, to: 1000 });
  });
});

describe('initialView and clampSpan', () => {
  it('pads the extent', () => {
    expect(initialView({ from: 0, to: 1000 })).toEqual({ from: -40, to: 1040 });
    expect(initialView({ from: 5, to: 5 })).toEqual({ from: -495, to: 505 });
  });
  it('repairs degenerate spans', () => {
    expect(span(clampSpan({ from: 10, to: 10 }))).toBeCloseTo(MIN_SPAN_MS);
    expect(clampSpan({ from: 0, to: 10 })).toEqual({ from: 0, to: 10 });
  });
});

describe('fetch window', () => {
  it('is three views wide at three times the pixels', () => {
    expect(fetchWindow({ from: 100, to: 200 }, 800)).toEqual({ from: 0, to: 300, width: 2400 });
  });
  it('needs no refetch while panning within the window', () => {
    const f = fetchWindow({ from: 100, to: 200 }, 800);
    expect(needsRefetch({ from: 150, to: 250 }, f, 800)).toBe(false);
    expect(needsRefetch({ from: 0, to: 100 }, f, 800)).toBe(false);
  });
  it('refetches when the view leaves the window or zooms in past the detail', () => {
    const f = fetchWindow({ from: 100, to: 200 }, 800);
    expect(needsRefetch({ from: 250, to: 350 }, f, 800)).toBe(true);
    expect(needsRefetch({ from: 140, to: 160 }, f, 800)).toBe(true); // 5× zoom in
    expect(needsRefetch({ from: 125, to: 175 }, f, 800)).toBe(false); // exactly 2× zoom
    expect(needsRefetch({ from: -100, to: 400 }, f, 800)).toBe(true); // zoomed out past it
  });
  it('needs no refetch to pan or zoom out when the window holds the whole request', () => {
    const f = { from: 0, to: 1000, width: 1000 };
    expect(needsRefetch({ from: -500, to: 600 }, f, 1000, { from: 10, to: 900 })).toBe(false);
    expect(needsRefetch({ from: -500, to: 600 }, f, 1000, { from: -10, to: 900 })).toBe(true);
    expect(needsRefetch({ from: 0, to: 100 }, f, 1000, { from: 10, to: 900 })).toBe(true); // 10× detail
  });
});

describe('ensureVisible and sameView', () => {
  it('pans minimally to show a time', () => {
    expect(ensureVisible({ from: 0, to: 100 }, 50)).toEqual({ from: 0, to: 100 });
    // Anywhere inside, near an edge too: the view stays where the user put it.
    expect(ensureVisible({ from: 0, to: 100 }, 98)).toEqual({ from: 0, to: 100 });
    expect(ensureVisible({ from: 0, to: 100 }, 1)).toEqual({ from: 0, to: 100 });
    expect(ensureVisible({ from: 0, to: 100 }, 150)).toEqual({ from: 60, to: 160 });
    expect(ensureVisible({ from: 0, to: 100 }, -50)).toEqual({ from: -60, to: 40 });
  });
  it('compares views with a tolerance', () => {
    expect(sameView({ from: 0, to: 100 }, { from: 0.00001, to: 100 })).toBe(true);
    expect(sameView({ from: 0, to: 100 }, { from: 1, to: 100 })).toBe(false);
    expect(sameView(null, null)).toBe(true);
  });
});
