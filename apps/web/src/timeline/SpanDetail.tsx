import type { TimelineSpan } from '@kubetrail/model';
import { cleanLogText } from '../lib/ansi';
import { formatDuration, formatTimestamp } from '../lib/format';

function value(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function Attributes({ attrs, label }: { attrs: Record<string, unknown>; label: string }) {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return null;
  return (
    <table className="fields" aria-label={label}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">
              {k}
            </th>
            <td className="mono">{cleanLogText(value(v))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The selected trace span: name, timing, status, attributes, events and resource. Text only. */
export function SpanDetail({
  span,
  parent,
  onClose,
}: {
  span: TimelineSpan;
  parent: TimelineSpan | null;
  onClose: () => void;
}) {
  return (
    <section className="detail span-detail" role="region" aria-label="Span details">
      <header className="detail-head">
        <strong className="mono">{cleanLogText(span.name)}</strong>{' '}
        <span className="muted">
          {span.service ?? span.component}
          {span.node ? ` on ${span.node}` : ''}
        </span>{' '}
        <button type="button" onClick={onClose} aria-label="Close span details">
          ×
        </button>
      </header>
      <p className="small">
        <span className="mono">{formatTimestamp(span.start)}</span> · {formatDuration(span.t1 - span.t0)}
        {span.critical ? ' · on the critical path' : ''} · status {span.statusCode}
        {span.statusMessage ? `: ${cleanLogText(span.statusMessage)}` : ''}
      </p>
      <p className="small muted mono">
        trace {span.traceId} · span {span.spanId}
        {parent
          ? ` · parent ${cleanLogText(parent.name)}`
          : span.parentSpanId
            ? ` · parent ${span.parentSpanId}`
            : ''}
      </p>
      <h3>Attributes</h3>
      <Attributes attrs={span.attributes} label="Span attributes" />
      <h3>Events ({span.events.length})</h3>
      {span.events.length === 0 ? (
        <p className="muted small">No events.</p>
      ) : (
        <ol className="span-events" aria-label="Span events">
          {span.events.map((e, i) => (
            <li key={i}>
              <span className="mono">{formatTimestamp(e.ts).slice(11)}</span> {cleanLogText(e.name)}
              {Object.keys(e.attributes).length > 0 && (
                <span className="muted mono small"> {cleanLogText(value(e.attributes))}</span>
              )}
            </li>
          ))}
        </ol>
      )}
      <h3>Resource</h3>
      <Attributes attrs={span.resource} label="Span resource" />
    </section>
  );
}
