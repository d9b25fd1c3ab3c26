import { useEffect, useRef, useState } from 'react';
import type { RequestLine } from '@kubetrail/model';
import { ErrorState } from '../components/States';
import { cleanLogText } from '../lib/ansi';
import { copyText } from '../lib/clipboard';
import { formatCount } from '../lib/format';
import { lineHeadLength } from '../lib/lineHead';
import { useTimeFormat } from '../lib/timeFormat';
import { FoldedText } from './FoldedText';
import type { LinesFilter } from './useRequestLinesQuery';
import { useRequestLinesQuery } from './useRequestLinesQuery';

const PAGE = 200;

/**
 * Every line of the request as text, in time order, under the timeline (as Grafana's logs panel):
 * the timeline's filters (window, lanes, errors only) plus a text filter; wrap, copy a line or its
 * permalink; clicking a line selects its mark. The text is log text: shown as text, cleaned.
 */
export function LogTable({
  bundleId,
  reqId,
  filter,
  laneLabel,
  selected,
  onSelect,
  permalink,
}: {
  bundleId: string;
  reqId: string;
  filter: Omit<LinesFilter, 'q'>;
  laneLabel: (laneId: string) => string;
  selected: number | null;
  onSelect: (line: RequestLine) => void;
  /** The address of the timeline with this record selected. */
  permalink: (recordId: number) => string;
}) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = window.setTimeout(() => setQ(draft), 300);
    return () => window.clearTimeout(id);
  }, [draft]);
  const [wrap, setWrap] = useState(false);
  const [page, setPage] = useState<{ offset: number; around: number | null }>({
    offset: 0,
    around: selected,
  });
  const lines = useRequestLinesQuery(bundleId, reqId, { ...filter, q }, page, PAGE);
  const data = lines.data;
  // A selection made elsewhere (a mark, a stage, j/k) that this page does not show: show its page.
  if (
    selected !== null &&
    data &&
    !lines.isPlaceholderData &&
    !data.lines.some((l) => l.record.id === selected)
  ) {
    if (page.around !== selected) setPage({ offset: 0, around: selected });
  }
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const id = window.setTimeout(() => setCopied(null), 2000);
    return () => window.clearTimeout(id);
  }, [copied]);
  const copy = async (text: string, what: string) => setCopied((await copyText(text)) ? what : 'Copy failed');

  // Keep the selected row in view inside the table (the page itself does not move).
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = body.current;
    const row = box?.querySelector<HTMLElement>('[aria-selected="true"]');
    if (!box || !row) return;
    const r = row.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 3;
  }, [selected, data]);

  const offset = data?.offset ?? 0;
  const shown = data?.lines.length ?? 0;
  const total = data ? `${formatCount(data.total)}${data.capped || data.partial ? '+' : ''}` : '…';
  const fmt = useTimeFormat();
  return (
    <section className="log-table" aria-label="Log lines">
      <div className="log-table-bar">
        <h2 className="log-table-title">Lines</h2>
        <label className="field field-inline">
          <span className="visually-hidden">Filter lines</span>
          <input
            type="search"
            value={draft}
            placeholder="Filter lines (text as typed)"
            aria-label="Filter lines"
            onChange={(e) => {
              setDraft(e.target.value);
              setPage({ offset: 0, around: null });
            }}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
          Wrap lines
        </label>
        <span className="muted small" role="status">
          {data
            ? shown === 0
              ? 'No lines'
              : `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${total}`
            : ''}
          {copied ? ` · ${copied}` : ''}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setPage({ offset: Math.max(0, offset - PAGE), around: null })}
        >
          Earlier lines
        </button>
        <button
          type="button"
          disabled={!data || offset + shown >= data.total}
          onClick={() => setPage({ offset: offset + PAGE, around: null })}
        >
          Later lines
        </button>
      </div>
      {lines.isError && !data ? (
        <ErrorState error={lines.error} title="Cannot load the lines" retry={() => void lines.refetch()} />
      ) : (
        <div
          className={`log-table-body${wrap ? ' wrap' : ''}${lines.isPlaceholderData ? ' stale' : ''}`}
          ref={body}
        >
          <table className="log-lines">
            <tbody>
              {data?.lines.map((l) => (
                <tr
                  key={l.record.id}
                  aria-selected={l.record.id === selected}
                  className={`log-line sev-line-${l.record.severity}`}
                  onClick={() => onSelect(l)}
                >
                  <td className="mono nowrap log-time">{fmt.clock(l.record.ts)}</td>
                  <td>
                    <span className={`sev sev-${l.record.severity}`}>{l.record.severity}</span>
                  </td>
                  <td className="log-lane small" title={l.lane}>
                    {laneLabel(l.lane)}
                  </td>
                  <td className="mono log-raw">
                    {l.record.kind !== 'log' && <span className="kind-tag">{l.record.kind}</span>}
                    {l.record.kind !== 'log' && l.record.message !== l.record.raw && (
                      // An Event, audit event or object is a JSON document: its summary first.
                      <span className="log-summary">{cleanLogText(l.record.message.slice(0, 600))} </span>
                    )}
                    {wrap ? (
                      <FoldedText text={l.record.raw} limit={4000} />
                    ) : (
                      <ShortLine raw={l.record.raw} />
                    )}
                  </td>
                  <td className="nowrap log-actions">
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Copy line ${l.record.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void copy(l.record.raw, 'Line copied');
                      }}
                    >
                      Copy
                    </button>
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Copy link to line ${l.record.id}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void copy(`${window.location.origin}${permalink(l.record.id)}`, 'Link copied');
                      }}
                    >
                      Link
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * One line unwrapped: what the time, severity and lane columns already say (a journald, CRI or klog
 * head) is folded to a mark that holds it as its title, so the caller and message are in view.
 */
function ShortLine({ raw }: { raw: string }) {
  const head = lineHeadLength(raw);
  const text = cleanLogText(raw.slice(head, head + 600));
  if (head === 0) return <>{text}</>;
  return (
    <>
      <span className="line-head" title={cleanLogText(raw.slice(0, head))}>
        ⋯{' '}
      </span>
      {text}
    </>
  );
}
