import { parseRfc3339Ns } from '@kubetrail/model';
import type { IngestReport, Request, RequestLine, SearchResult, Stage, Timeline } from '@kubetrail/model';
import { formatDuration, table } from './table.ts';
import { cellText as c, terminalText } from './terminal.ts';

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
      out.push(`  ${c(s.file)}${s.line !== null ? `:${s.line}` : ''}  ${c(s.reason)}`);
    if (report.skips.length > SKIPS_SHOWN || report.totals.skipped > SKIPS_SHOWN)
      out.push(
        `  … ${report.totals.skipped - Math.min(SKIPS_SHOWN, report.skips.length)} more (--json lists ${report.skips.length})`,
      );
  }
  if (report.notes.length > 0) {
    out.push('', 'notes:');
    for (const n of report.notes) out.push(`  ${c(n)}`);
  }
  const t = report.totals;
  out.push(
    '',
    `bundle ${bundleId} ${reused ? 'already ingested (same content): ' : ''}${status}: ${t.files} files, ${t.lines} lines, ` +
      `${t.records} records, ${t.skipped} skipped, ${t.spans} spans, ${t.requests} requests` +
      (reused ? '' : ` in ${formatDuration(report.durationMs)}`),
  );
  if (report.components.length > 0) out.push(`components: ${c(report.components.join(', '))}`);
  if (report.nodes.length > 0) out.push(`nodes: ${c(report.nodes.join(', '))}`);
  if (report.timeRange) out.push(`time range: ${report.timeRange.from} → ${report.timeRange.to}`);
  return out.join('\n');
}

