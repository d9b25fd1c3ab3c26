import { useEffect } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { OutcomeSchema, parseRfc3339Ns } from '@kubetrail/model';
import type { Outcome, Request } from '@kubetrail/model';
import { useBundleQuery } from '../bundles/useBundlesQuery';
import { OutcomeBadge } from '../components/OutcomeBadge';
import { explainingTarget } from '../components/outcome';
import { Empty, ErrorState, Loading } from '../components/States';
import { TextFilter } from '../components/TextFilter';
import { countOf, formatCount, formatDuration } from '../lib/format';
import { useTimeFormat } from '../lib/timeFormat';
import { cleanLogText } from '../lib/ansi';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { timelineHref } from '../timeline/url';
import { getUrl, PAGE_SIZE, parseUrl, rememberRequestsUrl, toRfc3339 } from './url';
import type { RequestsUrlState, Sort } from './url';
import { useRequestsQuery } from './useRequestsQuery';
import './requests.css';

const validTime = (v: string) =>
  toRfc3339(v) === null ? 'Use a date and time, e.g. 2024-06-10 11:35' : null;

export function RequestsPage() {
  const { bundleId = '' } = useParams<{ bundleId: string }>();
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = parseUrl(search);
  const bundle = useBundleQuery(bundleId);
  const requests = useRequestsQuery(bundleId, state);
  useDocumentTitle(bundle.data ? `Requests in ${bundle.data.name}` : 'Requests');
  const set = (patch: Partial<RequestsUrlState>) =>
    navigate(getUrl(bundleId, { ...state, offset: 0, ...patch }), { replace: true });
  // The way back from a timeline (its breadcrumb) returns to this list as filtered now.
  const here = getUrl(bundleId, state);
  useEffect(() => rememberRequestsUrl(bundleId, here), [bundleId, here]);

  return (
    <div className="page page-requests">
      <div className="page-head">
        <h1>
          Requests{' '}
          {bundle.data && (
            <span className="muted">
              in <span className="mono">{bundle.data.name}</span>
            </span>
          )}
        </h1>
        <Link href={`/bundles/${encodeURIComponent(bundleId)}/search`} className="button">
          Search all lines
        </Link>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter requests"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextFilter
          label="Search requests"
          type="search"
          className="field-wide"
          value={state.q}
          placeholder="Search name, user, reason, reqID"
          onApply={(q) => set({ q })}
        />
        <label className="field">
          <span className="field-label">Outcome</span>
          <select
            value={state.outcome ?? ''}
            onChange={(e) => {
              const o = OutcomeSchema.safeParse(e.target.value);
              set({ outcome: o.success ? o.data : null });
            }}
          >
            <option value="">any</option>
            {(['failed', 'rejected', 'incomplete', 'complete'] satisfies Outcome[]).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <TextFilter label="Verb" value={state.verb} placeholder="any" onApply={(verb) => set({ verb })} />
        <TextFilter
          label="Resource"
          value={state.resource}
          placeholder="any"
          onApply={(resource) => set({ resource })}
        />
        <TextFilter
          label="Namespace"
          value={state.namespace}
          placeholder="any"
          onApply={(namespace) => set({ namespace })}
        />
        <TextFilter label="User" value={state.user} placeholder="any" onApply={(user) => set({ user })} />
        <TextFilter
          label="Started from (UTC)"
          className="field-time"
          value={state.since}
          placeholder="any time"
          hint="e.g. 2024-06-10 11:35"
          validate={validTime}
          onApply={(since) => set({ since })}
        />
        <TextFilter
          label="Started until (UTC)"
          className="field-time"
          value={state.until}
          placeholder="any time"
          hint="a date alone: its whole day"
          validate={validTime}
          onApply={(until) => set({ until })}
        />
        <label className="check check-field">
          <input type="checkbox" checked={state.system} onChange={(e) => set({ system: e.target.checked })} />
          Show system activity
        </label>
        {search && (
          <button type="button" className="link-button" onClick={() => navigate(getUrl(bundleId, {}))}>
            Clear filters
          </button>
        )}
      </form>
      {requests.isPending ? (
        <Loading what="requests" />
      ) : requests.isError ? (
        <ErrorState
          error={requests.error}
          title="Cannot list requests"
          retry={() => void requests.refetch()}
        />
      ) : requests.data.requests.length === 0 ? (
        <Empty title={search ? 'No request matches these filters' : 'No requests in this bundle'}>
          {search
            ? 'Loosen or clear the filters.'
            : 'The bundle has no user operations that kubetrail recognised.'}
          {requests.data.systemHidden > 0 && (
            <>
              {' '}
              {countOf(requests.data.systemHidden, 'system request')} (control-plane activity) hidden.{' '}
              <button type="button" className="link-button" onClick={() => set({ system: true })}>
                Show them
              </button>
            </>
          )}
        </Empty>
      ) : (
        <>
          <RequestsTable
            bundleId={bundleId}
            requests={requests.data.requests}
            sort={state.sort}
            onSort={(sort) => set({ sort })}
            stale={requests.isPlaceholderData}
          />
          {requests.data.systemHidden > 0 && (
            <p className="muted small">
              {countOf(requests.data.systemHidden, 'system request')} (control-plane activity) hidden.{' '}
              <button type="button" className="link-button" onClick={() => set({ system: true })}>
                Show them
              </button>
            </p>
          )}
          <Pager
            total={requests.data.total}
            offset={state.offset}
            onOffset={(offset) => navigate(getUrl(bundleId, { ...state, offset }), { replace: true })}
          />
        </>
      )}
    </div>
  );
}

function SortHeader({
  label,
  asc,
  desc,
  sort,
  onSort,
}: {
  label: string;
  asc: Sort;
  desc?: Sort;
  sort: Sort;
  onSort: (s: Sort) => void;
}) {
  const active = sort === asc || sort === desc;
  const ariaSort = !active ? 'none' : sort === desc ? 'descending' : 'ascending';
  const next = sort === asc && desc ? desc : asc;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort" onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true">{!active ? ' ↕' : ariaSort === 'descending' ? ' ↓' : ' ↑'}</span>
      </button>
    </th>
  );
}

