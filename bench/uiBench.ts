import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { BundleList, Request as KtRequest, RequestList, Timeline } from '@kubetrail/model';
import { OUT, ROOT } from './childProcess.ts';
import { ingestOnce } from './ingestBench.ts';
import { LOD_BIG_REQ, LOD_SMALL_REQ, writeLodBundle } from './lodBundle.ts';
import { loadLine } from './machine.ts';
import type { Figure, Section } from './results.ts';
import { getJson, startServer } from './serverProcess.ts';
import { fmtInt, fmtMs, fmtRatio, quantile, summarize } from './stats.ts';

export interface UiBenchOptions {
  smallMarks: number;
  bigMarks: number;
  port: number;
  /** Navigations per page (fresh browser context each, so a cold cache). */
  navigations: number;
  timeoutMs: number;
}

const CHROMIUM = process.env.KUBETRAIL_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const VIEWPORT = { width: 1280, height: 800 };

/**
 * Installed before any page script (as a string: tsx's helpers do not exist in the page). Records
 * requestAnimationFrame timestamps, when the Timeline canvas first holds a non-transparent pixel,
 * and long animation frames (≥ 50 ms).
 */
const INIT_SCRIPT = `(() => {
  const b = { ticks: [], frames: [], recording: false, drawnAt: null, seenAt: null, loaf: [] };
  window.__bench = b;
  let last = 0;
  const find = () => {
    const el = document.querySelector('[role="img"][aria-label="Timeline"]');
    if (!el) return null;
    return el instanceof HTMLCanvasElement ? el : el.querySelector('canvas');
  };
  const check = () => {
    const c = find();
    if (!c || !c.width || !c.height) return;
    // Give the app one frame to take the canvas's context before we ask for one.
    if (b.seenAt === null) { b.seenAt = performance.now(); return; }
    try {
      const ctx = c.getContext('2d');
      if (!ctx) { b.drawnAt = performance.now(); return; }
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4 * 61) if (d[i] !== 0) { b.drawnAt = performance.now(); return; }
    } catch (e) { b.drawnAt = performance.now(); }
  };
  const loop = (t) => {
    if (b.ticks.length < 20000) b.ticks.push(t);
    if (b.recording && last) b.frames.push(t - last);
    last = t;
    if (b.drawnAt === null) check();
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.loaf.push(e.duration); })
      .observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) {}
})();`;

/** Time to interactive: the first frame after the canvas has content and the last response arrived. */
const TTI_SCRIPT = `(() => {
  const b = window.__bench;
  const lastResponse = Math.max(0, ...performance.getEntriesByType('resource').map((e) => e.responseEnd));
  const ready = Math.max(b.drawnAt ?? Infinity, lastResponse);
  const tick = b.ticks.find((t) => t >= ready);
  return { tti: tick ?? ready, drawnAt: b.drawnAt, lastResponse, resources: performance.getEntriesByType('resource').length };
})()`;

const TWO_FRAMES = 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(0))))';

/** A page with one canvas and nothing else: the same-run baseline for time to interactive and frames. */
function startBaselinePage(): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><html><head><title>baseline</title></head><body style="margin:0">
<canvas role="img" aria-label="Timeline" width="1200" height="600"></canvas>
<script>const c=document.querySelector('canvas').getContext('2d');c.fillStyle='#36c';for(let i=0;i<100;i++)c.fillRect(i*12,300,4,4);</script>
</body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    }),
  );
}

interface Nav {
  tti: number;
  drawnAt: number | null;
  lastResponse: number;
  resources: number;
}

async function navigate(
  browser: Browser,
  url: string,
  timeoutMs: number,
): Promise<{ nav: Nav; page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript({ content: INIT_SCRIPT });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  await page
    .locator('[role="img"][aria-label="Timeline"]')
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.waitForLoadState('networkidle', { timeout: timeoutMs });
  await page.waitForFunction('window.__bench.drawnAt !== null', undefined, { timeout: timeoutMs });
  await page.evaluate(TWO_FRAMES);
  const nav = await page.evaluate<Nav>(TTI_SCRIPT);
  return { nav, page, close: () => context.close() };
}

