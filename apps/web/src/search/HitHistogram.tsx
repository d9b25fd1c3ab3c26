import { useState } from 'react';
import { Bar, BarChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SEVERITIES } from '@kubetrail/model';
import type { Histogram } from '@kubetrail/model';
import { useTimeFormat } from '../lib/timeFormat';
import { SEVERITY_COLORS } from '../timeline/colors';

/**
 * Where the hits are in time, stacked by severity. Drag across it to search only that window
 * (a drag selects; a click alone does nothing).
 */
export function HitHistogram({
  histogram,
  onWindow,
}: {
  histogram: Histogram;
  onWindow: (from: string, to: string) => void;
}) {
  const fmt = useTimeFormat();
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const rows = histogram.buckets.map((b, i) => ({
    i,
    label: fmt.clock(b.t),
    ...Object.fromEntries(SEVERITIES.map((s) => [s, b.counts[s] ?? 0])),
  }));
  if (rows.length === 0) return null;
  const at = (e: { activeTooltipIndex?: number | string | null } | null): number | null => {
    const i = Number(e?.activeTooltipIndex);
    return Number.isInteger(i) && i >= 0 && i < rows.length ? i : null;
  };
  const finish = () => {
    if (drag && drag.a !== drag.b) {
      const lo = Math.min(drag.a, drag.b);
      const hi = Math.max(drag.a, drag.b);
      const from = histogram.buckets[lo]?.t;
      const next = histogram.buckets[hi + 1]?.t ?? histogram.to;
      if (from && next) onWindow(from, next);
    }
    setDrag(null);
  };
  return (
    <div className="hit-histogram" role="figure" aria-label="Hits over time">
      <ResponsiveContainer width="100%" height={80}>
        <BarChart
          data={rows}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
          barCategoryGap={0}
          onMouseDown={(e) => {
            const i = at(e);
            if (i !== null) setDrag({ a: i, b: i });
          }}
          onMouseMove={(e) => {
            const i = at(e);
            if (drag && i !== null) setDrag({ ...drag, b: i });
          }}
          onMouseUp={finish}
          onMouseLeave={() => setDrag(null)}
        >
          <XAxis
            dataKey="label"
            tick={{ fontSize: 10 }}
            interval="preserveStartEnd"
            minTickGap={60}
            height={16}
          />
          <YAxis width={36} tick={{ fontSize: 10 }} allowDecimals={false} />
          <Tooltip isAnimationActive={false} contentStyle={{ fontSize: 12, padding: '4px 8px' }} />
          {SEVERITIES.map((s) => (
            <Bar key={s} dataKey={s} stackId="sev" fill={SEVERITY_COLORS[s]} isAnimationActive={false} />
          ))}
          {drag && drag.a !== drag.b && (
            <ReferenceArea
              x1={rows[Math.min(drag.a, drag.b)]?.label}
              x2={rows[Math.max(drag.a, drag.b)]?.label}
              fill="#2f5d9a"
              fillOpacity={0.15}
            />
          )}
        </BarChart>
      </ResponsiveContainer>
      {histogram.partial && (
        <p className="muted small">Counted part of the lines only: the search ran out of time. Narrow it.</p>
      )}
    </div>
  );
}
