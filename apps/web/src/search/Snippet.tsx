import { parseSnippet } from '../lib/snippet';

/** A search snippet with its matches as <mark> elements — React text nodes, never HTML. */
export function Snippet({ text }: { text: string }) {
  return (
    <span className="snippet mono">
      {parseSnippet(text).map((p, i) =>
        p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </span>
  );
}
