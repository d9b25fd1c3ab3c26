import { useMemo } from 'react';
import { Bar, BarChart, Brush, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { SEVERITIES } from '@kubetrail/model';
import type { Histogram } from '@kubetrail/model';
import { tickLabel, tickStep } from './axis';
import { SEVERITY_COLORS } from './colors';
import { brushIndices, toChartRows, viewFromBrush } from './histogram';
import type { Viewport } from './viewport';

const Y_AXIS_W = 36;

/**
 * Log volume over the whole request, stacked by severity, with the visible window shaded. The
 * brush under it holds the same window: drag it, or its edges, to set the window.
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
          onClick={(e: { activeTooltipIndex?: number | string | null }) => {
            // Click a bucket: centre the window on it, keeping its width.
            const i = Number(e.activeTooltipIndex);
            const row = Number.isInteger(i) ? rows[i] : undefined;
            if (!row) return;
            const half = (view.to - view.from) / 2;
            const mid = row.t + histogram.bucketMs / 2;
            onView({ from: mid - half, to: mid + half });
          }}
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
