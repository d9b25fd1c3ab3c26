import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import {
  BundleStatusSchema,
  IngestReportSchema,
  RequestLineSchema,
  RequestListSchema,
  SearchResultSchema,
  TimelineSchema,
} from '@kubetrail/model';
import { generateBundle, writeBundleDir } from '@kubetrail/simulator';
import { tempStore } from './testing/seedBundle.ts';
import { CORPUS } from './testing/corpus.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'apps/server/src/cli.ts');

const IngestJson = IngestReportSchema.extend({
  bundleId: z.string(),
  status: BundleStatusSchema,
  error: z.string().nullable(),
  reused: z.boolean(),
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((ok) => {
    execFile(
      TSX,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, CI: '1', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        ok({ code, stdout, stderr });
      },
    );
  });
}

/** The CLI with `input` on its stdin. */
function cliWithStdin(args: string[], input: Buffer): Promise<Run> {
  return new Promise((ok) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => ok({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A fresh database path in its own temp folder (created by the CLI). */
function freshDb(): string {
  const { store, file } = tempStore();
  store.close();
  return file;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => relative(dir, join(dir, p)).split('\\').join('/'));
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('kubetrail ingest', () => {
  it('ingests one audit file and prints exactly one JSON document', async () => {
    const db = freshDb();
    const r = await cli(['ingest', join(CORPUS, 'audit2rbac/demo.log'), '--db', db, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = IngestJson.parse(JSON.parse(r.stdout));
    expect(report.bundleId).toMatch(/^b[0-9a-f]{16}$/);
    expect(report.status).toBe('ready');
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ format: 'audit', error: null });
    expect(report.files[0]?.records).toBeGreaterThan(10);

    // Again: same id, reused, still exit 0.
    const again = await cli(['ingest', join(CORPUS, 'audit2rbac/demo.log'), '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(IngestJson.parse(JSON.parse(again.stdout))).toMatchObject({
      bundleId: report.bundleId,
      reused: true,
    });
  });

  it('reports every corpus file with its format and record count, the malformed one as a document', async () => {
    const db = freshDb();
    const r = await cli(['ingest', CORPUS, '--db', db, '--json']);
    expect(r.code).toBe(0);
    const report = IngestJson.parse(JSON.parse(r.stdout));
    const expected = filesUnder(CORPUS);
    const reported = report.files.map((f) => f.path);
    for (const f of expected) expect(reported.some((p) => p === f || p.endsWith(`/${f}`))).toBe(true);
    for (const f of report.files) {
      // Every row says how it was read: a format, an error, a copy of another file, or its sections.
      expect(f.format !== null || f.error !== null || f.duplicateOf != null || f.sections != null).toBe(true);
      expect(f.records).toBeGreaterThanOrEqual(0);
    }
    // `{"kind": 0}` holds no event: kept searchable as a one-line document, and the report says why.
    const bad = report.files.find((f) => f.path.endsWith('fal_01_003.json'));
    expect(bad?.records).toBe(1);
    expect(bad?.skipped).toBeGreaterThan(0);
    const skip = report.skips.find((s) => s.file.endsWith('fal_01_003.json'));
    expect(skip?.reason).toMatch(/holds no log records/);
    const good = report.files.find((f) => f.path.endsWith('create_deployment.json'));
    expect(good).toMatchObject({ format: 'audit', records: 1 });
  });

  it('prints a readable report without --json', async () => {
    const r = await cli(['ingest', join(CORPUS, 'falco-k8s-audit'), '--db', freshDb()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/file\s+format\s+component\s+node\s+records\s+skipped/);
    expect(r.stdout).toContain('fal_01_003.json');
    expect(r.stdout).toMatch(/skipped \(\d+\):/);
  });

  it('exits 2 on usage errors and 1 when nothing can be read, with one clear line', async () => {
    const db = freshDb();
    const [noArgs, badYear, badTz, missing, unknown] = await Promise.all([
      cli(['ingest', '--db', db]),
      cli(['ingest', CORPUS, '--year', 'abc', '--db', db]),
      cli(['ingest', CORPUS, '--tz', 'Mars/Olympus', '--db', db]),
      cli(['ingest', '/nonexistent/bundle.tgz', '--db', db]),
      cli(['frobnicate']),
    ]);
    expect(noArgs.code).toBe(2);
    expect(badYear.code).toBe(2);
    expect(badYear.stderr).toMatch(/--year/);
    expect(badTz.code).toBe(2);
    expect(badTz.stderr).toMatch(/unknown time zone/);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/no such file/);
    noStack(missing.stderr);
    expect(unknown.code).toBe(2);
  });

  it('checks its input paths before it creates a database', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'kubetrail-nodb-')), 'data', 'kubetrail.db');
    const r = await cli(['ingest', join(CORPUS, 'audit2rbac/demo.log'), '/nonexistent/x.tgz', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no such file or directory: \/nonexistent\/x\.tgz/);
    expect(existsSync(db)).toBe(false);
  });

  it('reads a bundle from stdin with -, and prints its report as YAML with -o yaml', async () => {
    const db = freshDb();
    const r = await cliWithStdin(
      ['ingest', '-', '--db', db, '-o', 'yaml'],
      readFileSync(join(CORPUS, 'audit2rbac/demo.log')),
    );
    expect(r.code, r.stderr).toBe(0);
    const report = IngestJson.parse(parseYaml(r.stdout));
    expect(report.status).toBe('ready');
    expect(report.files[0]).toMatchObject({ format: 'audit' });
    expect(report.totals.records).toBeGreaterThan(10);
    // The same content by path is the same bundle.
    const again = IngestJson.parse(
      JSON.parse(
        (await cli(['ingest', join(CORPUS, 'audit2rbac/demo.log'), '--db', db, '-o', 'json'])).stdout,
      ),
    );
    expect(again).toMatchObject({ bundleId: report.bundleId, reused: true });
  });

  it('shows file names and log text with escape sequences and newlines made visible, not obeyed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-tty-'));
    const name = 'evil\u001b]0;pwned\u0007\nfake line.log';
    writeFileSync(
      join(dir, name),
      'I0610 11:35:40.000001       1 kubelet.go:2434] "SyncLoop ADD" note="\u001b[31mred\u001b[0m \u202eexe.txt"\n',
    );
    const db = freshDb();
    const r = await cli(['ingest', dir, '--db', db, '--year', '2024']);
    expect(r.code, r.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    // A directory's file names have their control characters replaced when the tree is walked
    // (treeWalk.ts), before anything is stored or printed.
    expect(r.stdout).toContain('evil\ufffd]0;pwned\ufffd\ufffdfake line.log');
    const search = await cli(['search', 'red', '--db', db]);
    expect(search.stdout).not.toContain('\u001b');
    expect(search.stdout).not.toContain('\u202e');
    expect(search.stdout).toContain('\\x1b[31m[red]\\x1b[0m \\u202eexe.txt');
  });

  it('documents its exit codes in --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\s+0\s+done\s+1\s+it failed[^\n]*\n\s+2\s+it was called wrong/);
  });

  it('takes the line-length and decompressed-size limits as flags', async () => {
    const db = freshDb();
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-limits-'));
    const file = join(dir, 'kubelet.log');
    writeFileSync(
      file,
      `I0610 11:35:40.000001       1 kubelet.go:2434] "SyncLoop ADD" pods=["shop/x"] ${'y'.repeat(4000)}\n` +
        'I0610 11:35:41.000001       1 kubelet.go:2434] "SyncLoop ADD" pods=["shop/z"]\n',
    );
    const [cut, badSize] = await Promise.all([
      cli(['ingest', file, '--db', db, '--year', '2024', '--max-line', '1KiB', '--json']),
      cli(['ingest', file, '--db', db, '--max-decompressed', 'lots']),
    ]);
    expect(cut.code, cut.stderr).toBe(0);
    const report = IngestJson.parse(JSON.parse(cut.stdout));
    expect(report.totals.records).toBe(2);
    expect(report.skips).toContainEqual(
      expect.objectContaining({
        file: 'kubelet.log',
        line: 1,
        reason: expect.stringMatching(/longer than 1024/) as unknown,
      }),
    );
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toMatch(/--max-decompressed takes a size/);
  });
});

