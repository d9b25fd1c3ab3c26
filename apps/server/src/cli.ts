#!/usr/bin/env -S npx tsx
/**
 * The `kubetrail` command: serve, ingest, requests, timeline, search.
 * Exit codes: 0 ok, 1 failure, 2 usage error. Expected errors print one line on stderr.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import {
  BundleStatusSchema,
  IngestReportSchema,
  RecordsQuerySchema,
  RequestListSchema,
  RequestsQuerySchema,
  SearchResultSchema,
  TimelineQuerySchema,
  TimelineSchema,
  type Request,
} from '@kubetrail/model';
import { DEFAULT_LIMITS, type Limits } from '@kubetrail/parsers';
import { INGEST_BUSY_TIMEOUT_MS, openStore, StoreError, type Store } from '@kubetrail/store';
import { formatIngestReport, formatRequests, formatSearch, formatTimeline } from './cli/format.ts';
import { createProgressReporter } from './cli/progress.ts';
import { AppError } from './http/appError.ts';
import { DEFAULT_SERVER_LIMITS } from './http/context.ts';
import { formatSize, parseSize } from './http/sizeArg.ts';
import { IngestInputError, ingestPaths, ingestsInFlight } from './ingest/ingest.service.ts';
import { DEFAULT_STORAGE_LIMITS, type StorageLimits } from './ingest/storageGuard.ts';
import { startServer, webDistBuilt, type RunningServer } from './server.ts';
import { parseTimeZone } from './ingest/timeZone.ts';
import { VERSION } from './health/health.service.ts';
import { searchRecords } from './records/records.service.ts';
import { buildTimeline } from './timeline/timeline.service.ts';
import { exportRequestOtlp } from './traces/export.service.ts';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}
/** An expected failure: exit code 1, one line, no stack. */
export class CliError extends Error {}

