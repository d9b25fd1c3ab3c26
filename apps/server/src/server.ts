import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { openStore, type Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from './app.ts';
import { startDemoIngest } from './cli/demo.ts';
import { consoleLogger, type Logger, type ServerLimits } from './http/context.ts';
import { ingestsInFlight } from '@kubetrail/ingest';
import { workerIngestsInFlight } from './ingest/ingestInWorker.ts';

export interface StartServerOptions {
  dbFile: string;
  /** 0 picks a free port. Default 7788. */
  port?: number;
  /** Default 127.0.0.1: loopback unless told otherwise. */
  host?: string;
  /** More host names requests may address (`--allowed-host`), besides loopback, `host` and IPs. */
  allowedHosts?: readonly string[];
  webDist?: string;
  /** Ingest the simulator's demo bundle in the background when the database has no bundles. */
  demo?: boolean;
  log?: Logger;
  /** Upload and ingest limits; defaults otherwise. */
  limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  url: string;
  port: number;
  app: KubetrailApp;
  server: Server;
  store: Store;
  /** Resolves when the demo ingest (if any) has settled. */
  demo: Promise<void>;
  /** Marks unfinished ingests failed, stops listening and closes the database. */
  close(): Promise<void>;
}

/** How long a write on the server's connection waits for another connection's write lock. */
export const SERVER_BUSY_TIMEOUT_MS = 2_000;

/** Opens the database, marks ingests a dead process left behind as failed, and listens. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const log = opts.log ?? consoleLogger;
  // The HTTP thread's connection waits at most 2 s for an ingest's write lock: better-sqlite3 is
  // synchronous, so waiting freezes every request; past that a write answers 503 busy (ingest
  // workers, on their own connections, wait for each other much longer).
  const store = openStore(resolve(opts.dbFile), { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS });
  const interrupted = store.recoverDeadIngests().length;
  if (interrupted > 0)
    log.info(`${interrupted} bundle(s) left ingesting by a stopped process are marked failed`);
  const host = opts.host ?? '127.0.0.1';
  const app = createApp({
    store,
    webDist: opts.webDist,
    log,
    limits: opts.limits,
    hosts: { bind: host, allowed: opts.allowedHosts },
  });
  const server = app.listen(opts.port ?? 7788, host);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('listening', ok);
      server.once('error', fail);
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 7788);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const demo =
    opts.demo && store.listBundles().length === 0 ? startDemoIngest(store, log) : Promise.resolve();
  let closed = false;
  return {
    url,
    port,
    app,
    server,
    store,
    demo,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const id of [...ingestsInFlight(), ...workerIngestsInFlight()]) {
        try {
          store.failBundle(id, 'ingest was interrupted (server stopped)');
        } catch {
          // the row may be gone already
        }
      }
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await app.locals.queries.close();
      store.close();
    },
  };
}

export const webDistBuilt = (dir: string): boolean => existsSync(resolve(dir, 'index.html'));
