import { SEVERITIES } from '@kubetrail/model';
import type { Severity } from '@kubetrail/model';

export const SEARCH_PAGE_SIZE = 50;

/** Shareable view state of the search page: the text, how it is read, its scope and page. */
export interface SearchUrlState {
  q: string;
  /** Read the text as FTS5 syntax (advanced) instead of literally. */
  fts: boolean;
  /** Only lines of this request. */
  reqId: string;
  component: string;
  /** Only lines at least this severe. */
  severity: Severity | null;
  /** Window, RFC 3339. */
  from: string;
  to: string;
  offset: number;
}

export const DEFAULT_SEARCH_STATE: SearchUrlState = {
  q: '',
  fts: false,
  reqId: '',
  component: '',
  severity: null,
  from: '',
  to: '',
  offset: 0,
};

const TEXT = ['q', 'reqId', 'component', 'from', 'to'] as const;

export function parseUrl(search: string): SearchUrlState {
  const p = new URLSearchParams(search);
  const s: SearchUrlState = { ...DEFAULT_SEARCH_STATE };
  for (const k of TEXT) s[k] = p.get(k) ?? '';
  s.fts = p.get('mode') === 'fts';
  const sev = p.get('severity');
  s.severity = (SEVERITIES as readonly string[]).includes(sev ?? '') ? (sev as Severity) : null;
  const offset = Number(p.get('offset'));
  s.offset = Number.isInteger(offset) && offset > 0 ? offset : 0;
  return s;
}

export function getUrl(bundleId: string, state: Partial<SearchUrlState>): string {
  const s = { ...DEFAULT_SEARCH_STATE, ...state };
  const p = new URLSearchParams();
  for (const k of TEXT) if (s[k].trim()) p.set(k, s[k].trim());
  if (s.fts) p.set('mode', 'fts');
  if (s.severity) p.set('severity', s.severity);
  if (s.offset > 0) p.set('offset', String(s.offset));
  const qs = p.toString();
  return `/bundles/${encodeURIComponent(bundleId)}/search${qs ? `?${qs}` : ''}`;
}

/** The API's search scope for a state (RecordsQuerySchema / HistogramQuerySchema names). */
export function toApiScope(s: SearchUrlState): Record<string, string | undefined> {
  return {
    q: s.q || undefined,
    mode: s.fts ? 'fts' : undefined,
    reqId: s.reqId || undefined,
    component: s.component || undefined,
    severity: s.severity ?? undefined,
    from: s.from || undefined,
    to: s.to || undefined,
  };
}
