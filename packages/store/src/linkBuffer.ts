import type { CorrelationResult, LinkKind, RecordLink, SpanLink } from '@kubetrail/model';

const KINDS: readonly LinkKind[] = ['explicit', 'audit', 'trace', 'inferred'];

/**
 * A correlation's record links held in memory until they are written: columns of numbers, with
 * request ids and evidence strings stored once each (a million links to one request cost ~17 MB,
 * not the ~100 MB of a million small objects).
 */
export class LinkBuffer {
  private record = new Float64Array(1024);
  private req = new Uint32Array(1024);
  private evidence = new Uint32Array(1024);
  private kind = new Uint8Array(1024);
  private readonly reqIds: string[] = [];
  private readonly reqIndex = new Map<string, number>();
  private readonly evidences: string[] = [];
  private readonly evidenceIndex = new Map<string, number>();
  length = 0;

  private static intern(list: string[], index: Map<string, number>, s: string): number {
    let i = index.get(s);
    if (i === undefined) {
      i = list.length;
      list.push(s);
      index.set(s, i);
    }
    return i;
  }

  push(l: RecordLink): void {
    if (this.length === this.record.length) this.grow();
    const i = this.length++;
    this.record[i] = l.recordId;
    this.req[i] = LinkBuffer.intern(this.reqIds, this.reqIndex, l.reqId);
    this.evidence[i] = LinkBuffer.intern(this.evidences, this.evidenceIndex, l.evidence);
    this.kind[i] = Math.max(0, KINDS.indexOf(l.kind));
  }

  /** Links pushed with request id `from` (before or after) read as `to`. */
  rename(from: string, to: string): void {
    const i = this.reqIndex.get(from);
    if (i === undefined) {
      LinkBuffer.intern(this.reqIds, this.reqIndex, to);
      return;
    }
    this.reqIds[i] = to;
    this.reqIndex.delete(from);
    // Later pushes of either id go to the same slot (a pre-existing `to` keeps its own slot).
    if (!this.reqIndex.has(to)) this.reqIndex.set(to, i);
    this.reqIndex.set(from, i);
  }

  private grow(): void {
    const n = this.record.length * 2;
    const record = new Float64Array(n);
    record.set(this.record);
    const req = new Uint32Array(n);
    req.set(this.req);
    const evidence = new Uint32Array(n);
    evidence.set(this.evidence);
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    Object.assign(this, { record, req, evidence, kind });
  }

  *[Symbol.iterator](): Generator<RecordLink> {
    for (let i = 0; i < this.length; i++) {
      yield {
        recordId: this.record[i]!,
        reqId: this.reqIds[this.req[i]!]!,
        kind: KINDS[this.kind[i]!]!,
        evidence: this.evidences[this.evidence[i]!]!,
      };
    }
  }
}

/** What a correlation run produced, before it is written (`Store.writeCorrelation`). */
export interface BufferedCorrelation {
  result: CorrelationResult;
  links: LinkBuffer;
  spanLinks: SpanLink[];
}
