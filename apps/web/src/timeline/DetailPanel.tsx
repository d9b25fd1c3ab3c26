import { useEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { LinkKind, LogRecord, RecordDetail } from '@kubetrail/model';
import { cleanLogText } from '../lib/ansi';
import { formatTimestamp } from '../lib/format';
import { ErrorState, Loading } from '../components/States';
import { timelineHref } from './url';

const LINK_KIND_TEXT: Record<LinkKind, string> = {
  explicit: 'explicit reqID on the line',
  audit: 'audit ID',
  trace: 'trace ID',
  inferred: 'inferred through the object graph',
};

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** The selected line: raw text, parsed fields, why it belongs here, neighbours, related requests. */
export function DetailPanel({
  bundleId,
  reqId,
  selected,
  detail,
  isPending,
  error,
  onSelect,
}: {
  bundleId: string;
  reqId: string;
  selected: number | null;
  detail: RecordDetail | undefined;
  isPending: boolean;
  error: unknown;
  onSelect: (recordId: number, ts: string | null) => void;
}) {
  // With many lanes the panel starts below the fold: bring it into view when a line is selected
  // and it is not visible yet (no scrolling while it is, so j/k keep the timeline where it is).
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (selected === null || !el || typeof el.scrollIntoView !== 'function') return;
    if (el.getBoundingClientRect().top > window.innerHeight - 80) el.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <section className="detail" role="region" aria-label="Line details" ref={ref}>
      {selected === null ? (
        <p className="muted detail-empty">
          Select a mark on the timeline or a stage of the ladder to see the line, why it belongs to this
          request, and the lines around it. Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous line, <kbd>e</kbd>{' '}
          next error.
        </p>
      ) : error ? (
        <ErrorState error={error} title={`Cannot load line ${selected}`} />
      ) : isPending || !detail ? (
        <Loading what="line" />
      ) : (
        <RecordView
          bundleId={bundleId}
          reqId={reqId}
          detail={detail}
          onSelect={onSelect}
          stale={detail.record.id !== selected}
        />
      )}
    </section>
  );
}

function RecordView({
  bundleId,
  reqId,
  detail,
  onSelect,
  stale,
}: {
  bundleId: string;
  reqId: string;
  detail: RecordDetail;
  onSelect: (recordId: number, ts: string | null) => void;
  stale: boolean;
}) {
  const r = detail.record;
  const own = detail.links.filter((l) => l.reqId === reqId);
  const others = detail.links.filter((l) => l.reqId !== reqId);
  const fields = Object.entries(r.fields ?? {});
  const openReq = (own[0] ?? others[0])?.reqId;
  // One entry per request, listing every object through which it touches this line's objects.
  const byReq = new Map<string, Set<string>>();
  for (const x of detail.related) byReq.set(x.reqId, (byReq.get(x.reqId) ?? new Set()).add(x.object));
  const related = [...byReq].map(([id, objects]) => [id, [...objects]] as const);
  const hasMessageField = fields.some(([k]) => k === 'message' || k === 'msg');
  return (
    <div className={stale ? 'stale' : undefined}>
      <header className="detail-head">
        <span className={`sev sev-${r.severity}`}>{r.severity}</span>
        <span className="mono">{formatTimestamp(r.ts)}</span>
        <span>{r.component}</span>
        {r.node && <span className="muted">on {r.node}</span>}
        <span className="mono muted small">
          {cleanLogText(r.file)}:{r.line}
        </span>
        <span className="muted small">
          {r.kind} · {r.format}
          {r.caller ? ` · ${r.caller}` : ''}
        </span>
        {openReq && (
          <Link className="button" href={timelineHref(bundleId, openReq, r.id)}>
            Open request
          </Link>
        )}
      </header>
      <h3>Raw line</h3>
      <pre className="raw mono">{cleanLogText(r.raw)}</pre>

      <h3>Why this line belongs here</h3>
      {own.length === 0 && others.length === 0 && (
        <p className="muted">This line is not linked to any request.</p>
      )}
      {own.length === 0 && others.length > 0 && (
        <p className="muted">This line is not part of this request; it belongs to another one (below).</p>
      )}
      <ul className="links">
        {own.map((l, i) => (
          <li key={`o${i}`}>
            <span className={`link-kind link-${l.kind}`}>{l.kind}</span> {LINK_KIND_TEXT[l.kind]}:{' '}
            <span className="mono">{cleanLogText(l.evidence)}</span>
          </li>
        ))}
        {others.map((l, i) => (
          <li key={`x${i}`}>
            Also in request{' '}
            <Link className="mono" href={timelineHref(bundleId, l.reqId, r.id)}>
              {l.reqId}
            </Link>{' '}
            <span className={`link-kind link-${l.kind}`}>{l.kind}</span>{' '}
            <span className="mono">{cleanLogText(l.evidence)}</span>
          </li>
        ))}
      </ul>

      {fields.length > 0 && (
        <>
          <h3>Fields</h3>
          <table className="fields">
            <tbody>
              {!hasMessageField && (
                <tr>
                  <th scope="row">message</th>
                  <td className="mono">{cleanLogText(r.message)}</td>
                </tr>
              )}
              {fields.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row" className="mono">
                    {cleanLogText(k)}
                  </th>
                  <td className="mono">{cleanLogText(fieldValue(v))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h3>Neighbouring lines</h3>
      <Neighbours records={detail.neighbours} current={r.id} onSelect={onSelect} />

      <h3>Other requests touching the same object</h3>
      {related.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="related">
          {related.map(([id, objects]) => (
            <li key={id}>
              <Link className="mono" href={timelineHref(bundleId, id)}>
                {id}
              </Link>{' '}
              <span className="muted">via {objects.map((o) => cleanLogText(o)).join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Neighbours({
  records,
  current,
  onSelect,
}: {
  records: LogRecord[];
  current: number;
  onSelect: (id: number, ts: string | null) => void;
}) {
  if (records.length === 0) return <p className="muted">None.</p>;
  return (
    <ol className="neighbours" aria-label="Neighbouring lines">
      {records.map((n) => (
        <li key={n.id}>
          <button
            type="button"
            className={`neighbour sev-line-${n.severity}${n.id === current ? ' neighbour-current' : ''}`}
            aria-current={n.id === current ? 'true' : undefined}
            onClick={() => onSelect(n.id, n.ts)}
          >
            <span className="mono muted">{n.line}</span>
            <span className="mono">{formatTimestamp(n.ts).slice(11)}</span>
            <span className="mono neighbour-text">{cleanLogText(n.message || n.raw)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
