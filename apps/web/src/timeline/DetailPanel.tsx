import { Link } from 'wouter';
import type { LinkKind, RecordDetail } from '@kubetrail/model';
import { cleanLogText } from '../lib/ansi';
import { useTimeFormat } from '../lib/timeFormat';
import { FoldedText } from './FoldedText';
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

/**
 * The selected line: raw text, parsed fields, why it belongs here, neighbours, related requests.
 * A dock that stays in the window while the page scrolls (its own content scrolls), so what was
 * selected is seen at once, at 1280×800 too.
 */
export function DetailPanel({
  bundleId,
  reqId,
  selected,
  detail,
  isPending,
  error,
  onSelect,
  onClose,
  context,
  onMoreContext,
}: {
  bundleId: string;
  reqId: string;
  selected: number | null;
  detail: RecordDetail | undefined;
  isPending: boolean;
  error: unknown;
  onSelect: (recordId: number, ts: string | null) => void;
  onClose: () => void;
  context: number;
  onMoreContext: () => void;
}) {
  if (selected === null)
    return (
      <p className="muted small detail-empty">
        Select a mark, a stage or a line to see it whole, why it belongs to this request, and the lines around
        it. Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous line, <kbd>e</kbd> next error, <kbd>s</kbd> where it
        stopped, <kbd>?</kbd> all keys.
      </p>
    );
  return (
    <section className="detail detail-dock" role="region" aria-label="Line details">
      <button type="button" className="detail-close" aria-label="Close line details" onClick={onClose}>
        ×
      </button>
      {error ? (
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
          context={context}
          onMoreContext={onMoreContext}
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
  context,
  onMoreContext,
}: {
  bundleId: string;
  reqId: string;
  detail: RecordDetail;
  onSelect: (recordId: number, ts: string | null) => void;
  stale: boolean;
  context: number;
  onMoreContext: () => void;
}) {
  const fmt = useTimeFormat();
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
        <span className="mono">{fmt.timestamp(r.ts)}</span>
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
      <pre className="raw mono">
        <FoldedText text={r.raw} limit={4000} />
      </pre>

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
      <Neighbours
        records={detail.neighbours}
        current={r.id}
        reqId={reqId}
        onSelect={onSelect}
        clock={fmt.clock}
      />
      {context < 500 && (
        <button type="button" className="link-button" onClick={onMoreContext}>
          50 more either side
        </button>
      )}

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
  reqId,
  onSelect,
  clock,
}: {
  records: RecordDetail['neighbours'];
  current: number;
  reqId: string;
  onSelect: (id: number, ts: string | null) => void;
  clock: (ts: string | null) => string;
}) {
  if (records.length === 0) return <p className="muted">None.</p>;
  return (
    <ol className="neighbours" aria-label="Neighbouring lines">
      {records.map((n) => {
        const here = n.reqIds.includes(reqId);
        const other = n.reqIds.find((id) => id !== reqId);
        return (
          <li key={n.id}>
            <button
              type="button"
              className={`neighbour sev-line-${n.severity}${n.id === current ? ' neighbour-current' : ''}`}
              aria-current={n.id === current ? 'true' : undefined}
              onClick={() => onSelect(n.id, n.ts)}
            >
              <span className="mono muted">{n.line}</span>
              <span className="mono">{clock(n.ts)}</span>
              <span className="neighbour-req small" title={n.reqIds.join(', ')}>
                {here ? 'this request' : other ? `request ${other.slice(0, 8)}…` : 'no request'}
              </span>
              <span className="mono neighbour-text">{cleanLogText(n.raw.slice(0, 1000))}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
