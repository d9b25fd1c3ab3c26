import type { StoredRecord } from '@kubetrail/model';
import { parseRfc3339Ns } from '@kubetrail/model';

/** The parts of a core/v1 or events.k8s.io/v1 Event that correlation uses. */
export interface KubeEvent {
  reason: string;
  message: string;
  type: string | null;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  component: string | null;
  /** The node that reported it (kubelet events), when given. */
  host: string | null;
  /** First occurrence (ns) of a repeated Event; the record's ts is its last. */
  firstTs: bigint | null;
}

const asObj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const asStr = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function readKubeEvent(rec: StoredRecord): KubeEvent | null {
  const f = rec.fields;
  if (!f) return null;
  const obj = asObj(f['involvedObject']) ?? asObj(f['regarding']);
  const kind = asStr(obj?.['kind']);
  const name = asStr(obj?.['name']);
  if (!kind || !name) return null;
  const meta = asObj(f['metadata']);
  const source = asObj(f['source']);
  let message = asStr(f['message']) ?? asStr(f['note']);
  const reason = asStr(f['reason']) ?? '';
  if (message === null) {
    // The parser's message is `Reason: message`.
    message = rec.message.startsWith(`${reason}: `) ? rec.message.slice(reason.length + 2) : rec.message;
  }
  return {
    reason,
    message,
    type: asStr(f['type']),
    kind,
    namespace: asStr(obj?.['namespace']) ?? asStr(meta?.['namespace']),
    name,
    uid: asStr(obj?.['uid']),
    component:
      asStr(source?.['component']) ?? asStr(f['reportingController']) ?? asStr(f['reportingComponent']),
    host: asStr(source?.['host']) ?? asStr(f['reportingInstance']),
    firstTs: parseRfc3339Ns(asStr(f['firstTimestamp']) ?? asStr(f['eventTime']) ?? '') ?? rec.ts,
  };
}

/** `Scaled up replica set web-7d4b9c5f6 to 3`, and the newer `… from 1 to 3` / `… to 3 from 1`. */
export function parseScaling(
  message: string,
): { up: boolean; rs: string; from: number | null; to: number } | null {
  const m = /Scaled (up|down) replica set (\S+?)(?: from (\d+))? to (\d+)(?: from (\d+))?/.exec(message);
  if (!m) return null;
  const from = m[3] ?? m[5];
  return { up: m[1] === 'up', rs: m[2]!, from: from !== undefined ? Number(from) : null, to: Number(m[4]) };
}

/** `Created pod: web-7d4b9c5f6-abcde`, `Deleted pod: …`. */
export function parsePodName(message: string): string | null {
  const m = /(?:Created|Deleted) pod: (\S+)/.exec(message);
  return m ? m[1]! : null;
}

/** `Successfully assigned shop/web-… to kind-worker`. */
export function parseAssignedNode(message: string): string | null {
  const m = / to (\S+?)\.?$/.exec(message);
  return m ? m[1]! : null;
}
