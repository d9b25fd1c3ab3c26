#!/usr/bin/env -S npx tsx
/**
 * The `kubetrail` command: serve, ingest, requests, timeline, search.
 * Exit codes: 0 ok, 1 failure, 2 usage error. Expected errors print one line on stderr.
 */
import { createWriteStream, existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import {
  BundleStatusSchema,
  formatNs,
  parseRfc3339Ns,
  IngestReportSchema,
  OutcomeSchema,
  RecordsQuerySchema,
  RequestLineSchema,
  RequestLinesQuerySchema,
  RequestListSchema,
  RequestsQuerySchema,
  SearchResultSchema,
  SEVERITIES,
  TimelineQuerySchema,
  TimelineSchema,
  type Request,
  type RequestLine,
  type RequestsQuery,
} from '@kubetrail/model';
import { DEFAULT_LIMITS, type Limits } from '@kubetrail/parsers';
import { INGEST_BUSY_TIMEOUT_MS, openStore, StoreError, type Store } from '@kubetrail/store';
import {
  formatIngestReport,
  formatLine,
  formatRequests,
  formatSearch,
  formatTimeline,
} from './cli/format.ts';
import { cellText } from './cli/terminal.ts';
import { createProgressReporter } from './cli/progress.ts';
import { AppError } from './http/appError.ts';
import { DEFAULT_SERVER_LIMITS } from './http/context.ts';
import { formatSize, parseSize } from './http/sizeArg.ts';
import {
  DEFAULT_STORAGE_LIMITS,
  IngestInputError,
  ingestPaths,
  ingestsInFlight,
  type StorageLimits,
} from '@kubetrail/ingest';
import { startServer, webDistBuilt, type RunningServer } from './server.ts';
import { parseTimeZone } from '@kubetrail/ingest';
import { VERSION } from './health/health.service.ts';
import { requestLines } from './lines/lines.service.ts';
import { searchRecords } from './records/records.service.ts';
import { buildTimeline } from './timeline/timeline.service.ts';
import { exportRequestOtlp } from './traces/export.service.ts';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}
/** An expected failure: exit code 1, one line, no stack. */
export class CliError extends Error {}

export const DEFAULT_DB = './data/kubetrail.db';
export const resolveDbPath = (opt?: string): string => resolve(opt ?? process.env.KUBETRAIL_DB ?? DEFAULT_DB);
/** The built web app: beside the sources' app, or inside the compiled package (`dist/web`). */
export const DEFAULT_WEB_DIST = fileURLToPath(
  import.meta.url.endsWith('.ts')
    ? new URL('../../web/dist', import.meta.url)
    : new URL('./web', import.meta.url),
);

/** How long a CLI search may run (ms): longer than the server's, nobody else is waiting. */
const CLI_QUERY_BUDGET_MS = 60_000;

type Format = 'text' | 'wide' | 'json' | 'yaml';
interface OutputFlags {
  output?: 'json' | 'yaml' | 'wide';
  json?: boolean;
}
const formatOf = (o: OutputFlags): Format => (o.json ? 'json' : (o.output ?? 'text'));

/** Prints exactly one JSON (or YAML) document, validated with the model's schema first. */
function printDoc<S extends z.ZodType>(schema: S, value: z.input<S>, format: 'json' | 'yaml' = 'json'): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`output failed validation: ${parsed.error.message}`);
  process.stdout.write(format === 'yaml' ? toYaml(parsed.data) : `${JSON.stringify(parsed.data, null, 2)}\n`);
}

/** `timeline -o json|yaml`: the timeline and every line of the request, whole and in time order. */
const TimelineWithLinesSchema = TimelineSchema.extend({ lines: z.array(RequestLineSchema) });