function RequestsTable({
  bundleId,
  requests,
  sort,
  onSort,
  stale,
}: {
  bundleId: string;
  requests: Request[];
  sort: Sort;
  onSort: (s: Sort) => void;
  stale: boolean;
}) {
  const [, navigate] = useLocation();
  const fmt = useTimeFormat();
  return (
    <div className={`table-wrap${stale ? ' stale' : ''}`}>
      <table className="table requests-table">
        <thead>
          <tr>
            <SortHeader
              label={`Started (${fmt.zone === 'utc' ? 'UTC' : 'local'})`}
              asc="time"
              desc="-time"
              sort={sort}
              onSort={onSort}
            />
            <SortHeader label="User" asc="user" sort={sort} onSort={onSort} />
            <th scope="col">Verb</th>
            <th scope="col">Target</th>
            <SortHeader label="Outcome" asc="outcome" sort={sort} onSort={onSort} />
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Lines
            </th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => {
            const href = timelineHref(bundleId, r.reqId);
            const why = explainingTarget(r)?.stoppedAt?.reason;
            const verbs = [...new Set(r.targets.map((t) => t.verb))].join(', ');
            const ms =
              (Number(parseRfc3339Ns(r.endedAt) ?? 0n) - Number(parseRfc3339Ns(r.startedAt) ?? 0n)) / 1e6;
            return (
              <tr key={r.reqId} className="clickable" onClick={() => navigate(href)}>
                <td className="mono nowrap">{fmt.timestamp(r.startedAt)}</td>
                <td>
                  {r.user ?? <span className="muted">unknown</span>}
                  {r.impersonatedUser && <div className="muted small">as {r.impersonatedUser}</div>}
                </td>
                <td>{verbs || '—'}</td>
                <td>
                  {r.targets.length === 0 && <span className="muted">—</span>}
                  {r.targets.map((t, i) => (
                    <div key={i}>
                      <Link href={href} className="target-link" onClick={(e) => e.stopPropagation()}>
                        {t.resource}/{t.namespace ? `${t.namespace}/` : ''}
                        {t.name}
                      </Link>
                    </div>
                  ))}
                </td>
                <td>
                  <OutcomeBadge request={r} />
                  {why && <div className="reason small">{cleanLogText(why)}</div>}
                </td>
                <td className="num nowrap">{ms > 0 ? formatDuration(ms) : '—'}</td>
                <td className="num">{formatCount(r.records)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Pager({
  total,
  offset,
  onOffset,
}: {
  total: number;
  offset: number;
  onOffset: (o: number) => void;
}) {
  const last = Math.min(total, offset + PAGE_SIZE);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}>
        Previous page
      </button>
      <span>
        {total === 0 ? 0 : offset + 1}–{last} of {countOf(total, 'request')}
      </span>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + PAGE_SIZE)}>
        Next page
      </button>
    </nav>
  );
}
