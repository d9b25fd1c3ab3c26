import type { ReactNode } from 'react';
import { errorMessage } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function ErrorState({ error, title, retry }: { error: unknown; title?: string; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      <span>{errorMessage(error)}</span>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <span>{children}</span>}
    </div>
  );
}