/** Every line of a request, a page at a time (`lines`, `timeline -o json`). */
function* allLines(
  store: Store,
  bundleId: string,
  reqId: string,
  q: { errorsOnly?: boolean; grep?: string; fts?: boolean },
): Generator<RequestLine> {
  for (let offset = 0; ;) {
    const page = requestLines(
      { store },
      bundleId,
      reqId,
      RequestLinesQuerySchema.parse({
        offset,
        limit: 1000,
        errorsOnly: q.errorsOnly ? '1' : undefined,
        q: q.grep,
        mode: q.fts ? 'fts' : 'literal',
      }),
      CLI_QUERY_BUDGET_MS,
    );
    yield* page.lines;
    if (page.partial) throw new CliError('the search ran out of time: narrow it (--errors, more words)');
    offset += page.lines.length;
    if (page.lines.length === 0 || (!page.capped && offset >= page.total)) return;
  }
}

/** `--since 30m`: that long before the bundle's last line; anything else is an RFC 3339 time, as given. */
export function sinceTime(value: string, bundleEnd: string | null): string {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return value;
  const end = bundleEnd === null ? null : parseRfc3339Ns(bundleEnd);
  if (end === null) throw new CliError('--since with a duration needs a bundle whose lines have times');
  const unit: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 };
  const ns = parts.reduce((n, p) => n + BigInt(Math.round(Number(p[1]) * (unit[p[2] ?? 's'] ?? 1e9))), 0n);
  return formatNs(end - ns);
}

const EXIT_CODES = `
Exit codes:
  0  done
  1  it failed: nothing to read, an unknown bundle or request, a database problem (one line on stderr)
  2  it was called wrong: an unknown command or option, a bad value, an invalid search`;

/** Opens an existing database for reading commands (never creates one by accident). */
function openExisting(db: string | undefined): Store {
  const file = resolveDbPath(db);
  if (!existsSync(file)) throw new CliError(`no database at ${file}: run "kubetrail ingest <path>" first`);
  return openStore(file);
}

/** `--bundle`, or the most recent ready bundle. */
export function pickBundle(store: Store, id: string | undefined): string {
  if (id) {
    const b = store.getBundle(id);
    if (!b) throw new CliError(`no bundle ${id} in ${store.file}`);
    if (b.status !== 'ready')
      throw new CliError(`bundle ${id} is ${b.status}${b.error ? `: ${b.error}` : ''}`);
    return id;
  }
  const ready = store.listBundles().filter((b) => b.status === 'ready');
  const latest = ready[0];
  if (!latest) throw new CliError(`no ready bundle in ${store.file}: run "kubetrail ingest <path>" first`);
  return latest.id;
}

const intArg =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };

const sizeArg =
  (name: string) =>
  (v: string): number => {
    const bytes = parseSize(v);
    if (bytes === null)
      throw new InvalidArgumentError(`${name} takes a size such as 512MiB, 2GiB or 1048576`);
    return bytes;
  };

/** Ingest limit flags shared by `serve` (uploads) and `ingest`. */
interface LimitFlags {
  maxDecompressed?: number;
  maxLine?: number;
  maxStored?: number;
  minFree?: number;
}

const ingestLimits = (o: LimitFlags): Partial<Limits & StorageLimits> => ({
  ...(o.maxDecompressed !== undefined ? { maxDecompressedBytes: o.maxDecompressed } : {}),
  ...(o.maxLine !== undefined ? { maxLineBytes: o.maxLine } : {}),
  ...(o.maxStored !== undefined ? { maxStoredBytes: o.maxStored } : {}),
  ...(o.minFree !== undefined ? { minFreeBytes: o.minFree } : {}),
});

