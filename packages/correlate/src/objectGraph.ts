import type { Op } from './operation.ts';

/**
 * The cluster objects correlation has heard of (Deployments, ReplicaSets, Pods, Nodes, …), who owns
 * whom, and which operation touched each one when. Held in memory for the whole pass: it grows
 * with the number of objects, not with the number of log lines.
 */
export interface ObjectNode {
  /** `pod shop/web-7d4b9c5f6-abcde`, `node kind-worker`: the key in CorrelationResult.objects. */
  key: string;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  owner: ObjectNode | null;
  children: ObjectNode[];
  /** Operations that touched this object, in time order. */
  touches: Touch[];
  /** Pods: the node the scheduler bound it to. */
  nodeName: string | null;
  /** When a deletion was seen (ns). */
  deletedAt: bigint | null;
  /** Nodes: cordoned by a request seen earlier (so a later bodiless patch is the uncordon). */
  cordoned: boolean;
  /** A later object of the same kind and name (deleted and created again: a new UID). */
  replacedBy: ObjectNode | null;
  /** Pods: refused by its node, evicted or preempted (it never counts among an operation's pods). */
  rejected: boolean;
}

export interface Touch {
  op: Op;
  ts: bigint;
}

/** Singular kind for a resource: `deployments` → `deployment`, `ingresses` → `ingress`. */
export function kindOfResource(resource: string): string {
  const k = resource.toLowerCase();
  if (k.endsWith('sses') || k.endsWith('uses') || k.endsWith('xes')) return k.slice(0, -2);
  if (k.endsWith('ies')) return `${k.slice(0, -3)}y`;
  if (k.endsWith('s')) return k.slice(0, -1);
  return k;
}

/** Lower-case kind for an object Kind: `ReplicaSet` → `replicaset`. */
export const kindOfKind = (kind: string): string => kind.toLowerCase();

export const objectKey = (kind: string, namespace: string | null, name: string): string =>
  namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;

/**
 * Pod-template-hash shapes. Real hashes use the safe-encode alphabet (no vowels); simulators and
 * older clusters use hex. A hash must contain a digit or avoid vowels, so `web-worker` is not read
 * as a ReplicaSet of Deployment `web`.
 */