export const DEFAULT_DB = './data/kubetrail.db';
export const resolveDbPath = (opt?: string): string => resolve(opt ?? process.env.KUBETRAIL_DB ?? DEFAULT_DB);
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Prints exactly one JSON document, validated with the model's schema first. */
function printJson<S extends z.ZodType>(schema: S, value: z.input<S>): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`output failed validation: ${parsed.error.message}`);
  process.stdout.write(`${JSON.stringify(parsed.data, null, 2)}\n`);
}

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
    .argument('<path...>', 'bundle paths (several paths make one bundle)')
    .addOption(dbOption())
    .option('--name <name>', 'display name')
    .option('--year <yyyy>', 'year for klog times that carry none', intArg('--year', 1970, 2200))
    .option('--tz <zone>', 'zone of klog times: UTC, +02:00, -0530 or an IANA name', tzArg)
    .option('--json', 'print the ingest report as one JSON document')
    .addOption(maxDecompressedOption())
    .addOption(maxLineOption())
    .addOption(maxStoredOption())
    .addOption(minFreeOption())
    .action(async (paths: string[], o: IngestFlags) => {
      await ingest(paths, o);
    });

  program
    .command('requests')
    .description('list the requests (user operations) of a bundle')
    .addOption(dbOption())
    .option('--bundle <id>', 'bundle id (default: the most recent ready bundle)')
    .option('--json', 'print a RequestList')
    .action((o: { db?: string; bundle?: string; json?: boolean }) =>
      withStore(o.db, (store) => {
        const bundleId = pickBundle(store, o.bundle);
        const all: Request[] = [];
        let total = 0;
        for (let offset = 0; ; offset += 500) {
          const page = store.listRequests(bundleId, RequestsQuerySchema.parse({ offset, limit: 500 }));
          all.push(...page.requests);
          total = page.total;
          if (page.requests.length === 0 || all.length >= total) break;
        }
        if (o.json)
          printJson(RequestListSchema, { requests: all, total, offset: 0, limit: Math.max(1, all.length) });
        else process.stdout.write(`${formatRequests(all)}\n`);
      }),
    );

  program
    .command('timeline')
    .description('show one request: its stage ladder, verdict and lanes of lines')
    .argument('<reqId>', 'request id')
    .addOption(dbOption())
    .option('--bundle <id>', 'bundle id (default: the most recent ready bundle)')
    .option(
      '--width <px>',
      'level of detail: lanes with more lines than this get buckets',
      intArg('--width', 10, 20000),
      20000,
    )
    .option('--errors', 'errors only')
    .option('--json', 'print a Timeline')
    .option('--otlp', 'print the request as OTLP/JSON (spans, log lines as span events), for Jaeger UI')
    .action(
      (
        reqId: string,
        o: { db?: string; bundle?: string; width: number; errors?: boolean; json?: boolean; otlp?: boolean },
      ) =>
        withStore(o.db, (store) => {
          const bundleId = pickBundle(store, o.bundle);
          if (o.otlp) {
            process.stdout.write(`${JSON.stringify(exportRequestOtlp({ store }, bundleId, reqId))}\n`);
            return;
          }
          const query = TimelineQuerySchema.parse({ width: o.width, errorsOnly: o.errors ? '1' : undefined });
          const tl = buildTimeline({ store }, bundleId, reqId, query);
          if (o.json) printJson(TimelineSchema, tl);
          else process.stdout.write(`${formatTimeline(tl)}\n`);
        }),
    );

  program
    .command('search')
    .description('full-text search over all lines of a bundle')
    .argument('<query>', 'words, "a phrase", prefix*, AND/OR/NOT')
    .addOption(dbOption())
    .option('--bundle <id>', 'bundle id (default: the most recent ready bundle)')
    .option('--limit <n>', 'hits per page', intArg('--limit', 1, 500), 50)
    .option('--offset <n>', 'first hit', intArg('--offset', 0, 1_000_000), 0)
    .option('--json', 'print a SearchResult')
    .action(
      (query: string, o: { db?: string; bundle?: string; limit: number; offset: number; json?: boolean }) =>
        withStore(o.db, (store) => {
          const bundleId = pickBundle(store, o.bundle);
          const q = RecordsQuerySchema.safeParse({ q: query, limit: o.limit, offset: o.offset });
          if (!q.success) throw new UsageError(`invalid query: ${q.error.issues[0]?.message ?? 'bad query'}`);
          const res = searchRecords({ store }, bundleId, q.data);
          if (o.json) printJson(SearchResultSchema, res);
          else process.stdout.write(`${formatSearch(res)}\n`);
        }),
    );
  return program;
}

interface IngestFlags extends LimitFlags {
  db?: string;
  name?: string;
  year?: number;
  tz?: string;
  json?: boolean;
}

async function ingest(paths: string[], o: IngestFlags): Promise<void> {
  // A CLI ingest may share the database with a running server or another ingest: it waits for
  // their write locks rather than fail.
  const store = openStore(resolveDbPath(o.db), { busyTimeoutMs: INGEST_BUSY_TIMEOUT_MS });
  const progress = createProgressReporter();
  const onSignal = () => {
    progress.stop();
    for (const id of ingestsInFlight()) store.failBundle(id, 'ingest was interrupted (Ctrl-C)');
    store.close();
    process.stderr.write('interrupted\n');
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await ingestPaths(store, paths, {
      name: o.name,
      year: o.year ?? null,
      tz: o.tz ?? null,
      limits: ingestLimits(o),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    if (o.json) {
      printJson(IngestJsonSchema, {
        ...result.report,
        bundleId: result.bundleId,
        status: result.status,
        error: result.error,
        reused: result.reused,
      });
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
      process.stderr.write(`kubetrail: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError || err instanceof AppError || err instanceof StoreError) {
      process.stderr.write(`kubetrail: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(
      `kubetrail: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv);
  // `serve` keeps running: only exit for commands that are done.
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
}
