import { Link, useLocation, useParams, useSearch } from 'wouter';
import { useBundleQuery } from '../bundles/useBundlesQuery';
import { Empty, ErrorState, Loading } from '../components/States';
import { TextFilter } from '../components/TextFilter';
import { formatCount, formatTimestamp } from '../lib/format';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { timelineHref } from '../timeline/url';
import { Snippet } from './Snippet';
import { getUrl, parseUrl, SEARCH_PAGE_SIZE } from './url';
import { useSearchQuery } from './useSearchQuery';
import './search.css';

export function SearchPage() {
  const { bundleId = '' } = useParams<{ bundleId: string }>();
  const [, navigate] = useLocation();
  const state = parseUrl(useSearch());
  const bundle = useBundleQuery(bundleId);
  const results = useSearchQuery(bundleId, state.q, state.offset);
  useDocumentTitle(state.q ? `Search: ${state.q}` : 'Search');

  return (
    <div className="page page-search">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/">Bundles</Link> /{' '}
        <Link href={`/bundles/${encodeURIComponent(bundleId)}`}>Requests</Link> / Search
      </nav>
      <h1>
        Search lines{' '}
        {bundle.data && (
          <span className="muted">
            in <span className="mono">{bundle.data.name}</span>
          </span>
        )}
      </h1>
      <form role="search" className="search-form" onSubmit={(e) => e.preventDefault()}>
        <TextFilter
          label="Search logs"
          type="search"
          className="field-wide"
          value={state.q}
          placeholder='e.g. "timed out waiting" or FailedMount'
          onApply={(q) => navigate(getUrl(bundleId, { q }), { replace: false })}
        />
        <span className="muted small">Press Enter to search. Quotes match a phrase.</span>
      </form>
      {!state.q ? (
        <Empty title="Type a search">Full-text search over every line of the bundle.</Empty>
      ) : results.isPending ? (
        <Loading what="results" />
      ) : results.isError ? (
        <ErrorState error={results.error} title="Search failed" />
      ) : results.data.hits.length === 0 ? (
        <Empty title="No lines match">Try fewer or different words.</Empty>
      ) : (
        <>
          <p className="muted small" role="status">
            {formatCount(results.data.total)} matching lines
          </p>
          <ol className={`hits${results.isPlaceholderData ? ' stale' : ''}`} aria-label="Search results">
            {results.data.hits.map((h) => {
              const r = h.record;
              const req = h.reqIds[0];
              return (
                <li key={r.id} className="hit">
                  <div className="hit-meta">
                    <span className={`sev sev-${r.severity}`}>{r.severity}</span>
                    <span className="mono">{formatTimestamp(r.ts)}</span>
                    <span>{r.component}</span>
                    {r.node && <span className="muted">{r.node}</span>}
                    <span className="spacer" />
                    {req ? (
                      <Link href={timelineHref(bundleId, req, r.id)} className="button">
                        Open in timeline
                      </Link>
                    ) : (
                      <span className="muted small">no request</span>
                    )}
                  </div>
                  <Snippet text={h.snippet} />
                </li>
              );
            })}
          </ol>
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              disabled={state.offset === 0}
              onClick={() =>
                navigate(
                  getUrl(bundleId, { q: state.q, offset: Math.max(0, state.offset - SEARCH_PAGE_SIZE) }),
                )
              }
            >
              Previous page
            </button>
            <span>
              {state.offset + 1}–{Math.min(results.data.total, state.offset + results.data.hits.length)} of{' '}
              {formatCount(results.data.total)}
            </span>
            <button
              type="button"
              disabled={state.offset + SEARCH_PAGE_SIZE >= results.data.total}
              onClick={() =>
                navigate(getUrl(bundleId, { q: state.q, offset: state.offset + SEARCH_PAGE_SIZE }))
              }
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
