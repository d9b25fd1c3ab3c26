export const SEARCH_PAGE_SIZE = 50;

/** Shareable view state of the search page. */
export interface SearchUrlState {
  q: string;
  offset: number;
}

export function parseUrl(search: string): SearchUrlState {
  const p = new URLSearchParams(search);
  const offset = Number(p.get('offset'));
  return { q: p.get('q') ?? '', offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

export function getUrl(bundleId: string, state: Partial<SearchUrlState>): string {
  const p = new URLSearchParams();
  if (state.q?.trim()) p.set('q', state.q.trim());
  if (state.offset && state.offset > 0) p.set('offset', String(state.offset));
  const qs = p.toString();
  return `/bundles/${encodeURIComponent(bundleId)}/search${qs ? `?${qs}` : ''}`;
}
