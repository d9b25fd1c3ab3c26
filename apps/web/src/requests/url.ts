import { OutcomeSchema } from '@kubetrail/model';
import type { Outcome } from '@kubetrail/model';

export const SORTS = ['time', '-time', 'user', 'outcome'] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 50;

/** Shareable view state of the requests page: filters, search, sort and page. */
export interface RequestsUrlState {
  q: string;
  outcome: Outcome | null;
  verb: string;
  resource: string;
  namespace: string;
  user: string;
  /** RFC 3339 strings, as typed. */
  from: string;
  to: string;
  sort: Sort;
  offset: number;
}

export const DEFAULT_REQUESTS_STATE: RequestsUrlState = {
  q: '',
  outcome: null,
  verb: '',
  resource: '',
  namespace: '',
  user: '',
  from: '',
  to: '',
  sort: 'time',
  offset: 0,
};

const TEXT_KEYS = ['q', 'verb', 'resource', 'namespace', 'user', 'from', 'to'] as const;

export function parseUrl(search: string): RequestsUrlState {
  const p = new URLSearchParams(search);
  const state: RequestsUrlState = { ...DEFAULT_REQUESTS_STATE };
  for (const k of TEXT_KEYS) state[k] = p.get(k) ?? '';
  const outcome = OutcomeSchema.safeParse(p.get('outcome'));
  state.outcome = outcome.success ? outcome.data : null;
  const sort = p.get('sort');
  state.sort = (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'time';
  const offset = Number(p.get('offset'));
  state.offset = Number.isInteger(offset) && offset > 0 ? offset : 0;
  return state;
}

/** The page's path with only non-default values in the query string. */
export function getUrl(bundleId: string, state: Partial<RequestsUrlState>): string {
  const s = { ...DEFAULT_REQUESTS_STATE, ...state };
  const p = new URLSearchParams();
  for (const k of TEXT_KEYS) if (s[k].trim()) p.set(k, s[k].trim());
  if (s.outcome) p.set('outcome', s.outcome);
  if (s.sort !== 'time') p.set('sort', s.sort);
  if (s.offset > 0) p.set('offset', String(s.offset));
  const qs = p.toString();
  return `/bundles/${encodeURIComponent(bundleId)}${qs ? `?${qs}` : ''}`;
}

/** The API query for a page state (same names as RequestsQuerySchema). */
export function toApiQuery(s: RequestsUrlState): Record<string, string | number | undefined> {
  return {
    q: s.q || undefined,
    outcome: s.outcome ?? undefined,
    verb: s.verb || undefined,
    resource: s.resource || undefined,
    namespace: s.namespace || undefined,
    user: s.user || undefined,
    from: s.from || undefined,
    to: s.to || undefined,
    sort: s.sort,
    offset: s.offset,
    limit: PAGE_SIZE,
  };
}
