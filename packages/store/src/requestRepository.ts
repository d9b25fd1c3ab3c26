import {
  parseRfc3339Ns,
  severityRank,
  type CorrelationResult,
  type CorrelationSink,
  type LinkKind,
  type LogRecord,
  type Request,
  type RequestList,
  type RequestsQuery,
  type SpanLink,
  type StoredSpan,
} from '@kubetrail/model';
import { LinkBuffer, type BufferedCorrelation } from './linkBuffer.ts';
import { toLogRecord, type LinkedRecordRow, type SpanRow, toStoredSpan } from './rows.ts';
import { LINK_COLUMNS_MIN, LinkColumnsWriter } from './linkColumns.ts';
import { LINK_LANES_SQL, LIST_REQUESTS, SQL } from './sql.ts';
import { StoreError } from './storeError.ts';
import type { StoreContext } from './storeContext.ts';

/** A record linked to a request, as the timeline reads it. */
export type LinkedRecord = LogRecord & { tsNs: bigint | null; linkKind: LinkKind; evidence: string };
/** A span linked to a request. */
export type LinkedSpan = StoredSpan & { linkKind: LinkKind; evidence: string };

function parseTime(value: string, name: string): bigint {
  const ns = parseRfc3339Ns(value);
  if (ns === null)
    throw new StoreError('bad_query', `${name}: expected an RFC 3339 time, got ${JSON.stringify(value)}`);
  return ns;
}

