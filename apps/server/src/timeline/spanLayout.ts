/**
 * Span layout for the timeline: depth by parent, and the critical path (the chain of spans that
 * decided the end time, as in Jaeger UI's `criticalPath`). Pure. Times are in any common unit.
 */
export interface SpanLike {
  spanId: string;
  parentSpanId: string | null;
  start: number;
  end: number;
}

export interface SpanPlacement {
  depth: number;
  critical: boolean;
}

export function layoutSpans(spans: readonly SpanLike[]): Map<string, SpanPlacement> {
  const byId = new Map<string, SpanLike>();
  for (const s of spans) byId.set(s.spanId, s);
  const children = new Map<string, SpanLike[]>();
  const roots: SpanLike[] = [];
  for (const s of spans) {
    const p = s.parentSpanId && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;
    if (!p) roots.push(s);
    else {
      const list = children.get(p.spanId) ?? [];
      list.push(s);
      children.set(p.spanId, list);
    }
  }
  const out = new Map<string, SpanPlacement>();

  // Depth: breadth-first from the roots; spans caught in a parent cycle get depth 0.
  const queue: { s: SpanLike; depth: number }[] = roots.map((s) => ({ s, depth: 0 }));
  while (queue.length > 0) {
    const { s, depth } = queue.shift()!;
    if (out.has(s.spanId)) continue;
    out.set(s.spanId, { depth, critical: false });
    for (const c of children.get(s.spanId) ?? []) queue.push({ s: c, depth: depth + 1 });
  }
  for (const s of spans) if (!out.has(s.spanId)) out.set(s.spanId, { depth: 0, critical: false });

  // Critical path: from each root, the last-finishing child before the cursor, recursively, then
  // the cursor moves to that child's start.
  const seen = new Set<string>();
  const walk = (s: SpanLike, cursorEnd: number): void => {
    if (seen.has(s.spanId)) return;
    seen.add(s.spanId);
    const placement = out.get(s.spanId);
    if (placement) placement.critical = true;
    let cursor = Math.min(s.end, cursorEnd);
    const kids = [...(children.get(s.spanId) ?? [])];
    while (cursor > s.start) {
      let best: SpanLike | null = null;
      for (const k of kids) {
        if (seen.has(k.spanId) || k.start >= cursor) continue;
        if (!best || Math.min(k.end, cursor) > Math.min(best.end, cursor)) best = k;
      }
      if (!best) break;
      walk(best, cursor);
      cursor = best.start;
    }
  };
  for (const r of roots) walk(r, r.end);
  return out;
}
