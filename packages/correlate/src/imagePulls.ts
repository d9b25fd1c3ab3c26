import type { ObjectNode } from './objectGraph.ts';
import type { Op } from './operation.ts';

/**
 * containerd's pull lines name an image and nothing else (`PullImage "nginx:1.25"`). They belong
 * to the pod whose kubelet asked for that image on that node at that time: the kubelet's
 * `Pulling`/`Pulled` Events (or log lines) say which pod, so they are indexed by node and image.
 */
interface PullNote {
  /** First and last time the kubelet reported pulling (a back-off repeats the same Event). */
  ts: bigint;
  until: bigint;
  op: Op;
  pod: ObjectNode;
}

/** Pulls on one node are matched at most this long after the kubelet asked (slow registries). */
const MAX_PULL_NS = 10n * 60n * 1_000_000_000n;

const FOLLOW_NS = 10n * 1_000_000_000n;
const SANDBOX_NS = 2n * 1_000_000_000n;

/** Where an image is pulled from: `ghcr.io/x/y:1` → ghcr.io; `nginx:1.25` → docker.io. */
function registryMatches(image: string, host: string): boolean {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const registry = first.includes('.') || first.includes(':') ? first : 'docker.io';
  return host === registry || (registry === 'docker.io' && host.endsWith('docker.io'));
}

const IMAGE_RE =
  /(?:PullImage|Pulled image|[Pp]ulling image|ImageCreate event name:|ImageUpdate event name:)\s*\\?"([^"\\]+)/;

/** `docker.io/library/nginx:1.25` and `nginx:1.25` are the same image. */
export function normaliseImage(image: string): string {
  if (image.startsWith('docker.io/library/')) return image.slice('docker.io/library/'.length);
  if (image.startsWith('docker.io/')) return image.slice('docker.io/'.length);
  return image;
}

/** The image a runtime/kubelet line is about, if it is an image line. */
export function imageOfLine(text: string): string | null {
  if (!text.includes('mage')) return null;
  const m = IMAGE_RE.exec(text);
  return m ? normaliseImage(m[1]!) : null;
}

export class ImagePulls {
  private readonly notes = new Map<string, PullNote[]>();

  /** Recent pull lines per node, for the lines in between that name no image (`trying next host`). */
  private readonly recent = new Map<string, { ts: bigint; image: string; note: PullNote }[]>();
  /** The pod whose sandbox came up last on each node: kubelet pulls its images next. */
  private readonly sandbox = new Map<string, { ts: bigint; op: Op; pod: ObjectNode }>();

  note(node: string, image: string, ts: bigint, until: bigint, op: Op, pod: ObjectNode): void {
    const key = `${node}|${normaliseImage(image)}`;
    let list = this.notes.get(key);
    if (!list) this.notes.set(key, (list = []));
    list.push({ ts, until: until > ts ? until : ts, op, pod });
  }

  /** Remembers the pull a line was matched to, so its anonymous follow-ups can join it. */
  seen(node: string, ts: bigint, image: string, note: PullNote): void {
    let list = this.recent.get(node);
    if (!list) this.recent.set(node, (list = []));
    list.push({ ts, image, note });
    if (list.length > 16) list.shift();
  }

  /** Whether `pod` asked for `image` on `node`. */
  hasNote(node: string, image: string, pod: ObjectNode): boolean {
    return this.notes.get(`${node}|${image}`)?.some((n) => n.pod === pod) ?? false;
  }

  sandboxReady(node: string, ts: bigint, op: Op, pod: ObjectNode): void {
    this.sandbox.set(node, { ts, op, pod });
  }

  /**
   * The pull in progress on `node` when a nameless registry line was written (within 10 s): the
   * latest whose image lives on that registry host (`ghcr.io`, `registry-1.docker.io`).
   */
  current(node: string, ts: bigint, host: string | null): PullNote | null {
    const list = this.recent.get(node);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) {
      const r = list[i]!;
      if (ts < r.ts || ts - r.ts > FOLLOW_NS) continue;
      if (host === null || registryMatches(r.image, host)) return r.note;
    }
    return null;
  }

  /**
   * The operation behind a pull line: the one whose pods asked for the image on this node most
   * recently (within the pull window). When several operations pulled it, the nearest in time wins.
   */
  match(node: string, image: string, ts: bigint, skewNs: bigint, start: boolean): PullNote | null {
    let list = this.notes.get(`${node}|${image}`);
    // A pull starts right after its pod's sandbox came up: that pod, when it asked for the image.
    const sb = start ? this.sandbox.get(node) : undefined;
    if (sb && ts >= sb.ts && ts - sb.ts <= SANDBOX_NS) {
      const mine = list?.find((n) => n.pod === sb.pod);
      if (mine) return mine;
      // No kubelet account of any pull of it (no `Pulling` Event: kind ≥ 1.29 at default
      // verbosity): the pod whose sandbox just came up is the one pulling it.
      if (list === undefined) {
        this.note(node, image, ts, ts, sb.op, sb.pod);
        list = this.notes.get(`${node}|${image}`)!;
        return list[0]!;
      }
    }
    if (!list) return null;
    let best: PullNote | null = null;
    let bestGap = 0n;
    for (const n of list) {
      if (n.ts > ts + skewNs || n.until < ts - MAX_PULL_NS) continue;
      const gap = n.ts > ts ? n.ts - ts : n.until >= ts ? 0n : ts - n.until;
      if (!best || gap < bestGap) {
        best = n;
        bestGap = gap;
      }
    }
    return best;
  }
}
