import type { BundleDetail } from '@kubetrail/model';
import { cleanLogText } from '../lib/ansi';
import { formatBytes, formatCount, formatDuration, formatTimestamp } from '../lib/format';
import { Empty } from '../components/States';

/** The ingest report of one bundle: totals, notes, the files table and the first skipped lines. */
export function IngestReport({ bundle }: { bundle: BundleDetail }) {
  const r = bundle.report;
  return (
    <section className="report" aria-label="Ingest report">
      <h2>
        Ingest report — <span className="mono">{bundle.name}</span>
      </h2>
      {bundle.error && (
        <p className="error-text" role="alert">
          {bundle.error}
        </p>
      )}
      {!r ? (
        <Empty title="No report yet">
          {bundle.status === 'ingesting' ? 'The bundle is still ingesting.' : ''}
        </Empty>
      ) : (
        <>
          <dl className="totals">
            <div>
              <dt>Files</dt>
              <dd>{formatCount(r.totals.files)}</dd>
            </div>
            <div>
              <dt>Lines</dt>
              <dd>{formatCount(r.totals.lines)}</dd>
            </div>
            <div>
              <dt>Records</dt>
              <dd>{formatCount(r.totals.records)}</dd>
            </div>
            <div>
              <dt>Skipped</dt>
              <dd className={r.totals.skipped ? 'warn-text' : undefined}>{formatCount(r.totals.skipped)}</dd>
            </div>
            <div>
              <dt>Spans</dt>
              <dd>{formatCount(r.totals.spans)}</dd>
            </div>
            <div>
              <dt>Requests</dt>
              <dd>{formatCount(r.totals.requests)}</dd>
            </div>
            <div>
              <dt>Time range</dt>
              <dd>
                {r.timeRange
                  ? `${formatTimestamp(r.timeRange.from)} → ${formatTimestamp(r.timeRange.to)} UTC`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Took</dt>
              <dd>{formatDuration(r.durationMs)}</dd>
            </div>
          </dl>
          {r.notes.length > 0 && (
            <>
              <h3>Notes</h3>
              <ul className="notes">
                {r.notes.map((n, i) => (
                  <li key={i}>{cleanLogText(n)}</li>
                ))}
              </ul>
            </>
          )}
          <h3>Files</h3>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Format</th>
                  <th scope="col">Component</th>
                  <th scope="col">Node</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col" className="num">
                    Skipped
                  </th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {r.files.map((f) => (
                  <tr key={f.path} className={f.error ? 'row-error' : undefined}>
                    <td className="mono wrap">
                      {cleanLogText(f.path)}
                      {f.error && <div className="error-text">{cleanLogText(f.error)}</div>}
                    </td>
                    <td>
                      {f.format ?? '—'}
                      {f.wrapper !== 'none' && <span className="muted"> in {f.wrapper}</span>}
                    </td>
                    <td>{f.component ?? '—'}</td>
                    <td>{f.node ?? '—'}</td>
                    <td className="num">{formatBytes(f.bytes)}</td>
                    <td className="num">{formatCount(f.records)}</td>
                    <td className={`num${f.skipped ? ' warn-text' : ''}`}>{formatCount(f.skipped)}</td>
                    <td>{f.timeRule}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>
            Skipped lines{' '}
            {r.totals.skipped > r.skips.length && (
              <span className="muted">
                (first {formatCount(r.skips.length)} of {formatCount(r.totals.skipped)})
              </span>
            )}
          </h3>
          {r.skips.length === 0 ? (
            <p className="muted">Nothing was skipped.</p>
          ) : (
            <ul className="skips">
              {r.skips.map((s, i) => (
                <li key={i}>
                  <span className="mono">
                    {cleanLogText(s.file)}
                    {s.line !== null ? `:${s.line}` : ''}
                  </span>{' '}
                  — {cleanLogText(s.reason)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