const HASH_RE = /^[a-z0-9]{6,10}$/; // SafeEncodeString of a uint32: 6–10 chars
const SAFE_RE = /^[bcdfghjklmnpqrstvwxz2456789]+$/;
const DIGIT_RE = /\d/;
const isHashLike = (s: string): boolean => HASH_RE.test(s) && (DIGIT_RE.test(s) || SAFE_RE.test(s));
const POD_SUFFIX_RE = /^[a-z0-9]{5}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** API-server UIDs; a static pod's config hash (32 hex digits) is another identity of the same pod. */
const isUuid = (s: string): boolean => UUID_RE.test(s);
/** A static pod's UID: the hash of its manifest (32 hex digits, no dashes). */
const STATIC_UID_RE = /^[0-9a-f]{32}$/;
const MAX_INCARNATIONS = 8;
/** A provisioner's objects named after a claim's UID (local-path, most CSI external-provisioners). */
export const PVC_UID_RE =
  /^(?:helper-pod-(?:create|delete)-)?pvc-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export class ObjectGraph {
  readonly byKey = new Map<string, ObjectNode>();
  /** Lookup by every token that names an object: `ns/name`, bare `name`, UID, container ids. */
  readonly byToken = new Map<string, ObjectNode[]>();
  /**
   * Shapes (length, first and last character) of the tokens in `byToken`: a line's token whose
   * shape is unknown cannot name a known object, and is never sliced or looked up.
   */
  readonly tokenShapes = new Uint8Array(65536);
  /** First three characters of Deployment and ReplicaSet names, for name discovery. */
  readonly ownerPrefixes = new Set<number>();

  get(kind: string, namespace: string | null, name: string): ObjectNode | undefined {
    return this.byKey.get(objectKey(kind, namespace, name));
  }

  /** Finds or adds an object; fills in the UID and owner when they become known. */
  ensure(
    kind: string,
    namespace: string | null,
    name: string,
    uid: string | null = null,
    owner: ObjectNode | null = null,
  ): ObjectNode {
    const key = objectKey(kind, namespace, name);
    let node = this.byKey.get(key);
    // The same name with another UID, or under a newer owner of the same name, is another object:
    // deleted and created again (`kubectl delete` then `apply`). Each gets its own operations.
    const recreated =
      node !== undefined &&
      ((uid !== null && node.uid !== null && node.uid !== uid && isUuid(uid) && isUuid(node.uid)) ||
        (owner !== null && node.owner !== null && node.owner !== owner && node.owner.key === owner.key));
    if (!node || recreated) {
      const previous = node;
      node = {
        key,
        kind,
        namespace,
        name,
        uid: null,
        owner: null,
        children: [],
        touches: [],
        nodeName: null,
        deletedAt: null,
        cordoned: false,
        replacedBy: null,
        rejected: false,
      };
      this.byKey.set(key, node);
      if (previous) {
        previous.replacedBy = node;
        // A StatefulSet's pod `web-0` comes back under the same StatefulSet.
        if (!owner && previous.owner && previous.owner.replacedBy === null) owner = previous.owner;
      }
      this.addToken(name, node);
      if (namespace) this.addToken(`${namespace}/${name}`, node);
    }
    if (uid && node.uid !== uid) {
      node.uid = uid;
      this.addToken(uid, node);
      // Its volume, once provisioned, is named after it (`pvc-<uid>`) in provisioner and kubelet lines.
      if (kind === 'persistentvolumeclaim') this.ensure('persistentvolume', null, `pvc-${uid}`, null, node);
    }
    if (owner && !node.owner && owner !== node) {
      node.owner = owner;
      owner.children.push(node);
    }
    return node;
  }

  addToken(token: string, node: ObjectNode): void {
    this.tokenShapes[tokenShape(token, 0, token.length)] = 1;
    if (node.kind === 'deployment' || node.kind === 'replicaset') this.ownerPrefixes.add(prefix3(token, 0));
    const list = this.byToken.get(token);
    if (!list) this.byToken.set(token, [node]);
    else if (!list.includes(node)) {
      // Keep at most a few incarnations of one name: a name recreated all day stays cheap.
      if (list.length >= MAX_INCARNATIONS) {
        const i = list.findIndex((n) => n.key === node.key && n.replacedBy !== null);
        if (i >= 0) list.splice(i, 1);
      }
      list.push(node);
    }
  }

  /**
   * Recognises a ReplicaSet or Pod from its name alone: `<deployment>-<hash>` and
   * `<replicaset>-<5 chars>`. Only called for tokens that are not already known, so the cost is a
   * couple of map lookups per unknown hyphenated token.
   */
  discoverByName(namespace: string | null, name: string): ObjectNode | null {
    const dash = name.lastIndexOf('-');
    if (dash <= 0) return null;
    const prefix = name.slice(0, dash);
    const suffix = name.slice(dash + 1);
    const parent = this.uniqueOwnerCandidate(namespace, prefix);
    if (parent) {
      if (parent.kind === 'replicaset' && POD_SUFFIX_RE.test(suffix)) {
        return this.ensure('pod', parent.namespace, name, null, parent);
      }
      if (parent.kind === 'deployment' && isHashLike(suffix)) {
        return this.ensure('replicaset', parent.namespace, name, null, parent);
      }
      return null;
    }
    if (!POD_SUFFIX_RE.test(suffix)) return null;
    const dash2 = prefix.lastIndexOf('-');
    if (dash2 <= 0) return null;
    const deploy = this.uniqueOwnerCandidate(namespace, prefix.slice(0, dash2));
    if (!deploy || deploy.kind !== 'deployment' || !isHashLike(prefix.slice(dash2 + 1))) return null;
    const rs = this.ensure('replicaset', deploy.namespace, prefix, null, deploy);
    return this.ensure('pod', deploy.namespace, name, null, rs);
  }

  /**
   * Objects controllers and provisioners name after another object, found by that convention when
   * the owner is known: a StatefulSet's claims (`<claim>-<statefulset>-<ordinal>`), a workload's
   * ControllerRevisions (`<statefulset|daemonset>-<hash>`), a CronJob's Jobs, and a volume provisioner's helper pods
   * and volumes, named after the claim's UID (`helper-pod-create-pvc-<uid>`, `pvc-<uid>`).
   * They join the owner's operation without counting as its pods.
   */
  byConvention(kind: string, namespace: string | null, name: string): ObjectNode | null {
    const uid = PVC_UID_RE.exec(name)?.[1];
    if (uid !== undefined) {
      const claim = this.byToken.get(uid)?.find((n) => n.kind === 'persistentvolumeclaim');
      return claim
        ? this.ensure(kind, kind === 'persistentvolume' ? null : namespace, name, null, claim)
        : null;
    }
    if (kind === 'persistentvolumeclaim') {
      const m = /^(.+)-\d+$/.exec(name);
      if (!m) return null;
      const base = m[1]!;
      for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
        const sts = this.get('statefulset', namespace, base.slice(i + 1));
        if (sts) return this.ensure(kind, namespace, name, null, sts);
      }
      return null;
    }
    if (kind === 'replicaset') {
      // `<deployment>-<pod-template-hash>`: a Deployment's, named by the only convention there is.
      const dash = name.lastIndexOf('-');
      if (dash <= 0 || !isHashLike(name.slice(dash + 1))) return null;
      const deploy = this.ensure('deployment', namespace, name.slice(0, dash));
      return this.ensure(kind, namespace, name, null, deploy);
    }
    if (kind === 'job') {
      // A CronJob's run: `<cronjob>-<scheduled time in minutes since the epoch>`.
      const m = /^(.+)-(\d{7,10})$/.exec(name);
      const cron = m ? this.get('cronjob', namespace, m[1]!) : undefined;
      return cron ? this.ensure(kind, namespace, name, null, cron) : null;
    }
    if (kind === 'controllerrevision') {
      const dash = name.lastIndexOf('-');
      if (dash <= 0 || !isHashLike(name.slice(dash + 1))) return null;
      const owner =
        this.get('statefulset', namespace, name.slice(0, dash)) ??
        this.get('daemonset', namespace, name.slice(0, dash));
      return owner ? this.ensure(kind, namespace, name, null, owner) : null;
    }
    return null;
  }

  /**
   * Creates a pod's ReplicaSet and Deployment from the naming convention alone
   * (`<deployment>-<hash>-<5>`). Only for pods a user named in a call (evictions), where the
   * convention is strong evidence; never for arbitrary tokens.
   */
  ownersByConvention(pod: ObjectNode): void {
    const m = /^(.+)-([a-z0-9]{6,10})-([a-z0-9]{5})$/.exec(pod.name);
    if (!m || !isHashLike(m[2]!)) return;
    const deploy = this.ensure('deployment', pod.namespace, m[1]!);
    const rs = this.ensure('replicaset', pod.namespace, `${m[1]!}-${m[2]!}`, null, deploy);
    this.ensure('pod', pod.namespace, pod.name, null, rs);
  }

  /**
   * The owners of a pod first seen on its node (the scheduler, kubelet or runtime naming it, no
   * controller having said it made it), from its name and UID alone — the conventions controllers
   * and the kubelet name pods by:
   * - a static pod: a 32-hex config-hash UID, or `<name>-<its node>` (owned by the Node, as its
   *   mirror is);
   * - `<deployment>-<pod-template-hash>-<5>`: a Deployment's ReplicaSet's pod;
   * - `<cronjob>-<minutes since the epoch>-<5>`: a CronJob run's Job's pod;
   * - `<statefulset>-<ordinal>`;
   * - `<owner>-<5>`: a known Job or DaemonSet of that name, else a Job when `jobLikely` says a
   *   Job was just created in the namespace (a nameless create call), else a DaemonSet.
   * Anything else stays a bare pod. Known owners (a Deployment or ReplicaSet heard of) are found
   * by `discoverByName` first.
   */
  ownersOnNode(pod: ObjectNode, nodeName: string | null, jobLikely: boolean): void {
    if (pod.owner !== null || pod.namespace === null) return;
    const ns = pod.namespace;
    const name = pod.name;
    if (
      (pod.uid !== null && STATIC_UID_RE.test(pod.uid)) ||
      (nodeName !== null && name.endsWith(`-${nodeName}`) && name.length > nodeName.length + 1)
    ) {
      this.ensure('pod', ns, name, null, this.ensure('node', null, nodeName ?? name));
      return;
    }
    const m = /^(.+)-([a-z0-9]{6,10})-([a-z0-9]{5})$/.exec(name);
    if (m && isHashLike(m[2]!) && !/^\d+$/.test(m[2]!)) {
      this.ownersByConvention(pod);
      return;
    }
    const run = /^(.+)-(\d{7,10})-([a-z0-9]{5})$/.exec(name);
    if (run) {
      const cron = this.ensure('cronjob', ns, run[1]!);
      this.ensure('pod', ns, name, null, this.ensure('job', ns, `${run[1]!}-${run[2]!}`, null, cron));
      return;
    }
    const ordinal = /^(.+)-(\d{1,4})$/.exec(name);
    if (ordinal) {
      this.ensure('pod', ns, name, null, this.ensure('statefulset', ns, ordinal[1]!));
      return;
    }
    const dash = name.lastIndexOf('-');
    const suffix = name.slice(dash + 1);
    if (dash <= 0 || !POD_SUFFIX_RE.test(suffix) || !SAFE_RE.test(suffix)) return;
    const base = name.slice(0, dash);
    // A workload of another kind by that name: the pod is not a DaemonSet's of the same name.
    if (this.get('deployment', ns, base) || this.get('statefulset', ns, base)) return;
    const owner =
      this.get('job', ns, base) ??
      this.get('daemonset', ns, base) ??
      this.ensure(jobLikely ? 'job' : 'daemonset', ns, base);
    this.ensure('pod', ns, name, null, owner);
  }

  private uniqueOwnerCandidate(namespace: string | null, name: string): ObjectNode | null {
    const list = this.byToken.get(namespace ? `${namespace}/${name}` : name);
    if (!list) return null;
    let found: ObjectNode | null = null;
    for (const n of list) {
      if (n.kind !== 'deployment' && n.kind !== 'replicaset') continue;
      if (n.replacedBy !== null) continue; // an earlier incarnation: the current one decides
      if (namespace && n.namespace !== namespace) continue;
      if (found) return null; // ambiguous across namespaces: do not guess
      found = n;
    }
    return found;
  }
}

