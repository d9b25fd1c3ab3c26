/** Every SQL statement the store runs, named, with bound parameters only. */

/**
 * A record's rowid is `bundle key << 40 | id` (migration 0001): one record is a rowid lookup, a
 * bundle's records are the rowid range [@lo, @hi] (see `ridRange`), scanned in id order.
 */
const RID_SHIFT = 40n;

/** The rowid of record `id` of the bundle with key `key`. */
export const ridOf = (key: bigint, id: number | bigint): bigint => (key << RID_SHIFT) + BigInt(id);

/** The rowid range of a bundle's records, as `@lo`/`@hi` parameters. */
export const ridRange = (key: bigint): { lo: bigint; hi: bigint } => ({
  lo: key << RID_SHIFT,
  hi: ((key + 1n) << RID_SHIFT) - 1n,
});

/** An audit record's raw stage lines when its fields are kept only there (rows.ts `recordFields`). */
const AUDIT_RAW = `CASE WHEN r.fields IS NULL AND r.kind = 'audit' THEN r.raw END`;

/** A record without a time, in `record_times` (whose `ts` is a key column, never NULL). */
const NO_TS = '-9223372036854775808';

/**
 * What correlation reads of a record, as an array (raw mode): keep the order in step with
 * `CorrelationRow` in store.ts.
 */
const CORRELATION_COLUMNS = `r.id, r.file_id, r.ts, r.severity, r.kind, r.format, r.component, r.node, r.caller,
  r.message, r.fields, r.req_id, r.audit_id, r.trace_id, r.span_id, ${AUDIT_RAW}, r.block, r.pos, r.len, r.derive,
  f.mode, f.wrapper, f.format, f.component, f.node`;

export const BUNDLE_COLUMNS = `key, id, name, status, created_at, size_bytes, records, requests, ts_from, ts_to,
  progress, report, error, fts_built, fts_upto, layout, lease`;

/** What reading a record's text needs (rows.ts `TextRow`), from `records r JOIN files f`. */
const TEXT_COLUMNS = `r.kind, r.message, r.fields, r.raw, r.block, r.pos, r.len, r.derive, f.mode AS file_mode,
  f.wrapper AS file_wrapper, f.format AS file_format, f.component AS file_component, f.node AS file_node`;
const FILE_OF_RECORD = `JOIN files f ON f.bundle = r.bundle AND f.file_id = r.file_id`;

