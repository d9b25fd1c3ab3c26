/** journalctl's default (`short`, `short-precise`) line: `Jun 10 11:35:40 host unit[pid]: msg`. */
export interface JournaldLine {
  month: number;
  day: number;
  secondOfDay: number;
  micros: number;
  host: string;
  /** SYSLOG_IDENTIFIER, e.g. `kubelet`, `containerd`, `systemd`. */
  identifier: string;
  pid: number | null;
  message: string;
}

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const dig = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** True for journalctl's own marker lines (`-- Logs begin at …`, `-- No entries --`, `-- Reboot --`). */
export function isJournaldMarker(line: string): boolean {
  return line.startsWith('-- ') && (line.endsWith(' --') || line.includes('begin'));
}

/** Parses a journalctl short/short-precise line; null when it is not one. */
export function parseJournaldLine(line: string): JournaldLine | null {
  if (line.length < 17 || line.charCodeAt(3) !== 32) return null;
  const month = MONTHS[line.slice(0, 3)];
  if (month === undefined) return null;
  const d1 = line.charCodeAt(4);
  if (!(d1 === 32 || isDigit(d1)) || !isDigit(line.charCodeAt(5)) || line.charCodeAt(6) !== 32) return null;
  const day = (d1 === 32 ? 0 : d1 - 48) * 10 + dig(line, 5);
  if (line.charCodeAt(9) !== 58 || line.charCodeAt(12) !== 58) return null;
  const secondOfDay = (dig(line, 7) * 10 + dig(line, 8)) * 3600 + (dig(line, 10) * 10 + dig(line, 11)) * 60;
  const sec = dig(line, 13) * 10 + dig(line, 14);
  if (!(secondOfDay >= 0 && sec >= 0 && sec <= 60)) return null;
  let i = 15;
  let micros = 0;
  if (line.charCodeAt(i) === 46) {
    i++;
    let scale = 100_000;
    while (isDigit(line.charCodeAt(i))) {
      if (scale >= 1) micros += dig(line, i) * scale;
      scale /= 10;
      i++;
    }
  }
  if (line.charCodeAt(i) !== 32) return null;
  const hostEnd = line.indexOf(' ', i + 1);
  if (hostEnd === -1) return null;
  const host = line.slice(i + 1, hostEnd);
  const colon = line.indexOf(': ', hostEnd + 1);
  const tagEnd = colon === -1 ? (line.endsWith(':') ? line.length - 1 : -1) : colon;
  if (tagEnd === -1) return null;
  let tag = line.slice(hostEnd + 1, tagEnd);
  let pid: number | null = null;
  const br = tag.indexOf('[');
  if (br !== -1 && tag.endsWith(']')) {
    pid = Number(tag.slice(br + 1, -1));
    if (!Number.isInteger(pid)) pid = null;
    tag = tag.slice(0, br);
  }
  if (tag.length === 0 || tag.includes(' ')) return null;
  return {
    month,
    day,
    secondOfDay: secondOfDay + sec,
    micros,
    host,
    identifier: tag,
    pid,
    message: colon === -1 ? '' : line.slice(colon + 2),
  };
}