/** Requests: saving a bundle's correlation (requests, links and their lanes, link columns) and reading requests and their records. */
export class RequestRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Writes each of a bundle's links' record time, severity and lane (inside the caller's transaction). */
  buildLinkLanes(key: bigint): void {
    this.ctx.db.prepare(LINK_LANES_SQL.lanes).run({ bundle: key });
    this.ctx.db.prepare(LINK_LANES_SQL.fill).run({ bundle: key });
    this.ctx.db.prepare(LINK_LANES_SQL.done).run({ bundle: key });
  }

  /**
   * Writes the link columns of the bundle's big requests (linkColumns.ts; inside the caller's
   * transaction, after the requests and their links' lanes).
   */
  buildLinkColumns(key: bigint): void {
    const big = this.ctx.db
      .prepare(LINK_LANES_SQL.bigRequests)
      .safeIntegers(true)
      .all({ bundle: key, min: LINK_COLUMNS_MIN }) as { req_id: string; started_ns: bigint; n: bigint }[];
    const rows = this.ctx.db.prepare(LINK_LANES_SQL.linkRows).safeIntegers(true).raw(true);
    const insert = this.ctx.db.prepare(LINK_LANES_SQL.insertColumns);
    for (const { req_id: reqId, started_ns: originNs, n } of big) {
      const w = new LinkColumnsWriter(originNs, Number(n));
      for (const [ts, record, lane, severity] of rows.iterate({ bundle: key, reqId }) as Iterable<
        [bigint, bigint, bigint | null, bigint]
      >)
        w.push({ ts, record: Number(record), lane: Number(lane ?? 0), severity: Number(severity) });
      insert.run({ bundle: key, reqId, originNs, n: w.n, data: w.finish() });
    }
    this.ctx.db.prepare(LINK_LANES_SQL.columnsDone).run({ bundle: key });
    this.ctx.columnsCache.clear();
  }

  /**
   * Replaces a bundle's correlation (requests, links, objects) with what `run` produces, in one
   * transaction: readers see either the old result or the new one. Returns the request count.
   */
  saveCorrelation(bundleId: string, run: (sink: CorrelationSink) => CorrelationResult): number {
    return this.writeCorrelation(bundleId, this.bufferCorrelation(run));
  }

  /**
   * Runs a correlation against a sink that keeps its links in memory (compactly, `LinkBuffer`):
   * no write lock is taken, so it can overlap with `buildFts`. Write the result with
   * `writeCorrelation`.
   */
  bufferCorrelation(run: (sink: CorrelationSink) => CorrelationResult): BufferedCorrelation {
    const links = new LinkBuffer();
    const spanLinks: SpanLink[] = [];
    const result = run({
      link: (l) => links.push(l),
      spanLink: (l) => spanLinks.push(l),
      rename: (from, to) => {
        links.rename(from, to);
        for (const l of spanLinks) if (l.reqId === from) l.reqId = to;
      },
    });
    return { result, links, spanLinks };
  }

  /** Replaces a bundle's correlation with a buffered one, in one transaction. Returns the request count. */
  writeCorrelation(bundleId: string, buffered: BufferedCorrelation): number {
    const key = this.ctx.bundleKey(bundleId);
    const layout = this.ctx.bundleRow(bundleId)?.layout ?? 0n;
    const { result } = buffered;
    const insertLink = this.ctx.db.prepare(SQL.insertLink);
    const insertSpanLink = this.ctx.db.prepare(SQL.insertSpanLink);
    const insertObject = this.ctx.db.prepare(SQL.insertObject);
    const insertRequest = this.ctx.db.prepare(SQL.insertRequest);
    return this.ctx.db
      .transaction(() => {
        for (const sql of [
          SQL.deleteLinks,
          // A bundle written with migration 0009's layout numbered its lanes as it was written.
          ...(layout === 1n ? [] : [SQL.deleteLinkLanes]),
          SQL.deleteLinkColumns,
          SQL.deleteSpanLinks,
          SQL.deleteObjects,
          SQL.deleteRequests,
        ]) {
          this.ctx.db.prepare(sql).run(key);
        }
        for (const l of buffered.links) insertLink.run(key, l.reqId, l.recordId, l.kind, l.evidence);
        for (const l of buffered.spanLinks) insertSpanLink.run(key, l.reqId, l.spanId, l.kind, l.evidence);
        if (layout === 1n) {
          this.ctx.db.prepare(LINK_LANES_SQL.fillFromRows).run({ bundle: key });
          this.ctx.db.prepare(LINK_LANES_SQL.done).run({ bundle: key });
        } else this.buildLinkLanes(key);
        const counts = new Map<string, number>();
        for (const row of this.ctx.db
          .prepare<[bigint], { req_id: string; n: number }>(
            'SELECT req_id, count(*) AS n FROM links WHERE bundle = ? GROUP BY req_id',
          )
          .all(key)) {
          counts.set(row.req_id, row.n);
        }
        for (const req of result.requests) {
          const body: Request = { ...req, records: counts.get(req.reqId) ?? req.records };
          const words = (xs: (string | null)[]): string => ` ${xs.filter((x) => x !== null).join(' ')} `;
          insertRequest.run({
            bundle: key,
            reqId: req.reqId,
            startedNs: parseRfc3339Ns(req.startedAt) ?? 0n,
            endedNs: parseRfc3339Ns(req.endedAt) ?? 0n,
            outcome: req.outcome,
            user: req.user,
            verbs: words(req.targets.map((t) => t.verb)),
            resources: words(req.targets.map((t) => t.resource)),
            namespaces: words(req.targets.map((t) => t.namespace)),
            search: [
              req.reqId,
              req.user,
              req.impersonatedUser,
              req.userAgent,
              ...req.auditIds,
              // Also as the list shows them (`deployments/shop/web`), so a pasted target finds its row.
              ...req.targets.flatMap((t) => [
                t.verb,
                t.resource,
                t.namespace,
                t.name,
                `${t.resource}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`,
                t.stoppedAt?.reason,
              ]),
            ]
              .filter(Boolean)
              .join(' ')
              .toLowerCase(),
            body: JSON.stringify(body),
            system: req.system ? 1 : 0,
          });
        }
        for (const o of result.objects) insertObject.run(key, o.object, o.reqId);
        this.buildLinkColumns(key);
        this.ctx.db.prepare('UPDATE bundles SET requests = ? WHERE key = ?').run(result.requests.length, key);
        return result.requests.length;
      })
      .immediate();
  }

  /**
   * A page of a bundle's requests. `q.system` defaults to `include` here (every request); the
   * HTTP API's schema defaults it to `exclude`.
   */
  listRequests(
    bundleId: string,
    query: Omit<RequestsQuery, 'system'> & { system?: RequestsQuery['system'] },
  ): RequestList {
    const q = { ...query, system: query.system ?? 'include' };
    const key = this.ctx.bundleKey(bundleId);
    const params = {
      bundle: key,
      outcome: q.outcome ?? null,
      user: q.user ?? null,
      verb: q.verb ?? null,
      resource: q.resource ?? null,
      namespace: q.namespace ?? null,
      q: q.q ? q.q.toLowerCase() : null,
      fromNs: q.from ? parseTime(q.from, 'from') : null,
      toNs: q.to ? parseTime(q.to, 'to') : null,
      sinceNs: q.since ? parseTime(q.since, 'since') : null,
      untilNs: q.until ? parseTime(q.until, 'until') : null,
      system: q.system === 'include' ? null : q.system === 'only' ? 1 : 0,
    };
    const total = this.ctx.db.prepare<typeof params, { n: number }>(LIST_REQUESTS.count).get(params)?.n ?? 0;
    const { system: _system, ...base } = params;
    const systemHidden =
      q.system === 'exclude'
        ? (this.ctx.db.prepare<typeof base, { n: number }>(LIST_REQUESTS.countSystem).get(base)?.n ?? 0)
        : 0;
    const rows = this.ctx.db
      .prepare<typeof params & { limit: number; offset: number }, { body: string }>(LIST_REQUESTS[q.sort])
      .all({ ...params, limit: q.limit, offset: q.offset });
    return {
      requests: rows.map((r) => JSON.parse(r.body) as Request),
      total,
      systemHidden,
      offset: q.offset,
      limit: q.limit,
    };
  }

  getRequest(bundleId: string, reqId: string): Request | null {
    const row = this.ctx.db
      .prepare<[bigint, string], { body: string }>(SQL.getRequest)
      .get(this.ctx.bundleKey(bundleId), reqId);
    return row ? (JSON.parse(row.body) as Request) : null;
  }

  /** The first and last time among a request's lines (UTC ns), or nulls when none has a time. */
  requestTimeRange(bundleId: string, reqId: string): { lo: bigint | null; hi: bigint | null } {
    return this.ctx.db
      .prepare(SQL.timeRangeForRequest)
      .safeIntegers(true)
      .get({ bundle: this.ctx.bundleKey(bundleId), reqId }) as { lo: bigint | null; hi: bigint | null };
  }

  /** A request's linked records in (ts, id) order, optionally inside [fromNs, toNs]. */
  requestRecords(
    bundleId: string,
    reqId: string,
    opts: { fromNs?: bigint | null; toNs?: bigint | null; errorsOnly?: boolean } = {},
  ): LinkedRecord[] {
    const key = this.ctx.bundleKey(bundleId);
    const rows = this.ctx.db
      .prepare(SQL.requestRecords)
      .safeIntegers(true)
      .all({
        bundle: key,
        reqId,
        fromNs: opts.fromNs ?? null,
        toNs: opts.toNs ?? null,
        minSeverity: opts.errorsOnly ? severityRank('error') : 0,
      }) as LinkedRecordRow[];
    return rows.map((row) => ({
      ...toLogRecord(bundleId, row, this.ctx.texts.of(bundleId, key, row)),
      tsNs: row.ts,
      linkKind: row.link_kind,
      evidence: row.evidence,
    }));
  }

  requestSpans(bundleId: string, reqId: string): LinkedSpan[] {
    const rows = this.ctx.db
      .prepare(SQL.requestSpans)
      .safeIntegers(true)
      .all(this.ctx.bundleKey(bundleId), reqId) as (SpanRow & { link_kind: LinkKind; evidence: string })[];
    return rows.map((row) => ({ ...toStoredSpan(row), linkKind: row.link_kind, evidence: row.evidence }));
  }
}
