/**
 * The part of a raw log line that the lines table already shows in its own columns: a journald
 * prefix (`Oct 14 10:02:11 minikube kubelet[2477]: `), a CRI prefix (`2024-06-10T11:35:40.123Z
 * stderr F `), a klog header's level, date, time and thread (`I1014 10:02:11.601233    2477 `).
 * What follows — the klog caller, then the message — is what a reader scans for. Returns the
 * offset where that starts (0 when the line has none of these heads); the whole line is still
 * shown when wrapped, in the details and when copied.
 */
const JOURNALD = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ [^\s:[\]]+(?:\[\d+\])?: /;
const CRI = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) (?:stdout|stderr) [FP] /;
const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ /;

export function lineHeadLength(raw: string): number {
  let at = 0;
  for (const re of [JOURNALD, CRI, KLOG]) {
    const m = re.exec(raw.slice(at, at + 200));
    if (m) at += m[0].length;
  }
  return at;
}
