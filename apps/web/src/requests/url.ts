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
  /** Bounds of the requests' start: RFC 3339 strings, as typed. */
  since: string;
  until: string;
  /** List control-plane activity too (hidden by default). */
  system: boolean;
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
  since: '',
  until: '',
  system: false,
  sort: 'time',
  offset: 0,
};

const TEXT_KEYS = ['q', 'verb', 'resource', 'namespace', 'user', 'since', 'until'] as const;

export function parseUrl(search: string): RequestsUrlState {
  const p = new URLSearchParams(search);
  const state: RequestsUrlState = { ...DEFAULT_REQUESTS_STATE };
  for (const k of TEXT_KEYS) state[k] = p.get(k) ?? '';
  // Links from before since/until were named from/to (and meant "active in"): read them as bounds.
  state.since ||= p.get('from') ?? '';
  state.until ||= p.get('to') ?? '';
  state.system = p.get('system') === 'include';
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
  if (s.system) p.set('system', 'include');
  if (s.sort !== 'time') p.set('sort', s.sort);
  if (s.offset > 0) p.set('offset', String(s.offset));
  const qs = p.toString();
  return `/bundles/${encodeURIComponent(bundleId)}${qs ? `?${qs}` : ''}`;
}

/**
 * A time as people type it, as RFC 3339 UTC: `2024-06-10T11:35:00Z`, `2024-06-10 11:35`,
 * `2024-06-10 11:35:40.5`, `2024-06-10` (its start, or with `end` its last instant). Null when it
 * is none of these.
 */
export function toRfc3339(input: string, end = false): string | null {
  const v = input.trim();
  const m = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?)?\s*(Z|z|[+-]\d\d:?\d\d)?$/.exec(
    v,
  );
  if (!m) return null;
  const [, date, hh, mm, ss, frac, zone] = m;
  if (hh === undefined) return `${date}T${end ? '23:59:59.999999999' : '00:00:00'}Z`;
  const z = !zone || zone === 'z' ? 'Z' : zone;
  const time = `${hh}:${mm}:${ss ?? (end ? '59' : '00')}${frac ?? (end && !ss ? '.999999999' : '')}`;
  return `${date}T${time}${z}`;
}

/** The API query for a page state (same names as RequestsQuerySchema). */
export function toApiQuery(s: RequestsUrlState): Record<string, string | number | null | undefined> {
  return {
    q: s.q || undefined,
    outcome: s.outcome ?? undefined,
    verb: s.verb || undefined,
    resource: s.resource || undefined,
    namespace: s.namespace || undefined,
    user: s.user || undefined,
    since: s.since ? toRfc3339(s.since) : undefined,
    until: s.until ? toRfc3339(s.until, true) : undefined,
    system: s.system ? 'include' : undefined,
    sort: s.sort,
    offset: s.offset,
    limit: PAGE_SIZE,
  };
}

const LAST_KEY = 'kubetrail.requestsUrl';

/** Remembers the requests page's address (filters, sort, page) for the way back from a timeline. */
export function rememberRequestsUrl(bundleId: string, href: string): void {
  try {
    sessionStorage.setItem(`${LAST_KEY}:${bundleId}`, href);
  } catch {
    // storage unavailable: the breadcrumb then opens the unfiltered list
  }
}

/** The requests page as last seen in this tab (its filters kept), else the unfiltered list. */
export function requestsBackHref(bundleId: string): string {
  try {
    const href = sessionStorage.getItem(`${LAST_KEY}:${bundleId}`);
    if (href?.startsWith(`/bundles/${encodeURIComponent(bundleId)}`)) return href;
  } catch {
    // fall through
  }
  return getUrl(bundleId, {});
}
