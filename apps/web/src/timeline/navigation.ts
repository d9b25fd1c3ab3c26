import type { Scene } from './scene';

/** Severity rank of `error` (see SEVERITIES). */
const ERROR_RANK = 3;

/**
 * The next (dir = 1) or previous (dir = -1) selectable record after `current`, skipping hidden
 * lanes. With nothing selected, starts from the beginning (or the end going back). Null at the ends.
 * `errorsOnly` restricts to error and fatal records (the "e" key). `fallbackT` (ms) is the
 * selection's time when the scene does not hold it (filtered out, or outside the fetched window).
 */
export function step(
  scene: Scene,
  current: number | null,
  dir: 1 | -1,
  isLaneVisible: (lane: number) => boolean,
  errorsOnly = false,
  fallbackT?: number | null,
): number | null {
  const { nav } = scene;
  let pos: number;
  if (current === null) pos = dir === 1 ? -1 : nav.n;
  else {
    pos = -1;
    for (let i = 0; i < nav.n; i++)
      if (nav.recordId[i] === current) {
        pos = i;
        break;
      }
    if (pos === -1) {
      // The selection is not in this window (e.g. from a search): start from its time if known.
      const t = scene.recordT.get(current) ?? fallbackT ?? undefined;
      if (t === undefined) pos = dir === 1 ? -1 : nav.n;
      else {
        pos = 0;
        while (pos < nav.n && (nav.t[pos] as number) < t) pos++;
        if (dir === 1) pos--;
      }
    }
  }
  for (let i = pos + dir; i >= 0 && i < nav.n; i += dir) {
    if (!isLaneVisible(nav.lane[i] as number)) continue;
    if (errorsOnly && (nav.sev[i] as number) < ERROR_RANK) continue;
    return nav.recordId[i] as number;
  }
  return null;
}
