/**
 * Turns what a person types into an FTS5 query. Plain words become quoted phrases (so
 * `web-7d4b9c5f6-abcde` or `audit-ID` search as written instead of being read as FTS operators);
 * a query that uses FTS syntax itself (quotes, AND/OR/NOT/NEAR, parentheses, `*`) is passed through
 * and a syntax error in it is the caller's to report.
 */
export function toFtsQuery(input: string): string {
  const text = input.trim();
  if (/["()*]|\b(AND|OR|NOT|NEAR)\b/.test(text)) return text;
  return text
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => `"${t.replaceAll('"', '""')}"`)
    .join(' ');
}
