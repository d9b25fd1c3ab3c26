import { useEffect } from 'react';

/** Sets the tab title (`kubetrail — …`) while the page is shown. */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} — kubetrail` : 'kubetrail';
  }, [title]);
}
