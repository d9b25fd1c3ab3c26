/** A member name from an archive, checked and normalised; or the reason it was refused. */
export type MemberPath =
  { kind: 'file'; path: string } | { kind: 'directory' } | { kind: 'refused'; reason: string };

/**
 * Normalises a member name from an archive (tar header, zip central directory) into a relative,
 * `/`-separated bundle path, or refuses it. Nothing is ever extracted to disk, but the paths reach the
 * database, the ingest report and permalinks, so a name that would escape an extraction root
 * (zip-slip) is refused rather than silently rewritten: the user sees exactly which member was hostile.
 *
 * - backslashes become `/` (zip tools on Windows write them);
 * - absolute names (`/etc/passwd`, `C:\x`, `\\server\share`) are refused; `a:b.log` is not one;
 * - any `..` segment is refused, even one that would stay inside the root (`a/../b`);
 * - `./` prefixes, `.` segments and repeated slashes are dropped;
 * - a name ending in `/` (or empty after normalising, like `./`) is a directory.
 */
export function normaliseMemberPath(raw: string): MemberPath {
  if (raw.includes('\0')) return { kind: 'refused', reason: 'invalid path refused (NUL byte)' };
  const slashed = raw.replace(/\\/g, '/');
  // `C:\x` and `C:` are Windows roots; `a:b.log` is an ordinary (if odd) relative name.
  if (slashed.startsWith('/') || /^[A-Za-z]:(?:\/|$)/.test(slashed)) {
    return { kind: 'refused', reason: 'absolute path refused' };
  }
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { kind: 'refused', reason: "path traversal refused ('..' segment)" };
    segments.push(segment);
  }
  if (segments.length === 0 || slashed.endsWith('/')) return { kind: 'directory' };
  return { kind: 'file', path: segments.join('/') };
}

/**
 * The name to show for a refused member: its normalised path when it has one (a symlink's name is
 * harmless), else the raw name, so the report names what the archive really holds; control
 * characters are replaced so a hostile name cannot forge report lines.
 */
export function displayName(raw: string): string {
  const normalised = normaliseMemberPath(raw);
  const name = normalised.kind === 'file' ? normalised.path : raw;
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}

/** Names of archives we do not open when they sit inside a bundle (see readBundle's doc comment). */
export function isNestedArchiveName(path: string): boolean {
  return /\.(tar|tgz|tar\.gz|tbz2?|tar\.bz2|txz|tar\.xz|tar\.zst|zip|jar|7z|rar)$/i.test(path);
}