interface Frames {
  /** requestAnimationFrame deltas over the whole interaction (ms; ≈16.7 at 60 Hz when nothing is dropped). */
  rafDeltas: number[];
  /** Main-thread task time per interaction step (one wheel notch or one drag move, then two frames). */
  stepWork: number[];
  /** Long animation frames (≥ 50 ms) reported during the interaction. */
  loaf: number[];
}

/** Zooms in, pans, zooms out and pans back over the canvas with the mouse; bounded (4 × `steps`). */
async function interact(page: Page, steps: number): Promise<Frames> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  const box = await page.locator('[role="img"][aria-label="Timeline"]').first().boundingBox();
  if (!box) throw new Error('timeline canvas has no box');
  const cx = box.x + box.width / 2;
  const cy = box.y + Math.min(box.height / 2, 200);
  await page.mouse.move(cx, cy);
  await page.evaluate(
    'window.__bench.loaf = []; window.__bench.frames = []; window.__bench.recording = true',
  );
  const stepWork: number[] = [];
  const step = async (act: () => Promise<void>): Promise<void> => {
    const before = await taskSeconds();
    await act();
    await page.evaluate(TWO_FRAMES);
    stepWork.push((await taskSeconds()) - before);
  };
  for (let i = 0; i < steps; i++) await step(() => page.mouse.wheel(0, -120));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await step(() => page.mouse.move(cx - i * 15, cy));
  await page.mouse.up();
  for (let i = 0; i < steps; i++) await step(() => page.mouse.wheel(0, 120));
  await page.mouse.move(cx - steps * 15, cy);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await step(() => page.mouse.move(cx - steps * 15 + i * 15, cy));
  await page.mouse.up();
  await page.evaluate(TWO_FRAMES);
  const b = await page.evaluate<{ frames: number[]; loaf: number[] }>(
    '(() => { const b = window.__bench; b.recording = false; return { frames: b.frames, loaf: b.loaf }; })()',
  );
  await cdp.detach();
  return { rafDeltas: b.frames, stepWork: stepWork.map((s) => s * 1000), loaf: b.loaf };
}

function ensureWebBuild(): string {
  const dist = join(ROOT, 'apps/web/dist/index.html');
  if (!existsSync(dist)) {
    console.error('ui: building the web app (pnpm --filter @kubetrail/web build) …');
    const r = spawnSync('pnpm', ['--filter', '@kubetrail/web', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 300_000,
    });
    if (r.status !== 0) throw new Error('web build failed');
  }
  return `web build from ${new Date(statSync(dist).mtimeMs).toISOString()}`;
}

/** The request whose explicit reqID is `reqId` (the request row may carry it as its id). */
async function findRequest(api: string, reqId: string): Promise<KtRequest | null> {
  const direct = await fetch(`${api}/requests/${encodeURIComponent(reqId)}`);
  if (direct.ok) return (await direct.json()) as KtRequest;
  const list = await getJson<RequestList>(`${api}/requests?q=${encodeURIComponent(reqId)}&limit=5`);
  return list.requests.find((r) => r.reqId === reqId) ?? list.requests[0] ?? null;
}

/**
 * Time to interactive and frame cost of the timeline page in Chromium, for a request of
 * `smallMarks` lines and one of `bigMarks` lines (level of detail from the server), against a page
 * with one canvas and nothing else.
 */
