/**
 * What controllers say they created or deleted, by the kind of the object their Event is about:
 * the child's kind and the message that names it (wording of the v1.2x–v1.3x controllers, kept
 * beside real samples in `children.test.ts`).
 */
export interface ChildRule {
  /** Kind (lower case) of the Event's involved object. */
  kind: string;
  reasons: readonly string[];
  /** First group: the child's name. */
  re: RegExp;
  child: string;
  /** The message reports a deletion. */
  deleted?: boolean;
}

export const CHILD_RULES: readonly ChildRule[] = [
  {
    kind: 'deployment',
    reasons: ['ScalingReplicaSet'],
    re: /Scaled (?:up|down) replica set (\S+?)(?: from \d+)? to \d+/,
    child: 'replicaset',
  },
  { kind: 'replicaset', reasons: ['SuccessfulCreate'], re: /Created pod: (\S+)/, child: 'pod' },
  {
    kind: 'replicaset',
    reasons: ['SuccessfulDelete'],
    re: /Deleted pod: (\S+)/,
    child: 'pod',
    deleted: true,
  },
  { kind: 'replicationcontroller', reasons: ['SuccessfulCreate'], re: /Created pod: (\S+)/, child: 'pod' },
  {
    kind: 'statefulset',
    reasons: ['SuccessfulCreate'],
    re: /create Pod (\S+) in StatefulSet \S+ successful/,
    child: 'pod',
  },
  {
    kind: 'statefulset',
    reasons: ['SuccessfulCreate'],
    re: /create Claim (\S+) Pod \S+ in StatefulSet \S+ success/,
    child: 'persistentvolumeclaim',
  },
  {
    kind: 'statefulset',
    reasons: ['SuccessfulDelete'],
    re: /delete Pod (\S+) in StatefulSet \S+ successful/,
    child: 'pod',
    deleted: true,
  },
  { kind: 'daemonset', reasons: ['SuccessfulCreate'], re: /Created pod: (\S+)/, child: 'pod' },
  { kind: 'daemonset', reasons: ['SuccessfulDelete'], re: /Deleted pod: (\S+)/, child: 'pod', deleted: true },
  { kind: 'job', reasons: ['SuccessfulCreate'], re: /Created pod: (\S+)/, child: 'pod' },
  { kind: 'job', reasons: ['SuccessfulDelete'], re: /Deleted pod: (\S+)/, child: 'pod', deleted: true },
  { kind: 'cronjob', reasons: ['SuccessfulCreate'], re: /Created job (\S+)/, child: 'job' },
  { kind: 'cronjob', reasons: ['SawCompletedJob'], re: /Saw completed job: ([^,\s]+)/, child: 'job' },
  { kind: 'cronjob', reasons: ['SuccessfulDelete'], re: /Deleted job (\S+)/, child: 'job', deleted: true },
];

/** The child an Event's message names, and whether it was deleted; null when it names none. */
export function childOf(
  kind: string,
  reason: string,
  message: string,
): { kind: string; name: string; deleted: boolean } | null {
  for (const r of CHILD_RULES) {
    if (r.kind !== kind || !r.reasons.includes(reason)) continue;
    const m = r.re.exec(message);
    if (m?.[1]) return { kind: r.child, name: m[1], deleted: r.deleted === true };
  }
  return null;
}

/** `Scaled up replica set web-7d4 to 3`, `… to 3 from 1`, `… from 1 to 3`. */
export function scalingOf(message: string): { up: boolean; from: number | null; to: number } | null {
  const m = /Scaled (up|down) replica set \S+?(?: from (\d+))? to (\d+)(?: from (\d+))?/.exec(message);
  if (!m) return null;
  const from = m[2] ?? m[4];
  return { up: m[1] === 'up', from: from !== undefined ? Number(from) : null, to: Number(m[3]) };
}

/** Kinds whose operations are the user's unit of work: a fact about a child belongs to them. */
export const ROOT_KINDS = new Set(['deployment', 'statefulset', 'daemonset', 'job', 'cronjob']);
