import type { RecordKind } from '@kubetrail/model';

const KCM = 'kube-controller-manager';

const pick = (o: Record<string, unknown>, key: string): unknown => (key in o ? o[key] : null);

/**
 * What decides a record's timeline lane (the server's `laneForRecord`), as one JSON text:
 * `[kind, component, node, caller, laneFields]`. The caller only matters inside
 * kube-controller-manager; laneFields keeps just the fields lanes read (an audit record's user, an
 * Event's source, a controller-manager line's logger and object kind), never the whole `fields`.
 * The same value as sql.ts `LANE_SIG` computes from the columns of records stored with their
 * fields (bundles ingested before migration 0009), here from the parsed record as it is written.
 */
/** Signatures that depend on kind, component and node alone (most log lines), by those three. */
const plain = new Map<string, string>();

export function laneSig(
  kind: RecordKind,
  component: string,
  node: string | null,
  caller: string | null,
  fields: Record<string, unknown> | null,
): string {
  if (kind !== 'audit' && kind !== 'event' && component !== KCM) {
    const key = `${kind}\u0000${component}\u0000${node ?? '\u0001'}`;
    let sig = plain.get(key);
    if (sig === undefined) {
      sig = JSON.stringify([kind, component, node, null, null]);
      if (plain.size < 10_000) plain.set(key, sig);
    }
    return sig;
  }
  const f = fields ?? {};
  let laneFields: Record<string, unknown> | null = null;
  if (kind === 'audit') {
    const user = f.user;
    const username =
      typeof user === 'object' && user !== null ? pick(user as Record<string, unknown>, 'username') : null;
    laneFields = { user: { username } };
  } else if (kind === 'event') {
    laneFields = {
      source: pick(f, 'source'),
      deprecatedSource: pick(f, 'deprecatedSource'),
      reportingController: pick(f, 'reportingController'),
      reportingComponent: pick(f, 'reportingComponent'),
      reportingInstance: pick(f, 'reportingInstance'),
    };
  } else if (component === KCM) {
    laneFields = { logger: pick(f, 'logger'), kind: pick(f, 'kind') };
  }
  const kcmCaller = component === KCM && kind !== 'audit' && kind !== 'event' ? caller : null;
  return JSON.stringify([kind, component, node, kcmCaller, laneFields]);
}
