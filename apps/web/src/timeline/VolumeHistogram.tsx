import { useMemo, useState } from 'react';
import { Bar, BarChart, Brush, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SEVERITIES } from '@kubetrail/model';
import type { Histogram } from '@kubetrail/model';
import { tickLabel, tickStep } from './axis';
import { SEVERITY_COLORS } from './colors';
import { brushIndices, toChartRows, viewFromBrush } from './histogram';
import type { Viewport } from './viewport';

const Y_AXIS_W = 36;

/**
 * Log volume over the whole request, stacked by severity, with the visible window shaded. Drag
 * across the chart to zoom to that stretch; the brush under it holds the same window: drag it, or
 * its edges, to move or resize the window.
 */
export function VolumeHistogram({
  histogram,
  origin,
  originEpochMs,
  view,
  onView,
}: {
  histogram: Histogram;
  origin: string;
  originEpochMs: number;
  view: Viewport;
  onView: (v: Viewport) => void;
}) {
  const rows = useMemo(() => {
    const spanMs = histogram.bucketMs * Math.max(1, histogram.buckets.length);
    const step = tickStep(spanMs, 600);
    return toChartRows(histogram, origin, (t) => tickLabel(originEpochMs + t, step));
  }, [histogram, origin, originEpochMs]);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const indexOf = (e: { activeTooltipIndex?: number | string | null } | null): number | null => {
    const i = Number(e?.activeTooltipIndex);
    return Number.isInteger(i) && i >= 0 && i < rows.length ? i : null;
  };
  if (rows.length === 0) return <p className="muted histogram-empty">No log volume to show.</p>;
  const { startIndex, endIndex } = brushIndices(rows, view);
  const first = rows[startIndex];
  const last = rows[endIndex];
  return (
    <div className="histogram" role="figure" aria-label="Log volume">
      <ResponsiveContainer width="100%" height={72}>
        <BarChart
          data={rows}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
          barCategoryGap={0}
          // A drag across the chart selects the window (a click alone changes nothing).
          onMouseDown={(e: { activeTooltipIndex?: number | string | null }) => {
            const i = indexOf(e);
            if (i !== null) setDrag({ a: i, b: i });
          }}
          onMouseMove={(e: { activeTooltipIndex?: number | string | null }) => {
            const i = indexOf(e);
            if (drag && i !== null && i !== drag.b) setDrag({ ...drag, b: i });
          }}
          onMouseUp={() => {
            if (drag && drag.a !== drag.b) {
              const v = viewFromBrush(rows, histogram.bucketMs, drag.a, drag.b);
              if (v) onView(v);
            }
            setDrag(null);
          }}
          onMouseLeave={() => setDrag(null)}
        >
          <XAxis
            dataKey="label"
            tick={{ fontSize: 10 }}
            interval="preserveStartEnd"
            minTickGap={50}
            height={16}
          />
          <YAxis width={Y_AXIS_W} tick={{ fontSize: 10 }} allowDecimals={false} />
          <Tooltip
            isAnimationActive={false}
            contentStyle={{ fontSize: 12, padding: '4px 8px' }}
            labelFormatter={(l) => (typeof l === 'string' ? `${l} UTC` : '')}
          />
          {first && last && (
            <ReferenceArea
              x1={first.label}
              x2={last.label}
              fill="#2f5d9a"
              fillOpacity={0.1}
              stroke="#2f5d9a"
              strokeOpacity={0.5}
            />
          )}
          {SEVERITIES.map((s) => (
            <Bar key={s} dataKey={s} stackId="sev" fill={SEVERITY_COLORS[s]} isAnimationActive={false} />
          ))}
          {drag && drag.a !== drag.b && (
            <ReferenceArea
              x1={rows[Math.min(drag.a, drag.b)]?.label}
              x2={rows[Math.max(drag.a, drag.b)]?.label}
              fill="#2f5d9a"
              fillOpacity={0.2}
            />
          )}
        </BarChart>
      </ResponsiveContainer>
      <ResponsiveContainer width="100%" height={26}>
        <BarChart data={rows} margin={{ top: 0, right: 8, bottom: 0, left: 0 }}>
          <YAxis width={Y_AXIS_W} tick={false} axisLine={false} />
          <Brush
            dataKey="label"
            height={22}
            travellerWidth={8}
            stroke="#6b7a8c"
            fill="#f6f8fa"
            startIndex={startIndex}
            endIndex={endIndex}
            ariaLabel="Time window"
            onChange={(r: { startIndex?: number; endIndex?: number }) => {
              if (r.startIndex === undefined || r.endIndex === undefined) return;
              if (r.startIndex === startIndex && r.endIndex === endIndex) return;
              const v = viewFromBrush(rows, histogram.bucketMs, r.startIndex, r.endIndex);
              if (v) onView(v);
            }}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