export async function runUiBench(o: UiBenchOptions): Promise<Section> {
  const notes: string[] = [];
  const conditions: string[] = [];
  const bundle = join(OUT, `ui-lod-${o.smallMarks}-${o.bigMarks}.tar.gz`);
  if (!existsSync(bundle)) {
    console.error(`ui: writing ${bundle} …`);
    writeLodBundle(bundle, { smallMarks: o.smallMarks, bigMarks: o.bigMarks, backgroundLines: 20_000 });
  }
  const db = join(OUT, `ui-${o.smallMarks}-${o.bigMarks}.db`);
  const ingestUiBundle = async (): Promise<void> => {
    console.error(`ui: ingesting ${bundle} …`);
    const r = await ingestOnce(bundle, db, o.timeoutMs);
    if (r.code !== 0) throw new Error(`ingest of the UI bundle failed: ${r.stderr.slice(-2000)}`);
    conditions.push(`UI bundle ingested in ${fmtMs(r.wallMs)} (${fmtInt(r.totals?.lines ?? 0)} lines)`);
  };
  if (!existsSync(db)) await ingestUiBundle();
  conditions.push(ensureWebBuild());
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(db, o.port);
  } catch (err) {
    // A cached database from an older schema is refused at start (migration drift): rebuild it.
    console.error(`ui: the cached store did not open (${String(err).slice(0, 200)}); ingesting again`);
    await ingestUiBundle();
    server = await startServer(db, o.port);
  }
  const baseline = await startBaselinePage();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const { bundles } = await getJson<BundleList>(`${server.base}/api/bundles`);
    const b = bundles.find((x) => x.status === 'ready');
    if (!b) throw new Error('no ready bundle in the UI database');
    const api = `${server.base}/api/bundles/${b.id}`;
    const figures: Figure[] = [];

    const measure = async (url: string) => {
      const ttis: number[] = [];
      let frames: Frames | null = null;
      let last: Nav | null = null;
      for (let i = 0; i < o.navigations; i++) {
        const n = await navigate(browser, url, o.timeoutMs);
        ttis.push(n.nav.tti);
        last = n.nav;
        if (i === o.navigations - 1) frames = await interact(n.page, 20);
        await n.close();
      }
      return { tti: quantile(ttis, 0.5), ttis, frames: frames!, last: last! };
    };

    const base = await measure(baseline.url);
    const bStep = summarize(base.frames.stepWork);
    const bRaf = summarize(base.frames.rafDeltas);
    figures.push({
      name: 'empty page: time to interactive (baseline)',
      value: fmtMs(base.tti),
      baseline: '—',
      ratio: '—',
      target: '',
      met: null,
    });
    figures.push({
      name: 'empty page: main-thread work per step p95 (baseline)',
      value: fmtMs(bStep.p95),
      baseline: '—',
      ratio: '—',
      target: '',
      met: null,
    });

    for (const [label, reqId] of [
      ['small', LOD_SMALL_REQ],
      ['big', LOD_BIG_REQ],
    ] as const) {
      const req = await findRequest(api, reqId);
      if (!req) {
        notes.push(
          `request ${reqId} not found in the UI bundle: correlation did not make a request of its explicit reqID lines`,
        );
        continue;
      }
      const name = `${fmtInt(req.records)} marks`;
      const url = `${server.base}/bundles/${b.id}/requests/${encodeURIComponent(req.reqId)}`;
      // The API first: when the timeline endpoint itself cannot answer within the timeout, the page
      // cannot become interactive either; record that instead of waiting for three navigations.
      let tl: Timeline;
      const apiStart = performance.now();
      try {
        tl = await getJson<Timeline>(
          `${api}/requests/${encodeURIComponent(req.reqId)}/timeline?width=1200`,
          o.timeoutMs,
        );
      } catch (err) {
        const waited = performance.now() - apiStart;
        notes.push(
          `${label} (${req.reqId}, ${fmtInt(req.records)} linked records): GET …/timeline?width=1200 gave no answer within ${fmtMs(waited)} (${String(err).slice(0, 120)}); the page was not measured`,
        );
        figures.push({
          name: `${name}: time to interactive`,
          value: `> ${fmtMs(waited)} (API timed out)`,
          baseline: fmtMs(base.tti),
          ratio: '—',
          target: '< 1.5 s',
          met: false,
        });
        continue;
      }
      const apiMs = performance.now() - apiStart;
      let m: Awaited<ReturnType<typeof measure>>;
      try {
        m = await measure(url);
      } catch (err) {
        notes.push(
          `${label} (${reqId}): the timeline page did not become interactive: ${String(err).slice(0, 400)}`,
        );
        figures.push({
          name: `${name}: time to interactive`,
          value: `> ${fmtMs(o.timeoutMs)} (page timed out)`,
          baseline: fmtMs(base.tti),
          ratio: '—',
          target: '< 1.5 s',
          met: false,
        });
        continue;
      }
      const step = summarize(m.frames.stepWork);
      const raf = summarize(m.frames.rafDeltas);
      const dropped = m.frames.rafDeltas.filter((d) => d > 20).length;
      figures.push({
        name: `${name}: time to interactive (median of ${o.navigations})`,
        value: fmtMs(m.tti),
        baseline: fmtMs(base.tti),
        ratio: fmtRatio(m.tti / base.tti),
        target: '< 1.5 s',
        met: m.tti < 1500,
      });
      figures.push({
        name: `${name}: main-thread work per pan/zoom step p95`,
        value: fmtMs(step.p95),
        baseline: fmtMs(bStep.p95),
        ratio: fmtRatio(step.p95 / bStep.p95),
        target: '< 16 ms',
        met: step.p95 < 16,
      });
      figures.push({
        name: `${name}: rAF delta p95 during pan/zoom`,
        value: fmtMs(raf.p95),
        baseline: fmtMs(bRaf.p95),
        ratio: fmtRatio(raf.p95 / bRaf.p95),
        target: '≤ 16.7 ms (60 Hz)',
        met: raf.p95 <= 17.5,
      });
      conditions.push(
        `${label}: request ${req.reqId} with ${fmtInt(req.records)} linked records; GET …/timeline?width=1200 took ${fmtMs(apiMs)} from the bench (warm-up, not a figure) and had ${fmtInt(tl.marks.length)} marks + ${fmtInt(tl.buckets.length)} buckets over ${tl.lanes.length} lanes; TTIs ${m.ttis.map(fmtMs).join(', ')}; step work p50 ${fmtMs(step.p50)} max ${fmtMs(step.max)} (n=${step.n}); rAF deltas p50 ${fmtMs(raf.p50)} max ${fmtMs(raf.max)}, ${dropped}/${raf.n} over 20 ms; long animation frames ≥ 50 ms: ${m.frames.loaf.length}${m.frames.loaf.length ? ` (max ${fmtMs(Math.max(...m.frames.loaf))})` : ''}`,
      );
    }
    conditions.unshift(
      `Chromium ${browser.version()} headless (${CHROMIUM}), ${ARGS.join(' ')}, viewport ${VIEWPORT.width}×${VIEWPORT.height}; fresh context (cold cache) per navigation; server \`kubetrail serve\` on 127.0.0.1:${o.port}`,
      'time to interactive = performance.now() of the first animation frame after both (a) the Timeline canvas ([role=img][aria-label=Timeline]) holds a drawn pixel and (b) the last network response of the page (after networkidle)',
      'frames: 20 wheel zoom-in notches, 20 drag moves, 20 zoom-out notches, 20 drag moves back; per step: main-thread TaskDuration (CDP Performance.getMetrics) across the input and the two frames after it; rAF deltas recorded in the page throughout (headless Chromium runs frames at 60 Hz, so 16.7 ms is the floor, not the cost)',
    );
    conditions.push(`${loadLine()} at the end of the run`);
    return { id: 'ui', title: 'UI: timeline in Chromium', conditions, figures, notes };
  } finally {
    await browser.close();
    baseline.server.close();
    await server.stop();
  }
}
