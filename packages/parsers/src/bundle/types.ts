import type { Readable } from 'node:stream';

/** Limits that bound what a hostile bundle can cost. All sizes in bytes. */
export interface Limits {
  /** Total decompressed bytes across the whole bundle (gzip-bomb guard). Default 20 GiB. */
  maxDecompressedBytes: number;
  /** A longer physical line is cut to this length and reported. Default 1 MiB. */
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDecompressedBytes: 20 * 1024 ** 3,
  maxLineBytes: 1024 * 1024,
};

/**
 * One file inside a bundle. `open()` may be called once, and must be consumed before the next item:
 * asking for the next item drains an unopened tar member and destroys a half-read stream. The stream
 * never emits 'error'; when the member breaks (truncated, corrupt gzip, size limit) it ends early and
 * a `problem` item with the same path follows this entry.
 */
export interface BundleEntry {
  /** Normalised, relative, `/`-separated path inside the bundle (archive prefix included). */
  path: string;
  /** Decompressed size when known (null for gzip members, whose size only the stream tells). */
  size: number | null;
  /** Modification time in ms since the epoch, when known and plausible (not 0). */
  mtimeMs: number | null;
  open(): Readable;
}

/** What reading a bundle yields, in a deterministic order (archive order; sorted for directories). */
export type BundleItem =
  | { type: 'entry'; entry: BundleEntry }
  /** A member that was refused or broke: zip-slip, truncated archive, limit exceeded… */
  | { type: 'problem'; path: string; reason: string }
  /**
   * A symlink or hard link whose target is another member of the bundle (`target`, a bundle path):
   * never followed, and never read twice — the target is read under its own path.
   */
  | { type: 'link'; path: string; target: string };

/** Where a file sits in a known layout: what its path tells about node and component. */
export interface PathHints {
  node: string | null;
  component: string | null;
  /** Pod namespace/name/uid and container, for `pods/<ns>_<pod>_<uid>/<container>/<n>.log` etc. */
  pod: { namespace: string; name: string; uid: string | null } | null;
  container: string | null;
  /**
   * A strong hint about the content from the path (or a section header): `audit`, `events`, `otlp`,
   * `journal`, `k8s-objects` (a List of objects: state records), `minikube-audit` (minikube's table
   * of its own commands), `container-status` (a runtime's container table), `document` (text that
   * is no log: `describe nodes`, configuration), `dmesg`, or null.
   */
  content:
    | 'audit'
    | 'events'
    | 'otlp'
    | 'journal'
    | 'k8s-objects'
    | 'minikube-audit'
    | 'container-status'
    | 'document'
    | 'dmesg'
    | null;
  /** A container's previous run (`<container>-previous.log` of a support bundle). */
  previous?: boolean;
  /** For a List file: the resource its items are (`pods`, `deployments`), from the path or section. */
  resource?: string | null;
  /** Layout the path (or the file's content) matched, or null. */
  layout: 'kind' | 'cluster-info' | 'var-log' | 'minikube' | 'support-bundle' | 'microk8s' | null;
}