describe('kubetrail requests / timeline / search', () => {
  let db: string;
  beforeAll(async () => {
    db = freshDb();
    const { dir, store } = tempStore();
    store.close();
    const bundle = join(dir, 'cluster');
    await writeBundleDir(
      generateBundle({ seed: 5, scenarios: ['complete', 'volume-timeout'], noise: 20, traces: true }),
      bundle,
    );
    const r = await cli(['ingest', bundle, '--db', db, '--json', '--name', 'sim']);
    expect(r.code).toBe(0);
  });

  it('prints a request as OTLP/JSON with --otlp: its spans, its lines as events or log spans', async () => {
    const list = RequestListSchema.parse(JSON.parse((await cli(['requests', '--db', db, '--json'])).stdout));
    const req = list.requests.find((r) => r.outcome === 'complete') ?? list.requests[0]!;
    const out = await cli(['timeline', req.reqId, '--db', db, '--otlp']);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as {
      resourceSpans: { scopeSpans: { spans: { name: string; events: unknown[] }[] }[] }[];
    };
    const spans = doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const names = new Set(spans.map((s) => s.name));
    expect(names).toContain('KubernetesAPI');
    expect(names).toContain('syncPod');
    expect(spans.some((s) => s.events.length > 0)).toBe(true);
  });

  it('lists requests, shows a timeline and searches, as JSON shaped by the model', async () => {
    const list = await cli(['requests', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const requests = RequestListSchema.parse(JSON.parse(list.stdout));
    expect(requests.total).toBeGreaterThan(0);
    const failed = requests.requests.find((r) => r.outcome === 'failed') ?? requests.requests[0]!;

    const tl = await cli(['timeline', failed.reqId, '--db', db, '--json']);
    expect(tl.code).toBe(0);
    const timeline = TimelineSchema.parse(JSON.parse(tl.stdout));
    expect(timeline.request.reqId).toBe(failed.reqId);
    expect(timeline.lanes.length).toBeGreaterThan(0);

    const [text, table, search] = await Promise.all([
      cli(['timeline', failed.reqId, '--db', db]),
      cli(['requests', '--db', db]),
      cli(['search', 'volume', '--db', db, '--json']),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/[✓✗·–] /);
    expect(text.stdout).toContain(failed.reqId);

    expect(table.stdout).toContain(failed.reqId);

    expect(search.code).toBe(0);
    expect(SearchResultSchema.parse(JSON.parse(search.stdout)).total).toBeGreaterThan(0);
  });

  it('prints every line of a request, raw and in time order, or as JSON lines; timeline --json carries them whole', async () => {
    const list = RequestListSchema.parse(JSON.parse((await cli(['requests', '--db', db, '--json'])).stdout));
    const req = list.requests.find((r) => r.outcome === 'failed') ?? list.requests[0]!;
    const [raw, json, wide, tl] = await Promise.all([
      cli(['lines', req.reqId, '--db', db]),
      cli(['lines', req.reqId, '--db', db, '--json']),
      cli(['lines', req.reqId, '--db', db, '-o', 'wide', '--errors']),
      cli(['timeline', req.reqId, '--db', db, '-o', 'json']),
    ]);
    expect(raw.code, raw.stderr).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => RequestLineSchema.parse(JSON.parse(l)));
    expect(lines).toHaveLength(req.records);
    const times = lines.map((l) => l.record.ts ?? '');
    expect([...times].sort()).toEqual(times);
    // Plain output is the raw lines themselves, one record after the other.
    expect(raw.stdout).toBe(lines.map((l) => `${l.record.raw}\n`).join(''));
    expect(
      wide.stdout
        .trim()
        .split('\n')
        .every((l) => /^\S+\s+(error|fatal)\s+\S+\s+/.test(l)),
    ).toBe(true);
    const timeline = TimelineSchema.extend({ lines: z.array(RequestLineSchema) }).parse(
      JSON.parse(tl.stdout),
    );
    expect(timeline.lines.map((l) => l.record.raw)).toEqual(lines.map((l) => l.record.raw));
    expect(Math.max(...timeline.lines.map((l) => l.record.raw.length))).toBeGreaterThan(200);
  });

  it('filters requests as kubectl users expect: --outcome, --namespace, --user, --since, --system, -o wide', async () => {
    const all = RequestListSchema.parse(
      JSON.parse((await cli(['requests', '--db', db, '-o', 'json'])).stdout),
    );
    const failed = all.requests.filter((r) => r.outcome === 'failed');
    const [byOutcome, byNs, bySince, byDuration, wide, yaml, badSince, badSystem] = await Promise.all([
      cli(['requests', '--db', db, '--outcome', 'failed', '--json']),
      cli(['requests', '--db', db, '--namespace', 'no-such-namespace', '--json']),
      cli(['requests', '--db', db, '--since', all.requests.at(-1)!.startedAt, '--json']),
      cli(['requests', '--db', db, '--since', '1000d', '--system', '--json']),
      cli(['requests', '--db', db, '-o', 'wide']),
      cli(['requests', '--db', db, '-o', 'yaml']),
      cli(['requests', '--db', db, '--since', 'yesterday']),
      cli(['requests', '--db', db, '--system', 'maybe']),
    ]);
    expect(RequestListSchema.parse(JSON.parse(byOutcome.stdout)).requests.map((r) => r.reqId)).toEqual(
      failed.map((r) => r.reqId),
    );
    expect(RequestListSchema.parse(JSON.parse(byNs.stdout)).total).toBe(0);
    expect(RequestListSchema.parse(JSON.parse(bySince.stdout)).requests.map((r) => r.reqId)).toEqual([
      all.requests.at(-1)!.reqId,
    ]);
    expect(RequestListSchema.parse(JSON.parse(byDuration.stdout)).total).toBeGreaterThanOrEqual(all.total);
    expect(wide.stdout).toMatch(/reqID\s+started\s+duration\s+user\s+agent\s+from\s+what/);
    expect(RequestListSchema.parse(parseYaml(yaml.stdout)).total).toBe(all.total);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/--since: expected an RFC 3339 time or a duration/);
    expect(badSystem.code).toBe(2);
  });

  it('fails clearly on unknown ids, bad queries and missing databases', async () => {
    const [tl, bundle, fts, nodb] = await Promise.all([
      cli(['timeline', 'no-such-request', '--db', db]),
      cli(['requests', '--bundle', 'bnope', '--db', db]),
      cli(['search', '"unbalanced', '--fts', '--db', db]),
      cli(['requests', '--db', resolve(db, '../nothing-here.db')]),
    ]);
    expect(tl.code).toBe(1);
    expect(tl.stderr).toMatch(/request no-such-request not found/);
    noStack(tl.stderr);
    expect(bundle.code).toBe(1);
    expect(fts.code).toBe(2);
    expect(fts.stderr).toMatch(/invalid search query/);
    noStack(fts.stderr);
    expect(nodb.code).toBe(1);
    expect(nodb.stderr).toMatch(/no database/);
  });
});
