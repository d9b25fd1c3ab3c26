import { useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import type { Bundle } from '@kubetrail/model';
import { errorMessage } from '../api/client';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatBytes, formatCount, formatTimestamp } from '../lib/format';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { IngestReport } from './IngestReport';
import { UploadZone } from './UploadZone';
import { getUrl, parseUrl } from './url';
import { useBundleQuery, useBundlesQuery, useDeleteBundleMutation } from './useBundlesQuery';
import './bundles.css';

export function BundlesPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const { report } = parseUrl(search);
  const bundles = useBundlesQuery();
  useDocumentTitle('Bundles');
  const showReport = (id: string | null) => navigate(getUrl({ report: id }), { replace: true });

  return (
    <div className="page page-bundles">
      <h1>Bundles</h1>
      <UploadZone onShowReport={showReport} />
      <section aria-label="Bundles">
        {bundles.isPending ? (
          <Loading what="bundles" />
        ) : bundles.isError ? (
          <ErrorState
            error={bundles.error}
            title="Cannot list bundles"
            retry={() => void bundles.refetch()}
          />
        ) : bundles.data.bundles.length === 0 ? (
          <Empty title="No bundles yet">
            Upload a log bundle above, or run `pnpm kubetrail ingest PATH`.
          </Empty>
        ) : (
          <BundlesTable bundles={bundles.data.bundles} onShowReport={showReport} openReport={report} />
        )}
      </section>
      {report && <ReportSection bundleId={report} onClose={() => showReport(null)} />}
    </div>
  );
}

function ReportSection({ bundleId, onClose }: { bundleId: string; onClose: () => void }) {
  const q = useBundleQuery(bundleId);
  return (
    <div className="report-wrap">
      <button type="button" className="close" onClick={onClose} aria-label="Close report">
        Close
      </button>
      {q.isPending ? (
        <Loading what="ingest report" />
      ) : q.isError ? (
        <ErrorState error={q.error} title="Cannot load the ingest report" />
      ) : (
        <IngestReport bundle={q.data} />
      )}
    </div>
  );
}

function BundlesTable({
  bundles,
  onShowReport,
  openReport,
}: {
  bundles: Bundle[];
  onShowReport: (id: string) => void;
  openReport: string | null;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col">Time range (UTC)</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bundles.map((b) => (
            <BundleRow key={b.id} bundle={b} onShowReport={onShowReport} reportOpen={openReport === b.id} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BundleRow({
  bundle: b,
  onShowReport,
  reportOpen,
}: {
  bundle: Bundle;
  onShowReport: (id: string) => void;
  reportOpen: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const del = useDeleteBundleMutation();
  const href = `/bundles/${encodeURIComponent(b.id)}`;
  return (
    <tr>
      <td>
        {b.status === 'ready' ? (
          <Link href={href} className="strong">
            {b.name}
          </Link>
        ) : (
          <span className="strong">{b.name}</span>
        )}
        <div className="muted mono small">{b.id}</div>
      </td>
      <td>
        <span className={`status status-${b.status}`}>{b.status}</span>
        {b.status === 'ingesting' && b.progress && (
          <div className="muted small">
            {b.progress.stage}, {formatCount(b.progress.records)} records
          </div>
        )}
        {b.status === 'failed' && b.error && <div className="error-text small">{b.error}</div>}
      </td>
      <td className="num">{formatCount(b.records)}</td>
      <td className="num">{formatCount(b.requests)}</td>
      <td className="small nowrap">
        {b.timeRange ? (
          <>
            {formatTimestamp(b.timeRange.from)}
            <br />→ {formatTimestamp(b.timeRange.to)}
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="num">{formatBytes(b.sizeBytes)}</td>
      <td className="actions">
        <div className="actions-inner">
          {b.status === 'ready' && (
            <Link href={`${href}/search`} className="button">
              Search
            </Link>
          )}
          <button type="button" aria-pressed={reportOpen} onClick={() => onShowReport(b.id)}>
            Report
          </button>
          {confirming ? (
            <span className="confirm" role="group" aria-label={`Confirm deleting ${b.name}`}>
              <span>Delete {b.name} and everything ingested from it?</span>
              <button
                type="button"
                className="button-danger"
                disabled={del.isPending}
                onClick={() => del.mutate(b.id, { onSuccess: () => setConfirming(false) })}
              >
                {del.isPending ? 'Deleting…' : 'Confirm delete'}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" aria-label={`Delete ${b.name}`} onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
        {del.isError && <div className="error-text small">{errorMessage(del.error)}</div>}
      </td>
    </tr>
  );
}
