import { round3 } from './viewport';

/**
 * Shareable view state of the timeline page. Times are milliseconds since the timeline's origin
 * (the request's start), so a link stays right after the same bundle is re-ingested.
 */
export interface TimelineUrlState {
  /** The visible window; null means "the whole request". */
  from: number | null;
  to: number | null;
  /** Lane ids the user hid (new lanes show by default). */
  hidden: string[];
  /** Selected record id. */
  sel: number | null;
  /** Selected trace span, `<traceId>:<spanId>` (spans have no record id). */
  span: string | null;
  errorsOnly: boolean;
}

export const DEFAULT_TIMELINE_STATE: TimelineUrlState = {
  from: null,
  to: null,
  hidden: [],
  sel: null,
  span: null,
  errorsOnly: false,
};

const num = (s: string | null): number | null => {
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

export function parseUrl(search: string): TimelineUrlState {
  const p = new URLSearchParams(search);
  let from = num(p.get('from'));
  let to = num(p.get('to'));
  if (from === null || to === null || !(to > from)) {
    from = null;
    to = null;
  }
  const sel = num(p.get('sel'));
  const hidden = p
    .getAll('hide')
    .flatMap((h) => h.split(','))
    .filter(Boolean);
  return {
    from,
    to,
    hidden: [...new Set(hidden)],
    sel: sel !== null && Number.isInteger(sel) && sel >= 0 ? sel : null,
    span: /^[0-9a-f]{1,32}:[0-9a-f]{1,16}$/.test(p.get('span') ?? '') ? p.get('span') : null,
    errorsOnly: p.get('errors') === '1',
  };
}

/** The query string (no `?`) for a state; defaults are left out. */
export function toSearch(state: Partial<TimelineUrlState>): string {
  const s = { ...DEFAULT_TIMELINE_STATE, ...state };
  const p = new URLSearchParams();
  if (s.from !== null && s.to !== null && s.to > s.from) {
    p.set('from', String(round3(s.from)));
    p.set('to', String(round3(s.to)));
  }
  if (s.sel !== null) p.set('sel', String(s.sel));
  if (s.span !== null) p.set('span', s.span);
  if (s.errorsOnly) p.set('errors', '1');
  if (s.hidden.length) p.set('hide', [...s.hidden].sort().join(','));
  return p.toString();
}

/** Path and query of a timeline view. */
export function getUrl(bundleId: string, reqId: string, state: Partial<TimelineUrlState> = {}): string {
  const qs = toSearch(state);
  return `/bundles/${encodeURIComponent(bundleId)}/requests/${encodeURIComponent(reqId)}${qs ? `?${qs}` : ''}`;
}

/** Link to a request's timeline, optionally with a record selected. */
export const timelineHref = (bundleId: string, reqId: string, sel: number | null = null): string =>
  getUrl(bundleId, reqId, { sel });