export const SQL = {
  listBundles: `SELECT ${BUNDLE_COLUMNS} FROM bundles ORDER BY created_at DESC, id`,
  getBundle: `SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE id = ?`,
  /** The key alone: every query resolves its bundle id first, and the report is kilobytes of JSON. */
  getBundleKey: `SELECT key FROM bundles WHERE id = ?`,
  insertBundle: `INSERT INTO bundles (key, id, name, status, created_at, size_bytes, progress, lease)
    VALUES (@key, @id, @name, 'ingesting', @createdAt, @sizeBytes, @progress, @lease)`,
  updateProgress: `UPDATE bundles SET progress = ? WHERE id = ?`,
  finishBundle: `UPDATE bundles SET status = 'ready', report = @report, progress = @progress, error = NULL,
    records = (SELECT count(*) FROM record_times WHERE bundle = @key),
    requests = (SELECT count(*) FROM requests WHERE bundle = @key),
    ts_from = (SELECT min(ts) FROM record_times WHERE bundle = @key AND ts > ${NO_TS}),
    ts_to = (SELECT nullif(max(ts), ${NO_TS}) FROM record_times WHERE bundle = @key)
    WHERE key = @key`,
  failBundle: `UPDATE bundles SET status = 'failed', error = @error, report = coalesce(@report, report),
    progress = @progress WHERE id = @id`,
  setFtsBuilt: `UPDATE bundles SET fts_built = 1 WHERE key = ?`,
  setFtsUpto: `UPDATE bundles SET fts_upto = @upto WHERE key = @key`,
  lastRid: `SELECT max(rid) FROM records WHERE rid BETWEEN @lo AND @hi`,
  /** The index is contentless with `contentless_delete` (migration 0007): entries go by rowid. */
  deleteFts: `DELETE FROM records_fts WHERE rowid BETWEEN @lo AND @hi`,
  insertFts: `INSERT INTO records_fts (rowid, message, log_fields) VALUES (?, ?, ?)`,
  insertBlock: `INSERT INTO blocks (bid, codec, chars, data) VALUES (?, ?, ?, ?)`,
  block: `SELECT codec, data FROM blocks WHERE bid = ?`,
  deleteBlocks: `DELETE FROM blocks WHERE bid BETWEEN @lo AND @hi`,
  setLayout: `UPDATE bundles SET layout = 1 WHERE key = ?`,
  insertLane: `INSERT INTO link_lanes (bundle, sig, lane) VALUES (?, ?, ?)`,
  /** One sorted pass: appends to the table's b-tree in key order (migration 0002). */
  buildTimes: `INSERT INTO record_times (bundle, ts, rid, severity, is_log)
    SELECT @key, coalesce(ts, ${NO_TS}), rid, severity, kind = 'log' FROM records WHERE rid BETWEEN @lo AND @hi
    ORDER BY 2, 3`,
  deleteTimes: `DELETE FROM record_times WHERE bundle = ?`,
  deleteRecords: `DELETE FROM records WHERE rid BETWEEN @lo AND @hi`,
  deleteSpans: `DELETE FROM spans WHERE bundle = ?`,
  deleteLinks: `DELETE FROM links WHERE bundle = ?`,
  deleteLinkLanes: `DELETE FROM link_lanes WHERE bundle = ?`,
  deleteLinkColumns: `DELETE FROM link_columns WHERE bundle = ?`,
  deleteSpanLinks: `DELETE FROM span_links WHERE bundle = ?`,
  deleteObjects: `DELETE FROM request_objects WHERE bundle = ?`,
  deleteRequests: `DELETE FROM requests WHERE bundle = ?`,
  deleteFiles: `DELETE FROM files WHERE bundle = ?`,
  deleteBundle: `DELETE FROM bundles WHERE key = ?`,

  insertFile: `INSERT INTO files (bundle, file_id, path, format, wrapper, component, node, time_rule, mode)
    VALUES (@bundle, @fileId, @path, @format, @wrapper, @component, @node, @timeRule, @mode)`,
  finishFile: `UPDATE files SET format = @format, wrapper = @wrapper, component = @component, node = @node,
    bytes = @bytes, lines = @lines, records = @records, skipped = @skipped, time_rule = @timeRule, error = @error
    WHERE bundle = @bundle AND file_id = @fileId`,
  /** A record's raw text goes to a block (`block`, `pos`, `len`); `raw` stays empty (migration 0007). */
  insertRecord: `INSERT INTO records (rid, file_id, line, ts, severity, kind, format, component, node,
    caller, message, fields, raw, req_id, audit_id, trace_id, span_id, block, pos, len, derive, lane)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertSpan: `INSERT INTO spans (bundle, id, file_id, trace_id, span_id, parent_span_id, name, service, component,
    node, start_ns, end_ns, status_code, status_message, attributes, resource, events, audit_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,

  correlationRecords: `SELECT ${CORRELATION_COLUMNS} FROM record_times t CROSS JOIN records r ON r.rid = t.rid
    ${FILE_OF_RECORD} WHERE t.bundle = ? ORDER BY t.ts, t.rid`,
  correlationRecordsOfKinds: `SELECT ${CORRELATION_COLUMNS} FROM record_times t CROSS JOIN records r ON r.rid = t.rid
    ${FILE_OF_RECORD} WHERE t.bundle = ? AND r.kind IN (SELECT value FROM json_each(?)) ORDER BY t.ts, t.rid`,
  /** Kinds with 'log', but only the log lines of some components. */
  correlationRecordsOfKindsAndComponents: `SELECT ${CORRELATION_COLUMNS} FROM record_times t
    CROSS JOIN records r ON r.rid = t.rid ${FILE_OF_RECORD}
    WHERE t.bundle = ? AND r.kind IN (SELECT value FROM json_each(?))
      AND (t.is_log = 0 OR r.component IN (SELECT value FROM json_each(?))) ORDER BY t.ts, t.rid`,
  /** Kinds without 'log': `is_log` skips the log lines without reading their rows. */
  correlationControlRecordsOfKinds: `SELECT ${CORRELATION_COLUMNS} FROM record_times t
    CROSS JOIN records r ON r.rid = t.rid ${FILE_OF_RECORD}
    WHERE t.bundle = ? AND t.is_log = 0 AND r.kind IN (SELECT value FROM json_each(?)) ORDER BY t.ts, t.rid`,
  correlationSpans: `SELECT * FROM spans WHERE bundle = ? ORDER BY start_ns, id`,
  insertLink: `INSERT OR IGNORE INTO links (bundle, req_id, record, kind, evidence) VALUES (?, ?, ?, ?, ?)`,
  insertSpanLink: `INSERT OR IGNORE INTO span_links (bundle, req_id, span, kind, evidence) VALUES (?, ?, ?, ?, ?)`,
  insertObject: `INSERT OR IGNORE INTO request_objects (bundle, object, req_id) VALUES (?, ?, ?)`,
  insertRequest: `INSERT OR REPLACE INTO requests (bundle, req_id, started_ns, ended_ns, outcome, user, verbs,
    resources, namespaces, search, body, system) VALUES (@bundle, @reqId, @startedNs, @endedNs, @outcome, @user,
    @verbs, @resources, @namespaces, @search, @body, @system)`,
  countRequests: `SELECT count(*) AS n FROM requests WHERE bundle = ?`,

  getRequest: `SELECT body FROM requests WHERE bundle = ? AND req_id = ?`,
  recordById: `SELECT r.*, f.path, ${TEXT_COLUMNS} FROM records r ${FILE_OF_RECORD} WHERE r.rid = ?`,
  neighbours: `SELECT r.*, f.path, ${TEXT_COLUMNS} FROM records r ${FILE_OF_RECORD}
    WHERE r.rid BETWEEN @lo AND @hi AND r.file_id = @fileId ORDER BY r.rid`,
  /** Every record of a bundle with its text columns, in id order (tests, exports). */
  bundleRecords: `SELECT r.*, f.path, ${TEXT_COLUMNS} FROM records r ${FILE_OF_RECORD}
    WHERE r.rid BETWEEN @lo AND @hi ORDER BY r.rid`,
  recordLinks: `SELECT req_id, kind, evidence FROM links INDEXED BY links_by_record WHERE bundle = ? AND record = ? ORDER BY req_id`,
  recordLinksMany: `SELECT record, req_id FROM links INDEXED BY links_by_record WHERE bundle = ? AND record IN (SELECT value FROM json_each(?))`,
  relatedRequests: `SELECT DISTINCT o2.req_id, o2.object FROM links l INDEXED BY links_by_record
    JOIN request_objects o1 ON o1.bundle = l.bundle AND o1.req_id = l.req_id
    JOIN request_objects o2 ON o2.bundle = o1.bundle AND o2.object = o1.object AND o2.req_id <> l.req_id
    WHERE l.bundle = ? AND l.record = ? ORDER BY o2.req_id LIMIT 50`,
  // CROSS JOIN pins the join order: start from the request's links, never from the bundle's records.
  requestRecords: `SELECT r.*, f.path, ${TEXT_COLUMNS}, l.kind AS link_kind, l.evidence FROM links l
    CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record
    ${FILE_OF_RECORD}
    WHERE l.bundle = @bundle AND l.req_id = @reqId
      AND (@fromNs IS NULL OR r.ts >= @fromNs) AND (@toNs IS NULL OR r.ts <= @toNs)
      AND r.severity >= @minSeverity
    ORDER BY r.ts, r.rid`,
  requestSpans: `SELECT s.*, l.kind AS link_kind, l.evidence FROM span_links l
    JOIN spans s ON s.bundle = l.bundle AND s.id = l.span
    WHERE l.bundle = ? AND l.req_id = ? ORDER BY s.start_ns, s.id`,

  histogram: `SELECT (ts - @from) / @width AS b, severity, count(*) AS n FROM record_times
    WHERE bundle = @bundle AND ts BETWEEN @from AND @to GROUP BY b, severity`,
  histogramForRequest: `SELECT (l.ts - @from) / @width AS b, l.severity, count(*) AS n
    FROM links l INDEXED BY links_by_time
    WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.ts BETWEEN @from AND @to GROUP BY b, l.severity`,
  timeRange: `SELECT (SELECT min(ts) FROM record_times WHERE bundle = @bundle AND ts > ${NO_TS}) AS lo,
    (SELECT nullif(max(ts), ${NO_TS}) FROM record_times WHERE bundle = @bundle) AS hi`,
  timeRangeForRequest: `SELECT
    (SELECT min(ts) FROM links INDEXED BY links_by_time WHERE bundle = @bundle AND req_id = @reqId AND ts IS NOT NULL) AS lo,
    (SELECT max(ts) FROM links INDEXED BY links_by_time WHERE bundle = @bundle AND req_id = @reqId) AS hi`,
} as const;

/** Every filter but `system` (the count of hidden system requests shares it). */
const REQUEST_FILTER_BASE = `FROM requests WHERE bundle = @bundle
    AND (@outcome IS NULL OR outcome = @outcome)
    AND (@user IS NULL OR user = @user)
    AND (@verb IS NULL OR instr(verbs, ' ' || @verb || ' ') > 0)
    AND (@resource IS NULL OR instr(resources, ' ' || @resource || ' ') > 0)
    AND (@namespace IS NULL OR instr(namespaces, ' ' || @namespace || ' ') > 0)
    AND (@q IS NULL OR instr(search, @q) > 0)
    AND (@fromNs IS NULL OR ended_ns >= @fromNs)
    AND (@toNs IS NULL OR started_ns <= @toNs)
    AND (@sinceNs IS NULL OR started_ns >= @sinceNs)
    AND (@untilNs IS NULL OR started_ns <= @untilNs)`;
/** `@system`: null lists every request, 0 users' operations, 1 control-plane activity. */
const REQUEST_FILTER = `${REQUEST_FILTER_BASE} AND (@system IS NULL OR system = @system)`;

/** ORDER BY cannot be bound, so each sort order is its own constant statement. */
export const LIST_REQUESTS = {
  time: `SELECT body ${REQUEST_FILTER} ORDER BY started_ns, req_id LIMIT @limit OFFSET @offset`,
  '-time': `SELECT body ${REQUEST_FILTER} ORDER BY started_ns DESC, req_id LIMIT @limit OFFSET @offset`,
  user: `SELECT body ${REQUEST_FILTER} ORDER BY user, started_ns, req_id LIMIT @limit OFFSET @offset`,
  outcome: `SELECT body ${REQUEST_FILTER}
    ORDER BY CASE outcome WHEN 'rejected' THEN 0 WHEN 'failed' THEN 1 WHEN 'incomplete' THEN 2 ELSE 3 END,
    started_ns, req_id LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n ${REQUEST_FILTER}`,
  /** System requests the other filters match (what `system=exclude` leaves out). */
  countSystem: `SELECT count(*) AS n ${REQUEST_FILTER_BASE} AND system = 1`,
} as const;

/** The live OTLP receiver appends to a ready bundle: the next free file and span numbers. */
export const APPEND_SQL = {
  nextIds: `SELECT (SELECT coalesce(max(file_id), -1) + 1 FROM files WHERE bundle = ?) AS file,
    (SELECT coalesce(max(id), -1) + 1 FROM spans WHERE bundle = ?) AS span`,
} as const;

/**
 * What decides a record's timeline lane (lanes.ts `laneForRecord`), as one JSON text:
 * `[kind, component, node, caller, laneFields]`. The caller only matters inside
 * kube-controller-manager; laneFields keeps just the fields lanes read (an audit record's user, an
 * Event's source, a controller-manager line's logger and object kind), never the whole `fields`;
 * `instr` skips parsing the JSON of the (many) controller-manager lines without those keys.
 */
const LANE_SIG = `json_array(r.kind, r.component, r.node,
    CASE WHEN r.component = 'kube-controller-manager' AND r.kind NOT IN ('audit', 'event') THEN r.caller END,
    CASE WHEN r.kind = 'audit' THEN json_object('user', json_object('username',
      coalesce(r.fields, substr(r.raw, 1, instr(r.raw || char(10), char(10)) - 1)) -> '$.user.username'))
      WHEN r.kind = 'event' THEN json_object('source', r.fields -> '$.source',
        'deprecatedSource', r.fields -> '$.deprecatedSource',
        'reportingController', r.fields -> '$.reportingController',
        'reportingComponent', r.fields -> '$.reportingComponent',
        'reportingInstance', r.fields -> '$.reportingInstance')
      WHEN r.component = 'kube-controller-manager'
        THEN json_object('logger', CASE WHEN instr(r.fields, '"logger"') > 0 THEN r.fields -> '$.logger' END,
          'kind', CASE WHEN instr(r.fields, '"kind"') > 0 THEN r.fields -> '$.kind' END) END)`;

/**
 * A request's links inside a window, from `links_by_time` alone (migration 0003: each link carries
 * its record's ts, severity and lane number).
 */
const LINK_WINDOW = `FROM links l INDEXED BY links_by_time
    WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.ts >= @fromNs AND l.ts <= @toNs
      AND l.severity >= @minSeverity`;
/** The same window's records: the index range, then one rowid lookup per link that passes `lane`. */
const TIMELINE_FROM = `FROM links l INDEXED BY links_by_time CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record
    ${FILE_OF_RECORD} WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.ts >= @fromNs AND l.ts <= @toNs
      AND l.severity >= @minSeverity`;

/** Writing the links' ts, severity and lane once a bundle's links are saved (migration 0003). */
export const LINK_LANES_SQL = {
  /** The bundle's distinct lane signatures, numbered. */
  lanes: `INSERT INTO link_lanes (bundle, sig, lane)
    SELECT @bundle, sig, row_number() OVER (ORDER BY sig) FROM (SELECT DISTINCT ${LANE_SIG} AS sig
      FROM links l CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record WHERE l.bundle = @bundle)`,
  fill: `UPDATE links SET ts = r.ts, severity = r.severity,
    lane = (SELECT k.lane FROM link_lanes k WHERE k.bundle = @bundle AND k.sig = ${LANE_SIG})
    FROM records r WHERE links.bundle = @bundle AND r.rid = (links.bundle << 40) + links.record`,
  /** Bundles written with migration 0007's layout: each record's lane was numbered when written. */
  fillFromRows: `UPDATE links SET ts = r.ts, severity = r.severity, lane = r.lane
    FROM records r WHERE links.bundle = @bundle AND r.rid = (links.bundle << 40) + links.record`,
  done: `UPDATE bundles SET lanes_built = 1 WHERE key = @bundle`,
  columnsDone: `UPDATE bundles SET columns_built = 1 WHERE key = @bundle`,
  /** Requests with at least @min timed links (candidates for link_columns). */
  bigRequests: `SELECT l.req_id, q.started_ns, count(*) AS n FROM links l INDEXED BY links_by_time
    JOIN requests q ON q.bundle = l.bundle AND q.req_id = l.req_id
    WHERE l.bundle = @bundle AND l.ts IS NOT NULL GROUP BY l.req_id HAVING count(*) >= @min`,
  /** One request's timed links in (ts, record) order. */
  linkRows: `SELECT ts, record, lane, severity FROM links INDEXED BY links_by_time
    WHERE bundle = @bundle AND req_id = @reqId AND ts IS NOT NULL ORDER BY ts, record`,
  insertColumns: `INSERT INTO link_columns (bundle, req_id, origin_ns, n, data) VALUES (@bundle, @reqId, @originNs, @n, @data)`,
  columns: `SELECT origin_ns, n, data FROM link_columns WHERE bundle = ? AND req_id = ?`,
  /** Ready bundles correlated before migration 0003 or 0004. */
  pending: `SELECT key, lanes_built FROM bundles WHERE (lanes_built = 0 OR columns_built = 0) AND status = 'ready'`,
  ofBundle: `SELECT lane, sig FROM link_lanes WHERE bundle = ?`,
  /** The distinct lanes of one request's links (a scan of its `links_by_time` range). */
  requestLanes: `SELECT DISTINCT lane FROM links INDEXED BY links_by_time WHERE bundle = @bundle AND req_id = @reqId`,
} as const;

/** Level-of-detail timeline (SPEC §7.2): cost follows what is returned, not the request's size. */
export const TIMELINE_SQL = {
  /** Marks of the sparse lanes: narrow columns, a message prefix, fields only for log lines' previews. */
  marks: `SELECT r.id, r.ts, r.severity, ${TEXT_COLUMNS}, l.kind AS link_kind, l.lane
    ${TIMELINE_FROM} AND l.lane IN (SELECT value FROM json_each(@lanes)) ORDER BY l.ts, l.record`,
  /**
   * One pass over the window: per lane signature and bucket, the count, the worst severity and,
   * packed into one integer, the smallest record id among the worst
   * (`severity << 40 | (2^40 - 1 - id)`). The bucket index is computed with the same floating-point
   * steps as the in-memory levelOfDetail (ms since origin truncated to µs, minus from, / width). Summed per lane these are the lane counts that decide
   * which lanes are dense; a dense lane's rows are its buckets.
   */
  buckets: `SELECT l.lane,
    min(@buckets - 1, max(0, CAST((((l.ts - @originNs) / 1000) / 1000.0 - @fromMs) / @bucketMs AS INTEGER))) AS b, count(*) AS n,
    max((l.severity << 40) + (1099511627775 - l.record)) AS worst
    ${LINK_WINDOW} GROUP BY l.lane, b`,
  /** Audit records (API-call bars) with their fields, bounded; `@lanes`: the audit lanes. */
  auditRecords: `SELECT r.id, r.ts, ${TEXT_COLUMNS} ${TIMELINE_FROM}
    AND l.lane IN (SELECT value FROM json_each(@lanes)) AND r.kind = 'audit' ORDER BY l.ts, l.record LIMIT @limit`,
  /** Message previews of a few records by id: rowid lookups. */
  previews: `SELECT r.id, ${TEXT_COLUMNS} FROM records r ${FILE_OF_RECORD}
    WHERE r.rid IN (SELECT (@bundle << 40) + value FROM json_each(@ids))`,
} as const;

/** Record ids are below 2^40: a larger one would address another bundle's rowids. */
export const isRecordId = (id: number): boolean => Number.isSafeInteger(id) && id >= 0 && id < 2 ** 40;

/** Ingest liveness and bundle keys (migration 0007, ADR 0011). */
export const LEASE_SQL = {
  /** A key above every key handed out and every key rows still carry (each a b-tree edge lookup). */
  nextKey: `SELECT max(last,
      coalesce((SELECT max(key) FROM bundles), 0),
      coalesce((SELECT max(rid) FROM records) >> 40, 0),
      coalesce((SELECT max(bundle) FROM spans), 0),
      coalesce((SELECT max(bundle) FROM files), 0)) + 1
    FROM bundle_key_seq`,
  takeKey: `UPDATE bundle_key_seq SET last = ?`,
  ingesting: `SELECT id, lease FROM bundles WHERE status = 'ingesting'`,
  /** Only while it is still the same dead ingest (a new one has another lease). */
  markDead: `UPDATE bundles SET status = 'failed', error = @error, progress = @progress, records = 0,
    requests = 0, ts_from = NULL, ts_to = NULL, fts_built = 0, fts_upto = NULL
    WHERE key = @key AND status = 'ingesting' AND lease IS @lease`,
};

/**
 * Search (recordSearch.ts). `kt_hit(…)` is a function the store registers on its connection: it
 * checks a line's text against the current literal needle and stops the statement when the
 * search's time budget is spent; `kt_tick()` only does the latter. A row written since migration
 * 0009 keeps no text: `kt_hit` is given its block, read here only when `kt_cached` says the block
 * is not decoded yet (the connection cannot run another statement while this one runs).
 */
const SEARCH_SCOPE_R = `AND (@component IS NULL OR r.component = @component) AND (@node IS NULL OR r.node = @node)`;
const SEARCH_IN_FTS = (rid: string) =>
  `${rid} IN (SELECT rowid FROM records_fts WHERE records_fts MATCH @match AND rowid BETWEEN @lo AND @hi)`;
const SEARCH_LANES = `AND (@lanes IS NULL OR l.lane IN (SELECT value FROM json_each(@lanes)))`;

/** The full-text candidates of the bundle and request scope, in time order (run when they are few). */
const searchCandidates = (check: string) => `SELECT r.rid, r.ts, r.severity
    FROM records_fts CROSS JOIN records r ON r.rid = records_fts.rowid
    WHERE records_fts MATCH @match AND records_fts.rowid BETWEEN @lo AND @hi
      AND (@fromNs IS NULL OR r.ts >= @fromNs) AND (@toNs IS NULL OR r.ts <= @toNs)
      AND r.severity >= @minSeverity ${SEARCH_SCOPE_R}
      AND (@reqId IS NULL OR EXISTS (SELECT 1 FROM links l
        WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.record = r.rid - @lo ${SEARCH_LANES}))
      AND ${check}
    ORDER BY r.ts, r.rid`;

/** Every line of the bundle in scope, in time order (`record_times` never holds a NULL time). */
const searchWalkBundle = (check: string) => `SELECT t.rid, t.ts, t.severity
    FROM record_times t CROSS JOIN records r ON r.rid = t.rid
    WHERE t.bundle = @bundle AND t.ts >= @fromTs AND t.ts <= @toTs AND t.severity >= @minSeverity
      ${SEARCH_SCOPE_R} AND ${check}
    ORDER BY t.ts, t.rid`;

/** Every line of one request in scope, in time order (untimed lines first, when no window is set). */
const searchWalkRequest = (check: string, windowed: boolean) => `SELECT (l.bundle << 40) + l.record AS rid,
    l.ts, l.severity FROM links l INDEXED BY links_by_time
    CROSS JOIN records r ON r.rid = (l.bundle << 40) + l.record
    WHERE l.bundle = @bundle AND l.req_id = @reqId
      ${windowed ? 'AND l.ts >= @fromTs AND l.ts <= @toTs' : ''}
      AND l.severity >= @minSeverity ${SEARCH_LANES} ${SEARCH_SCOPE_R} AND ${check}
    ORDER BY l.ts, l.record`;

const BLOCK_OF_RECORD = `FROM blocks WHERE bid = (r.bundle << 40) + r.block`;
const BLOCK_IF_NOT_CACHED = (column: string) =>
  `CASE WHEN r.block IS NULL OR kt_cached(r.block) THEN NULL ELSE (SELECT ${column} ${BLOCK_OF_RECORD}) END`;
const LITERAL_CHECK = `kt_hit(r.kind, r.message, r.raw, r.log_fields, r.block, r.pos, r.len, r.derive, r.file_id,
  ${BLOCK_IF_NOT_CACHED('codec')}, ${BLOCK_IF_NOT_CACHED('data')})`;
const TICK = 'kt_tick()';

export const SEARCH_SQL = {
  /** Full-text candidates of the bundle, counted up to @cap (no row is read). */
  countCandidates: `SELECT count(*) FROM (SELECT 1 FROM records_fts
    WHERE records_fts MATCH @match AND rowid BETWEEN @lo AND @hi LIMIT @cap)`,
  candidatesLiteral: searchCandidates(LITERAL_CHECK),
  candidatesFts: searchCandidates(TICK),
  walkBundleLiteral: searchWalkBundle(LITERAL_CHECK),
  walkBundleFts: searchWalkBundle(`${SEARCH_IN_FTS('t.rid')} AND ${TICK}`),
  walkRequestLiteral: searchWalkRequest(LITERAL_CHECK, false),
  walkRequestLiteralWindow: searchWalkRequest(LITERAL_CHECK, true),
  walkRequestFts: searchWalkRequest(`${SEARCH_IN_FTS('(l.bundle << 40) + l.record')} AND ${TICK}`, false),
  walkRequestFtsWindow: searchWalkRequest(
    `${SEARCH_IN_FTS('(l.bundle << 40) + l.record')} AND ${TICK}`,
    true,
  ),
  /** Every line of a request in scope (no text): `walkRequest…` without reading records. */
  requestLines: `SELECT (l.bundle << 40) + l.record AS rid, l.ts, l.severity FROM links l INDEXED BY links_by_time
    WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.severity >= @minSeverity ${SEARCH_LANES} AND ${TICK}
    ORDER BY l.ts, l.record`,
  requestLinesWindow: `SELECT (l.bundle << 40) + l.record AS rid, l.ts, l.severity FROM links l INDEXED BY links_by_time
    WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.ts >= @fromTs AND l.ts <= @toTs
      AND l.severity >= @minSeverity ${SEARCH_LANES} AND ${TICK}
    ORDER BY l.ts, l.record`,
  /** How each of a page of records joined one request, and its lane signature. */
  requestLineLinks: `SELECT l.record, l.kind, k.sig FROM links l
    LEFT JOIN link_lanes k ON k.bundle = l.bundle AND k.lane = l.lane
    WHERE l.bundle = @bundle AND l.req_id = @reqId AND l.record IN (SELECT value FROM json_each(@ids))`,
  /** Full rows of a page of records, by id (@ids: a JSON array of bundle-local ids). */
  rows: `SELECT r.*, f.path, ${TEXT_COLUMNS} FROM records r ${FILE_OF_RECORD}
    WHERE r.rid IN (SELECT (@bundle << 40) + value FROM json_each(@ids))`,
  /** What re-deriving a record's text needs of its file (recordTexts.ts). */
  filesOfBundle: `SELECT file_id, mode AS file_mode, wrapper AS file_wrapper, format AS file_format,
    component AS file_component, node AS file_node FROM files WHERE bundle = ?`,
  bundleIdOfKey: `SELECT id FROM bundles WHERE key = ?`,
} as const;
