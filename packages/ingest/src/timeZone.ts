/**
 * `--tz` values: `UTC`/`Z`, a fixed offset (`+02:00`, `-0530`, `+2`), or an IANA zone name
 * (`Europe/Berlin`), whose offset depends on the instant (daylight saving time).
 */
export type TimeZoneSpec = { kind: 'fixed'; offsetMinutes: number } | { kind: 'iana'; name: string };

/** Parses a `--tz` value; throws a plain Error with a readable message when it is none of the above. */
export function parseTimeZone(value: string): TimeZoneSpec {
  const v = value.trim();
  if (/^(utc|gmt|z)$/i.test(v)) return { kind: 'fixed', offsetMinutes: 0 };
  const m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(v);
  if (m) {
    const [, sign, hh, mm] = m;
    const hours = Number(hh);
    const minutes = Number(mm ?? '0');
    if (hours > 14 || minutes > 59) throw new Error(`invalid time zone offset: ${value}`);
    return { kind: 'fixed', offsetMinutes: (sign === '-' ? -1 : 1) * (hours * 60 + minutes) };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    throw new Error(
      `unknown time zone: ${value} (use UTC, +02:00, -0530 or an IANA name like Europe/Berlin)`,
    );
  }
  return { kind: 'iana', name: v };
}

/** Minutes east of UTC of an IANA zone at the given instant (ms since the epoch). */
export function zoneOffsetMinutes(zone: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(atMs));
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
}

/** The offset to apply to zone-less klog times, given the bundle's reference instant when known. */
export function resolveOffsetMinutes(spec: TimeZoneSpec, referenceMs: number | null): number {
  if (spec.kind === 'fixed') return spec.offsetMinutes;
  return zoneOffsetMinutes(spec.name, referenceMs ?? Date.now());
}