const tzArg = (v: string): string => {
  try {
    parseTimeZone(v);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
  return v;
};

const IngestJsonSchema = IngestReportSchema.extend({
  bundleId: z.string(),
  status: BundleStatusSchema,
  error: z.string().nullable(),
  reused: z.boolean(),
});

function withStore<T>(db: string | undefined, fn: (store: Store) => T): T {
  const store = openExisting(db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('kubetrail')
    .description('Follow one Kubernetes operation through a cluster’s logs')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const dbOption = () =>
    new Option('--db <file>', `SQLite database (default: $KUBETRAIL_DB or ${DEFAULT_DB})`);
  const maxDecompressedOption = () =>
    new Option(
      '--max-decompressed <size>',
      `stop reading a bundle past this many decompressed bytes (default ${formatSize(DEFAULT_LIMITS.maxDecompressedBytes)})`,
    ).argParser(sizeArg('--max-decompressed'));
  const maxLineOption = () =>
    new Option(
      '--max-line <size>',
      `cut longer lines, and report them (default ${formatSize(DEFAULT_LIMITS.maxLineBytes)})`,
    ).argParser(sizeArg('--max-line'));
  const maxStoredOption = () =>
    new Option(
      '--max-stored <size>',
      'stop reading a bundle once it grew the database by about this much (default: --max-decompressed)',
    ).argParser(sizeArg('--max-stored'));
  const minFreeOption = () =>
    new Option(
      '--min-free <size>',
      `free disk space an ingest leaves: it does not start, or stops reading, below it (default ${formatSize(DEFAULT_STORAGE_LIMITS.minFreeBytes)})`,
    ).argParser(sizeArg('--min-free'));

  program
    .command('serve')
    .description('serve the API and the web app')
    .addOption(dbOption())
    .option('--port <port>', 'port', intArg('--port', 0, 65535), 7788)
    .option('--host <host>', 'address to bind (loopback unless told otherwise)', '127.0.0.1')
    .option(
      '--allowed-host <name>',
      'a host name clients may use besides loopback, --host and IP addresses (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--demo', 'ingest the simulator’s demo bundle if the database has none')
    .option('--web <dir>', 'built web app to serve', DEFAULT_WEB_DIST)
    .addOption(
      new Option(
        '--max-upload <size>',
        `refuse larger uploads with 413 (default ${formatSize(DEFAULT_SERVER_LIMITS.maxUploadBytes)})`,
      ).argParser(sizeArg('--max-upload')),
    )
    .addOption(maxDecompressedOption())
    .addOption(maxLineOption())
    .addOption(maxStoredOption())
    .addOption(minFreeOption())
    .action(async (o: ServeFlags) => {
      await serve(o);
    });

  program
    .command('ingest')
    .description('ingest a bundle: directories, .tar, .tar.gz/.tgz, .zip, .gz or plain files')
    .argument('<path...>', 'bundle paths (several paths make one bundle); - reads the bundle from stdin')
    .addOption(dbOption())
    .option('--name <name>', 'display name (default: the first path\'s name, "stdin" for -)')
    .option('--year <yyyy>', 'year for klog times that carry none', intArg('--year', 1970, 2200))
    .option('--tz <zone>', 'zone of klog times: UTC, +02:00, -0530 or an IANA name', tzArg)
    .addOption(
      new Option('-o, --output <format>', 'print the ingest report as one json or yaml document').choices([
        'json',
        'yaml',
      ]),
    )
    .option('--json', 'same as -o json')
    .addOption(maxDecompressedOption())
    .addOption(maxLineOption())
    .addOption(maxStoredOption())
    .addOption(minFreeOption())
    .action(async (paths: string[], o: IngestFlags) => {
      await ingest(paths, o);
    });

  const outputOption = () =>
    new Option('-o, --output <format>', 'json or yaml (one document), or wide (more columns)').choices([
      'json',
      'yaml',
      'wide',
    ]);
  const bundleOption = () => new Option('--bundle <id>', 'bundle id (default: the most recent ready bundle)');

  program
    .command('requests')
    .description('list the requests (user operations) of a bundle, oldest first')
    .addOption(dbOption())
    .addOption(bundleOption())
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(OutcomeSchema.options))
    .option('--namespace <ns>', 'only requests touching this namespace')
    .option('--user <user>', 'only requests by this user')
    .option('--verb <verb>', 'only requests with this verb (create, delete, patch…)')
    .option('--resource <resource>', 'only requests on this resource (deployments, pods…)')
    .option('--since <time>', 'started at or after: RFC 3339, or a duration (30m, 2h) before the bundle ends')
    .option('--until <time>', 'started at or before: RFC 3339')
    .option('--system [which]', 'also list control-plane activity (hidden by default); "only" for it alone')
    .addOption(outputOption())
    .option('--json', 'same as -o json: print a RequestList')
    .action((o: RequestsFlags) =>
      withStore(o.db, (store) => {
        const bundleId = pickBundle(store, o.bundle);
        const system = o.system === undefined ? 'exclude' : o.system === true ? 'include' : o.system;
        if (!['exclude', 'include', 'only'].includes(system))
          throw new UsageError(`--system takes include, only or exclude, not ${JSON.stringify(system)}`);
        const end = store.getBundle(bundleId)?.timeRange?.to ?? null;
        const filter = RequestsQuerySchema.safeParse({
          outcome: o.outcome,
          namespace: o.namespace,
          user: o.user,
          verb: o.verb,
          resource: o.resource,
          since: o.since === undefined ? undefined : sinceTime(o.since, end),
          until: o.until,
          system,
        });
        if (!filter.success) throw new UsageError(filter.error.issues[0]?.message ?? 'bad filter');
        for (const [name, v] of [
          ['--since', filter.data.since],
          ['--until', filter.data.until],
        ] as const)
          if (v !== undefined && parseRfc3339Ns(v) === null)
            throw new UsageError(
              `${name}: expected an RFC 3339 time or a duration such as 30m, got ${JSON.stringify(v)}`,
            );
        const all: Request[] = [];
        let total = 0;
        let systemHidden = 0;
        for (let offset = 0; ; offset += 500) {
          const page = store.listRequests(bundleId, { ...filter.data, offset, limit: 500 });
          all.push(...page.requests);
          total = page.total;
          systemHidden = page.systemHidden;
          if (page.requests.length === 0 || all.length >= total) break;
        }
        const format = formatOf(o);
        if (format === 'json' || format === 'yaml')
          printDoc(
            RequestListSchema,
            { requests: all, total, systemHidden, offset: 0, limit: Math.max(1, all.length) },
            format,
          );
        else process.stdout.write(`${formatRequests(all, format === 'wide', systemHidden)}\n`);
      }),
    );

  program
    .command('timeline')
    .description('show one request: its stage ladder, verdict and lanes of lines')
    .argument('<reqId>', 'request id')
    .addOption(dbOption())
    .addOption(bundleOption())
    .option(
      '--width <px>',
      'level of detail: lanes with more lines than this get buckets',
      intArg('--width', 10, 20000),
      20000,
    )
    .option('--errors', 'errors only')
    .addOption(outputOption())
    .option('--json', 'same as -o json: a Timeline, with every line of the request whole in `lines`')
    .option('--otlp', 'print the request as OTLP/JSON (spans, log lines as span events), for Jaeger UI')
    .action(
      (
        reqId: string,
        o: OutputFlags & { db?: string; bundle?: string; width: number; errors?: boolean; otlp?: boolean },
      ) =>
        withStore(o.db, (store) => {
          const bundleId = pickBundle(store, o.bundle);
          if (o.otlp) {
            process.stdout.write(`${JSON.stringify(exportRequestOtlp({ store }, bundleId, reqId))}\n`);
            return;
          }
          const query = TimelineQuerySchema.parse({ width: o.width, errorsOnly: o.errors ? '1' : undefined });
          const tl = buildTimeline({ store }, bundleId, reqId, query);
          const format = formatOf(o);
          if (format === 'json' || format === 'yaml') {
            const lines = [...allLines(store, bundleId, reqId, { errorsOnly: o.errors })];
            printDoc(TimelineWithLinesSchema, { ...tl, lines }, format);
          } else process.stdout.write(`${formatTimeline(tl)}\n`);
        }),
    );

  program
    .command('lines')
    .description('print every line of one request, raw, in time order (grep it, or read it as text)')
    .argument('<reqId>', 'request id')
    .addOption(dbOption())
    .addOption(bundleOption())
    .option('--errors', 'errors only')
    .option('--grep <text>', 'only lines containing this text (as typed, any case)')
    .option('--fts', '--grep takes FTS5 syntax ("a phrase", AND/OR/NOT, prefix*)')
    .addOption(outputOption())
    .option('--json', 'same as -o json: one JSON object per line (record, lane, linkKind, t)')
    .action(
      (
        reqId: string,
        o: OutputFlags & { db?: string; bundle?: string; errors?: boolean; grep?: string; fts?: boolean },
      ) =>
        withStore(o.db, (store) => {
          const bundleId = pickBundle(store, o.bundle);
          const format = formatOf(o);
          const tty = process.stdout.isTTY === true;
          let first = true;
          for (const line of allLines(store, bundleId, reqId, {
            errorsOnly: o.errors,
            grep: o.grep,
            fts: o.fts,
          })) {
            const parsed = RequestLineSchema.parse(line);
            if (format === 'json') process.stdout.write(`${JSON.stringify(parsed)}\n`);
            else if (format === 'yaml') process.stdout.write(`${first ? '' : '---\n'}${toYaml(parsed)}`);
            else process.stdout.write(`${formatLine(parsed, format === 'wide', tty)}\n`);
            first = false;
          }
        }),
    );

  program
    .command('search')
    .description('search every line of a bundle, as typed (pasted text works); hits in time order')
    .argument('<query>', 'text to find, symbols included; with --fts: words, "a phrase", prefix*, AND/OR/NOT')
    .addOption(dbOption())
    .addOption(bundleOption())
    .option('--fts', 'read the query as FTS5 syntax (advanced search)')
    .option('--request <reqId>', 'only lines of this request')
    .option('--component <name>', 'only lines of this component (kubelet, kube-apiserver…)')
    .option('--node <name>', 'only lines from this node')
    .addOption(new Option('--severity <level>', 'only lines at least this severe').choices([...SEVERITIES]))
    .option('--from <time>', 'only lines at or after this RFC 3339 time')
    .option('--to <time>', 'only lines at or before this RFC 3339 time')
    .option('--limit <n>', 'hits per page', intArg('--limit', 1, 500), 50)
    .option('--offset <n>', 'first hit', intArg('--offset', 0, 1_000_000), 0)
    .addOption(outputOption())
    .option('--json', 'same as -o json: print a SearchResult')
    .action((query: string, o: SearchFlags) =>
      withStore(o.db, (store) => {
        const bundleId = pickBundle(store, o.bundle);
        const q = RecordsQuerySchema.safeParse({
          q: query,
          mode: o.fts ? 'fts' : 'literal',
          reqId: o.request,
          component: o.component,
          node: o.node,
          severity: o.severity,
          from: o.from,
          to: o.to,
          limit: o.limit,
          offset: o.offset,
        });
        if (!q.success) throw new UsageError(`invalid query: ${q.error.issues[0]?.message ?? 'bad query'}`);
        const res = searchRecords({ store }, bundleId, q.data, CLI_QUERY_BUDGET_MS);
        const format = formatOf(o);
        if (format === 'json' || format === 'yaml') printDoc(SearchResultSchema, res, format);
        else process.stdout.write(`${formatSearch(res)}\n`);
      }),
    );
  program.addHelpText('after', EXIT_CODES);
  return program;
}

interface RequestsFlags extends OutputFlags {
  db?: string;
  bundle?: string;
  outcome?: RequestsQuery['outcome'];
  namespace?: string;
  user?: string;
  verb?: string;
  resource?: string;
  since?: string;
  until?: string;
  system?: string | true;
}

interface SearchFlags extends OutputFlags {
  db?: string;
  bundle?: string;
  fts?: boolean;
  request?: string;
  component?: string;
  node?: string;
  severity?: (typeof SEVERITIES)[number];
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

interface IngestFlags extends LimitFlags, OutputFlags {
  db?: string;
  name?: string;
  year?: number;
  tz?: string;
  json?: boolean;
}

/** Copies stdin into a file of a fresh temporary folder (a bundle read from `-`); returns its path. */
async function spoolStdin(): Promise<{ path: string; cleanup: () => void }> {
  if (process.stdin.isTTY)
    throw new UsageError('ingest -: pipe a bundle into stdin (kubetrail ingest - < bundle.tgz)');
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-stdin-'));
  const path = join(dir, 'stdin');
  await pipeline(process.stdin, createWriteStream(path));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function ingest(paths: string[], o: IngestFlags): Promise<void> {
  // Input paths first: a typo must not leave a new, empty database behind.
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('ingest reads stdin (-) once');
  for (const p of paths) {
    if (p === '-') continue;
    try {
      statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(
        `${code === 'EACCES' ? 'cannot read' : 'no such file or directory'}: ${cellText(p)} (nothing was ingested)`,
      );
    }
  }
  const stdin = paths.includes('-') ? await spoolStdin() : null;
  const inputs = paths.map((p) => (p === '-' && stdin ? stdin.path : p));
  // A CLI ingest may share the database with a running server or another ingest: it waits for
  // their write locks rather than fail.
  const store = openStore(resolveDbPath(o.db), { busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS });
  const progress = createProgressReporter();
  const onSignal = () => {
    progress.stop();
    for (const id of ingestsInFlight()) store.failBundle(id, 'ingest was interrupted (Ctrl-C)');
    store.close();
    stdin?.cleanup();
    process.stderr.write('interrupted\n');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await ingestPaths(store, inputs, {
      name: o.name ?? (paths[0] === '-' ? 'stdin' : undefined),
      year: o.year ?? null,
      tz: o.tz ?? null,
      limits: ingestLimits(o),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    const format = formatOf(o);
    if (format === 'json' || format === 'yaml') {
      printDoc(
        IngestJsonSchema,
        {
          ...result.report,
          bundleId: result.bundleId,
          status: result.status,
          error: result.error,
          reused: result.reused,
        },
        format,
      );
    } else {
      process.stdout.write(
        `${formatIngestReport(result.bundleId, result.status, result.report, result.reused)}\n`,
      );
    }
    if (result.status === 'failed') throw new CliError(result.error ?? 'ingest failed');
  } catch (err) {
    if (err instanceof IngestInputError) throw new CliError(err.message);
    throw err;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    store.close();
    stdin?.cleanup();
  }
}

interface ServeFlags extends LimitFlags {
  db?: string;
  port: number;
  host: string;
  allowedHost: string[];
  demo?: boolean;
  web: string;
  maxUpload?: number;
}

async function serve(o: ServeFlags): Promise<void> {
  const dbFile = resolveDbPath(o.db);
  let running: RunningServer;
  try {
    running = await startServer({
      dbFile,
      port: o.port,
      host: o.host,
      allowedHosts: o.allowedHost,
      webDist: o.web,
      demo: o.demo,
      limits: {
        ...(o.maxUpload !== undefined ? { maxUploadBytes: o.maxUpload } : {}),
        ingest: ingestLimits(o),
      },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${o.port} on ${o.host} is in use (try --port)`);
    if (e.code === 'EADDRNOTAVAIL') throw new CliError(`cannot bind ${o.host}: no such local address`);
    throw err;
  }
  process.stdout.write(`kubetrail listening on ${running.url}  (db ${dbFile})\n`);
  if (!webDistBuilt(o.web)) process.stdout.write('web app not built: run "pnpm build" for the UI\n');
  const shutdown = () => {
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version and `help` are a success; help shown for a missing command, an unknown
      // option or a bad argument is a usage error (commander printed the message).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError || (err instanceof StoreError && err.code === 'bad_query')) {
      process.stderr.write(`kubetrail: ${cellText(err.message)}\n`);
      return 2;
    }
    if (err instanceof CliError || err instanceof AppError || err instanceof StoreError) {
      process.stderr.write(`kubetrail: ${cellText(err.message)}\n`);
      return 1;
    }
    process.stderr.write(
      `kubetrail: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}

/** Whether this module is the program (not imported): npm's bin is a symlink to it. */
function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(resolve(arg)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const code = await main(process.argv);
  // `serve` keeps running: only exit for commands that are done.
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
}
