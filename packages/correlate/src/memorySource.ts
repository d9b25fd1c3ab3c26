import type {
  CorrelationSink,
  CorrelationSource,
  RecordFilter,
  RecordLink,
  SpanLink,
  StoredRecord,
  StoredSpan,
} from '@kubetrail/model';

const byTsId = (a: StoredRecord, b: StoredRecord): number => {
  const ta = a.ts ?? -1n;
  const tb = b.ts ?? -1n;
  return ta < tb ? -1 : ta > tb ? 1 : a.id - b.id;
};

/**
 * An in-memory CorrelationSource over records and spans (sorted by (ts, id) here, as the store
 * would return them). For tests and small tools; the store streams from SQLite instead.
 */
export function memorySource(
  records: readonly StoredRecord[],
  spans: readonly StoredSpan[] = [],
): CorrelationSource {
  const sorted = [...records].sort(byTsId);
  return {
    *records(filter?: RecordFilter): Iterable<StoredRecord> {
      const kinds = filter?.kinds;
      const components = filter?.logComponents;
      for (const r of sorted) {
        if (kinds && !kinds.includes(r.kind)) continue;
        if (components && r.kind === 'log' && !components.includes(r.component)) continue;
        yield r;
      }
    },
    spans: () => spans,
  };
}

export interface CollectingSink extends CorrelationSink {
  links: RecordLink[];
  spanLinks: SpanLink[];
  /** recordId → link (the last one written). */
  byRecord: Map<number, RecordLink>;
}

/** A sink that keeps every link in memory. */
export function collectingSink(): CollectingSink {
  const links: RecordLink[] = [];
  const spanLinks: SpanLink[] = [];
  const byRecord = new Map<number, RecordLink>();
  return {
    links,
    spanLinks,
    byRecord,
    link(l) {
      links.push(l);
      byRecord.set(l.recordId, l);
    },
    spanLink(l) {
      spanLinks.push(l);
    },
    rename(from, to) {
      for (const l of links) if (l.reqId === from) l.reqId = to;
      for (const l of spanLinks) if (l.reqId === from) l.reqId = to;
    },
  };
}
