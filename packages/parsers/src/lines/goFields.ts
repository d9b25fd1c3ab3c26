/**
 * `kubectl cluster-info dump` before k8s 1.14 printed internal types with Go field names: `Items`,
 * `InvolvedObject: { Kind, Name, UID }`, `Status: { Conditions: [{ LastTransitionTime }] }`, and
 * ObjectMeta's fields inline beside `Spec`/`Status` rather than under `metadata`. This turns such a
 * value into the JSON-tag shape every reader here expects.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ObjectMeta's keys, which old dumps write inline. */
const OBJECT_META = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'initializers',
  'finalizers',
  'clusterName',
]);

/** Nesting bound: deeper values are kept as they are. */
const MAX_DEPTH = 64;

/** True when an object has a Go-style (capitalised) key, i.e. it needs {@link normalizeGoFields}. */
export function hasGoFields(o: Json): boolean {
  for (const k in o) {
    const c = k.charCodeAt(0);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/**
 * `UID` → `uid`, `APIVersion` → `apiVersion`, `PodIP` → `podIP`, `QOSClass` → `qosClass`,
 * `LastTransitionTime` → `lastTransitionTime`: the leading capitals lowercased, except the last
 * one when it starts the next word.
 */
export function jsonTagOf(key: string): string {
  let run = 0;
  while (run < key.length) {
    const c = key.charCodeAt(run);
    if (c < 65 || c > 90) break;
    run++;
  }
  if (run === 0) return key;
  if (run === key.length) return key.toLowerCase();
  if (run === 1) return key[0]!.toLowerCase() + key.slice(1);
  return key.slice(0, run - 1).toLowerCase() + key.slice(run - 1);
}

/**
 * A copy of `v` in the JSON-tag shape. An object (an old dump's list item) that carries ObjectMeta
 * inline gets a `metadata` object; nested values only have their keys renamed. Map keys (labels,
 * annotations, capacity) are left as written.
 */
export function normalizeGoFields(v: unknown): unknown {
  const out = renameKeys(v, 0);
  if (!isObj(out) || isObj(out.metadata)) return out;
  if (typeof out.name !== 'string' && typeof out.uid !== 'string') return out;
  const meta: Json = {};
  for (const k of Object.keys(out)) {
    if (OBJECT_META.has(k)) {
      meta[k] = out[k];
      delete out[k];
    }
  }
  out.metadata = meta;
  return out;
}

function renameKeys(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, depth + 1));
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    // Maps whose keys are data, not field names.
    if (k === 'labels' || k === 'annotations' || k === 'Labels' || k === 'Annotations') {
      out[jsonTagOf(k)] = x;
      continue;
    }
    if (k === 'Capacity' || k === 'Allocatable' || k === 'Data' || k === 'Limits' || k === 'Requests') {
      out[jsonTagOf(k)] = x;
      continue;
    }
    out[jsonTagOf(k)] = renameKeys(x, depth + 1);
  }
  return out;
}
