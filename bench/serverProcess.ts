import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubetrailCommand, ROOT } from './childProcess.ts';

/** A `kubetrail serve` child on a loopback port. */
export interface ServerProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** The server's stderr so far (tail), for error reports. */
  log(): string;
}

/** Starts `kubetrail serve --host 127.0.0.1` and waits (bounded) until /api/health answers. */
export async function startServer(db: string, port: number, timeoutMs = 60_000): Promise<ServerProcess> {
  const argv = kubetrailCommand(['serve', '--db', db, '--port', String(port), '--host', '127.0.0.1']);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const keep = (d: Buffer): void => {
    log = (log + d.toString('utf8')).slice(-32 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    const t = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kubetrail serve exited (${child.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return { base, child, stop, log: () => log };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`kubetrail serve did not answer /api/health within ${timeoutMs} ms:\n${log}`);
}

/** GET JSON with a bounded timeout; throws with the body on a non-2xx answer. */
export async function getJson<T>(url: string, timeoutMs = 30_000): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  if (!r.ok) throw new Error(`GET ${url} → ${r.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
