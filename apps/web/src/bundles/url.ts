/** View state of the bundles page: which bundle's ingest report is open. */
export interface BundlesUrlState {
  report: string | null;
}

export function parseUrl(search: string): BundlesUrlState {
  const p = new URLSearchParams(search);
  return { report: p.get('report') || null };
}

export function getUrl(state: BundlesUrlState): string {
  const p = new URLSearchParams();
  if (state.report) p.set('report', state.report);
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}
