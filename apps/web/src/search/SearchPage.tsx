import { Link, useLocation, useParams, useSearch } from 'wouter';
import { SEVERITIES } from '@kubetrail/model';
import type { Severity } from '@kubetrail/model';
import { useBundleQuery } from '../bundles/useBundlesQuery';
import { Empty, ErrorState, Loading } from '../components/States';
import { TextFilter } from '../components/TextFilter';
import { countOf, formatCount } from '../lib/format';
import { useTimeFormat } from '../lib/timeFormat';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { requestsBackHref } from '../requests/url';
import { timelineHref } from '../timeline/url';
import { HitHistogram } from './HitHistogram';
import { Snippet } from './Snippet';
import { getUrl, parseUrl, SEARCH_PAGE_SIZE } from './url';
import type { SearchUrlState } from './url';
import { useHitHistogramQuery, useSearchQuery } from './useSearchQuery';
import './search.css';

export function SearchPage() {
  const { bundleId = '' } = useParams<{ bundleId: string }>();
  const [, navigate] = useLocation();
  const state = parseUrl(useSearch());
  const bundle = useBundleQuery(bundleId);
  const results = useSearchQuery(bundleId, state);
  const hist = useHitHistogramQuery(bundleId, state);
  const fmt = useTimeFormat();
  useDocumentTitle(state.q ? `Search: ${state.q}` : 'Search');
  const set = (patch: Partial<SearchUrlState>, push = false) =>
    navigate(getUrl(bundleId, { ...state, offset: 0, ...patch }), { replace: !push });
  const components = bundle.data?.report?.components ?? [];
  const scoped = state.reqId || state.component || state.severity || state.from || state.to;

  return (
    <div className="page page-search">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/">Bundles</Link> / <Link href={requestsBackHref(bundleId)}>Requests</Link> / Search
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
          placeholder={state.fts ? 'FTS5: "a phrase" AND word*' : 'Paste any part of a line'}
          onApply={(q) => set({ q }, true)}
          hint={
            state.fts
              ? 'Advanced: "a phrase", AND, OR, NOT, NEAR(…), prefix* (3+ letters)'
              : 'Matched as typed, symbols included, any case'
          }
        />
        <label className="check">
          <input type="checkbox" checked={state.fts} onChange={(e) => set({ fts: e.target.checked })} />
          Advanced (FTS syntax)
        </label>
        <label className="field">
          <span className="field-label">Component</span>
          <select value={state.component} onChange={(e) => set({ component: e.target.value })}>
            <option value="">any</option>
            {components.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Severity</span>
          <select
            value={state.severity ?? ''}
            onChange={(e) =>
              set({
                severity: (SEVERITIES as readonly string[]).includes(e.target.value)
                  ? (e.target.value as Severity)
                  : null,
              })
            }
          >
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s} or worse
              </option>
            ))}
          </select>
        </label>
        <TextFilter
          label="Request (reqID)"
          value={state.reqId}
          placeholder="any request"
          onApply={(reqId) => set({ reqId })}
        />
        {scoped && (
          <button
            type="button"
            className="link-button"
            onClick={() => set({ reqId: '', component: '', severity: null, from: '', to: '' })}
          >
            Search everywhere
          </button>
        )}
      </form>
      {(state.from || state.to) && (
        <p className="small">
          Only lines from {fmt.timestamp(state.from) || 'the start'} to {fmt.timestamp(state.to) || 'the end'}
          .{' '}
          <button type="button" className="link-button" onClick={() => set({ from: '', to: '' })}>
            Any time
          </button>
        </p>
      )}
      {!state.q ? (
        <Empty title="Type or paste a search">
          Every line of the bundle, as typed: a pod name, a UID, an error, a whole pasted line.
        </Empty>
      ) : results.isPending ? (
        <Loading what="results" />
      ) : results.isError ? (
        <ErrorState error={results.error} title="Search failed" />
      ) : (
        <>
          {hist.data && (
            <HitHistogram histogram={hist.data} onWindow={(from, to) => set({ from, to }, true)} />
          )}
          {results.data.hits.length === 0 ? (
            <Empty
              title={
                results.data.partial ? 'Nothing found before the search ran out of time' : 'No lines match'
              }
            >
              {results.data.partial
                ? 'Narrow it: a request, a component, a time window, or more of the line.'
                : state.q.includes('*') && !state.fts
                  ? 'Literal search matches * as a character; words already match as prefixes. Or tick Advanced.'
                  : 'Try fewer characters, or another part of the line.'}
            </Empty>
          ) : (
            <>
              <p className="muted small" role="status">
                {results.data.capped || results.data.partial
                  ? `${formatCount(results.data.total)}+ matching lines`
                  : countOf(results.data.total, 'matching line')}
                , in time order
                {results.data.partial ? ' (the search ran out of time: narrow it for a full count)' : ''}
              </p>
              <ol className={`hits${results.isPlaceholderData ? ' stale' : ''}`} aria-label="Search results">
                {results.data.hits.map((h) => {
                  const r = h.record;
                  const req = h.reqIds[0];
                  return (
                    <li key={r.id} className="hit">
                      <div className="hit-meta">
                        <span className={`sev sev-${r.severity}`}>{r.severity}</span>
                        <span className="mono">{fmt.timestamp(r.ts)}</span>
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
                  onClick={() => set({ offset: Math.max(0, state.offset - SEARCH_PAGE_SIZE) }, true)}
                >
                  Previous page
                </button>
                <span>
                  {state.offset + 1}–{state.offset + results.data.hits.length} of{' '}
                  {formatCount(results.data.total)}
                  {results.data.capped || results.data.partial ? '+' : ''}
                </span>
                <button
                  type="button"
                  disabled={state.offset + SEARCH_PAGE_SIZE >= results.data.total && !results.data.capped}
                  onClick={() => set({ offset: state.offset + SEARCH_PAGE_SIZE }, true)}
                >
                  Next page
                </button>
              </nav>
            </>
          )}
        </>
      )}
    </div>
  );
}
