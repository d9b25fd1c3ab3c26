import { useState } from 'react';
import { cleanLogText } from '../lib/ansi';
import { formatBytes } from '../lib/format';

/**
 * Long log text folded: the first `limit` characters, then "Show all" (a 200 KB line must not
 * make the page tens of thousands of pixels tall). Cleaned for display; text, never HTML.
 */
export function FoldedText({ text, limit = 2000 }: { text: string; limit?: number }) {
  const [open, setOpen] = useState(false);
  if (text.length <= limit || open) return <>{cleanLogText(text)}</>;
  return (
    <>
      {cleanLogText(text.slice(0, limit))}…{' '}
      <button
        type="button"
        className="link-button fold-toggle"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        Show all ({formatBytes(new TextEncoder().encode(text).length)})
      </button>
    </>
  );
}