/** A 16-bit hash of a token's length, first and last character (a Bloom-style pre-filter). */
export function tokenShape(text: string, start: number, end: number): number {
  return ((end - start) * 2053 + text.charCodeAt(start) * 131 + text.charCodeAt(end - 1)) & 0xffff;
}

/** The first three characters as one number (names shorter than 3 use what they have). */
export function prefix3(text: string, start: number): number {
  return (
    (text.charCodeAt(start) << 16) ^
    ((text.charCodeAt(start + 1) || 0) << 8) ^
    (text.charCodeAt(start + 2) || 0)
  );
}

/** The operation that most recently touched `node` at or before `ts` (within its window). */
export function touchAt(node: ObjectNode, ts: bigint, skewNs: bigint): Touch | null {
  const t = node.touches;
  for (let i = t.length - 1; i >= 0; i--) {
    const touch = t[i]!;
    if (touch.ts <= ts) return ts <= touch.op.windowEndNs ? touch : null;
  }
  // Clock skew between nodes: a line up to `skewNs` before the first touch still belongs to it.
  const first = t[0];
  if (first && first.ts - skewNs <= ts) return first;
  return null;
}

/** The most recent touch of the object or any owner (the controller chain that acts on it). */
export function chainTouchAt(node: ObjectNode, ts: bigint, skewNs: bigint): Touch | null {
  let best: Touch | null = null;
  for (let n: ObjectNode | null = node, depth = 0; n && depth < 4; n = n.owner, depth++) {
    const t = touchAt(n, ts, skewNs);
    if (t && (!best || t.ts > best.ts)) best = t;
  }
  return best;
}

/** Records that `op` touched `node` at `ts` (kept in time order; out-of-order inserts are rare). */
export function touch(node: ObjectNode, op: Op, ts: bigint): void {
  op.objects.add(node);
  const t = node.touches;
  const last = t[t.length - 1];
  if (last && last.op === op) return;
  if (!last || last.ts <= ts) {
    t.push({ op, ts });
    return;
  }
  let i = t.length;
  while (i > 0 && t[i - 1]!.ts > ts) i--;
  if (t[i - 1]?.op === op) return;
  t.splice(i, 0, { op, ts });
}
