import type { IngestReport, Request, SearchResult, Stage, Timeline } from '@kubetrail/model';
import { formatDuration, table } from './table.ts';

/** How many skipped lines the text report lists (all of them are in --json). */
const SKIPS_SHOWN = 50;

/** Long pod paths are cut in the middle so the table stays readable; --json has them whole. */
const PATH_WIDTH = 90;
export const shorten = (s: string, max: number): string =>
  s.length <= max ? s : `${s.slice(0, Math.ceil(max / 2) - 1)}…${s.slice(s.length - Math.floor(max / 2))}`;

const clock = (ts: string | null): string => (ts ? ts.slice(11, 23) : '-');

export function formatIngestReport(
  bundleId: string,
  status: string,
  report: IngestReport,
  reused: boolean,
): string {
  const out: string[] = [];
  out.push(
    table(
      ['file', 'format', 'component', 'node', 'records', 'skipped'],
      report.files.map((f) => [
        shorten(f.path, PATH_WIDTH),
        f.format ?? (f.error ? 'refused' : '-'),
        f.component,
        f.node,
        f.records,
        f.skipped,
      ]),
    ),
  );
  if (report.skips.length > 0) {
    out.push('', `skipped (${report.totals.skipped}):`);
    for (const s of report.skips.slice(0, SKIPS_SHOWN))
      out.push(`  ${s.file}${s.line !== null ? `:${s.line}` : ''}  ${s.reason}`);
    if (report.skips.length > SKIPS_SHOWN || report.totals.skipped > SKIPS_SHOWN)
      out.push(
        `  … ${report.totals.skipped - Math.min(SKIPS_SHOWN, report.skips.length)} more (--json lists ${report.skips.length})`,
      );
  }
  if (report.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of report.notes) out.push(`  ${n}`);
  }
  const t = report.totals;
  out.push(
    '',
    `bundle ${bundleId} ${reused ? 'already ingested (same content): ' : ''}${status}: ${t.files} files, ${t.lines} lines, ` +
      `${t.records} records, ${t.skipped} skipped, ${t.spans} spans, ${t.requests} requests` +
      (reused ? '' : ` in ${formatDuration(report.durationMs)}`),
  );
  if (report.components.length > 0) out.push(`components: ${report.components.join(', ')}`);
  if (report.nodes.length > 0) out.push(`nodes: ${report.nodes.join(', ')}`);
  if (report.timeRange) out.push(`time range: ${report.timeRange.from} → ${report.timeRange.to}`);
  return out.join('\n');
}

const targetLabel = (t: Request['targets'][number]): string =>
  `${t.verb} ${t.resource}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

export function formatRequests(requests: Request[]): string {
  if (requests.length === 0) return 'no requests in this bundle';
  return table(
    ['reqID', 'started', 'user', 'what', 'outcome', 'stopped at', 'records'],
    requests.map((r) => {
      const stopped = r.targets.find((t) => t.stoppedAt)?.stoppedAt ?? null;
      return [
        r.reqId,
        r.startedAt.slice(0, 23).replace('T', ' '),
        r.user,
        r.targets.map(targetLabel).join(', ') || '-',
        r.outcome,
        stopped ? stopped.stage : null,
        r.records,
      ];
    }),
  );
}

const STAGE_MARK: Record<Stage['status'], string> = { done: '✓', failed: '✗', pending: '·', skipped: '–' };

export function formatTimeline(tl: Timeline): string {
  const r = tl.request;
  const out: string[] = [];
  out.push(
    `request ${r.reqId} (${r.idKind})  user ${r.user ?? '-'}${r.impersonatedUser ? ` as ${r.impersonatedUser}` : ''}` +
      `${r.userAgent ? `  agent ${r.userAgent}` : ''}${r.sourceIps.length ? `  from ${r.sourceIps.join(', ')}` : ''}`,
    `  ${r.startedAt} → ${r.endedAt}  outcome ${r.outcome}${r.code !== null ? `  HTTP ${r.code}` : ''}  ${r.records} records`,
  );
  for (const t of r.targets) {
    out.push('', `${targetLabel(t)} — ${t.outcome}`);
    const w = Math.max(...t.stages.map((s) => s.label.length), 10);
    for (const s of t.stages) {
      out.push(
        `  ${STAGE_MARK[s.status]} ${s.label.padEnd(w)}  ${clock(s.at).padEnd(12)}  ${(s.component ?? '').padEnd(24)}${s.reason ?? ''}`.trimEnd(),
      );
    }
    if (t.stoppedAt) {
      const st = t.stoppedAt;
      out.push(
        `  stopped at: ${st.stage}${st.component ? ` (${st.component})` : ''}: ${st.reason}${st.recordId !== null ? `  [record ${st.recordId}]` : ''}`,
      );
    }
  }
  const byLane = new Map<string, { t: number; line: string }[]>();
  for (const m of tl.marks) {
    const list = byLane.get(m.lane) ?? [];
    list.push({ t: m.t, line: `${clock(m.ts)}  ${m.severity.padEnd(7)}  ${m.message}  [${m.recordId}]` });
    byLane.set(m.lane, list);
  }
  for (const b of tl.buckets) {
    const list = byLane.get(b.lane) ?? [];
    list.push({
      t: b.t0,
      line: `+${(b.t0 / 1000).toFixed(3)}s  ${b.worst.padEnd(7)}  ${b.count} lines, e.g. ${b.message}  [${b.recordId}]`,
    });
    byLane.set(b.lane, list);
  }
  for (const lane of tl.lanes) {
    const items = (byLane.get(lane.id) ?? []).sort((a, b) => a.t - b.t);
    if (items.length === 0) continue;
    out.push('', `${lane.label} (${lane.count})`);
    for (const it of items) out.push(`  ${it.line}`);
  }
  if (tl.spans.length > 0) {
    out.push('', `spans (${tl.spans.length}):`);
    for (const s of tl.spans)
      out.push(
        `  ${'  '.repeat(s.depth)}${s.critical ? '*' : ' '} ${s.name}  ${(s.t1 - s.t0).toFixed(1)} ms  ${s.component}`,
      );
  }
  return out.join('\n');
}

export function formatSearch(res: SearchResult): string {
  if (res.hits.length === 0) return 'no matches';
  const lines = res.hits.map((h) => {
    const snippet = h.snippet.replaceAll(String.fromCharCode(2), '[').replaceAll(String.fromCharCode(3), ']');
    return `${clock(h.record.ts)}  ${h.record.component}${h.record.node ? `/${h.record.node}` : ''}  ${h.record.file}:${h.record.line}  [${h.record.id}]${h.reqIds.length ? `  req ${h.reqIds.join(',')}` : ''}\n    ${snippet}`;
  });
  const more =
    res.total > res.offset + res.hits.length
      ? `\n${res.total} matches; showing ${res.offset + 1}–${res.offset + res.hits.length} (--offset for more)`
      : '';
  return lines.join('\n') + more;
}