const targetLabel = (t: Request['targets'][number]): string =>
  `${t.verb} ${t.resource}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

/** One row per request; `wide` adds the end, duration, agent, source IPs, reason and system flag. */
export function formatRequests(requests: Request[], wide = false, hiddenSystem = 0): string {
  const hint =
    hiddenSystem > 0
      ? `${hiddenSystem} system request${hiddenSystem === 1 ? '' : 's'} (control-plane activity) hidden: --system to list ${hiddenSystem === 1 ? 'it' : 'them'}`
      : '';
  if (requests.length === 0) return ['no requests match', hint].filter(Boolean).join('\n');
  const header = wide
    ? [
        'reqID',
        'started',
        'duration',
        'user',
        'agent',
        'from',
        'what',
        'outcome',
        'stopped at',
        'why',
        'records',
        'system',
      ]
    : ['reqID', 'started', 'user', 'what', 'outcome', 'stopped at', 'records'];
  const rows = requests.map((r) => {
    const stopped = r.targets.find((t) => t.stoppedAt)?.stoppedAt ?? null;
    const started = r.startedAt.slice(0, 23).replace('T', ' ');
    const what = r.targets.map(targetLabel).join(', ') || '-';
    if (!wide) return [r.reqId, started, r.user, what, r.outcome, stopped ? stopped.stage : null, r.records];
    const ms = Number((parseRfc3339Ns(r.endedAt) ?? 0n) - (parseRfc3339Ns(r.startedAt) ?? 0n)) / 1e6;
    return [
      r.reqId,
      started,
      formatDuration(ms),
      r.user,
      r.userAgent,
      r.sourceIps.join(',') || null,
      what,
      r.outcome,
      stopped ? stopped.stage : null,
      stopped ? shorten(stopped.reason, 80) : null,
      r.records,
      r.system ? 'yes' : 'no',
    ];
  });
  return [table(header, rows), hint].filter(Boolean).join('\n');
}

/** A request's line for `kubetrail lines`: the raw text, or with `wide` its time, severity and lane first. */
export function formatLine(line: RequestLine, wide: boolean, tty: boolean): string {
  const raw = tty ? terminalText(line.record.raw) : line.record.raw;
  if (!wide) return raw;
  return `${line.record.ts ?? '-'}  ${line.record.severity.padEnd(7)}  ${c(line.lane)}  ${raw}`;
}

const STAGE_MARK: Record<Stage['status'], string> = { done: '✓', failed: '✗', pending: '·', skipped: '–' };

export function formatTimeline(tl: Timeline): string {
  const r = tl.request;
  const out: string[] = [];
  out.push(
    c(
      `request ${r.reqId} (${r.idKind})  user ${r.user ?? '-'}${r.impersonatedUser ? ` as ${r.impersonatedUser}` : ''}` +
        `${r.userAgent ? `  agent ${r.userAgent}` : ''}${r.sourceIps.length ? `  from ${r.sourceIps.join(', ')}` : ''}`,
    ),
    `  ${r.startedAt} → ${r.endedAt}  outcome ${r.outcome}${r.code !== null ? `  HTTP ${r.code}` : ''}  ${r.records} records`,
  );
  for (const t of r.targets) {
    out.push('', `${c(targetLabel(t))} — ${t.outcome}`);
    const w = Math.max(...t.stages.map((s) => s.label.length), 10);
    for (const s of t.stages) {
      out.push(
        `  ${STAGE_MARK[s.status]} ${s.label.padEnd(w)}  ${clock(s.at).padEnd(12)}  ${(s.component ?? '').padEnd(24)}${c(s.reason ?? '')}`.trimEnd(),
      );
    }
    if (t.stoppedAt) {
      const st = t.stoppedAt;
      out.push(
        `  stopped at: ${st.stage}${st.component ? ` (${st.component})` : ''}: ${c(st.reason)}${st.recordId !== null ? `  [record ${st.recordId}]` : ''}`,
      );
    }
  }
  const byLane = new Map<string, { t: number; line: string }[]>();
  for (const m of tl.marks) {
    const list = byLane.get(m.lane) ?? [];
    list.push({ t: m.t, line: `${clock(m.ts)}  ${m.severity.padEnd(7)}  ${c(m.message)}  [${m.recordId}]` });
    byLane.set(m.lane, list);
  }
  for (const b of tl.buckets) {
    const list = byLane.get(b.lane) ?? [];
    list.push({
      t: b.t0,
      line: `+${(b.t0 / 1000).toFixed(3)}s  ${b.worst.padEnd(7)}  ${b.count} lines, e.g. ${c(b.message)}  [${b.recordId}]`,
    });
    byLane.set(b.lane, list);
  }
  for (const lane of tl.lanes) {
    const items = (byLane.get(lane.id) ?? []).sort((a, b) => a.t - b.t);
    if (items.length === 0) continue;
    out.push('', `${c(lane.label)} (${lane.count})`);
    for (const it of items) out.push(`  ${it.line}`);
  }
  if (tl.spans.length > 0) {
    out.push('', `spans (${tl.spans.length}):`);
    for (const s of tl.spans)
      out.push(
        `  ${'  '.repeat(s.depth)}${s.critical ? '*' : ' '} ${c(s.name)}  ${(s.t1 - s.t0).toFixed(1)} ms  ${c(s.component)}`,
      );
  }
  return out.join('\n');
}

export function formatSearch(res: SearchResult): string {
  if (res.hits.length === 0)
    return res.partial ? 'no matches found before the search ran out of time: narrow it' : 'no matches';
  const lines = res.hits.map((h) => {
    const snippet = c(
      h.snippet.replaceAll(String.fromCharCode(2), '[').replaceAll(String.fromCharCode(3), ']'),
    );
    return `${clock(h.record.ts)}  ${c(h.record.component)}${h.record.node ? `/${c(h.record.node)}` : ''}  ${c(h.record.file)}:${h.record.line}  [${h.record.id}]${h.reqIds.length ? `  req ${c(h.reqIds.join(','))}` : ''}\n    ${snippet}`;
  });
  const count = `${res.total}${res.capped || res.partial ? '+' : ''}`;
  const more =
    res.total > res.offset + res.hits.length || res.capped || res.partial
      ? `\n${count} matches; showing ${res.offset + 1}–${res.offset + res.hits.length} (--offset for more)` +
        (res.partial ? '; the search ran out of time: narrow it for a complete count' : '')
      : '';
  return lines.join('\n') + more;
}
