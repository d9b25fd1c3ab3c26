import { expect, test, type Page } from '@playwright/test';
import { artifact, ensureBundle } from './fixtures.ts';
import { RequestsPage } from './pages/RequestsPage.ts';
import { SearchPage } from './pages/SearchPage.ts';
import { TimelinePage } from './pages/TimelinePage.ts';

// Issue 13: the incident workflow — every line of a request at hand, search that takes pasted
// text, a timeline that never misleads.

interface LinesJson {
  lines: {
    record: { id: number; ts: string | null; raw: string; message: string; kind: string; severity: string };
    t: number | null;
  }[];
  total: number;
}

const reqIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

test('the log table lists every line of the request in time order; a click selects its mark', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  const reqId = reqIdOf(page);
  const api = (await (
    await request.get(`/api/bundles/${bundleId}/requests/${encodeURIComponent(reqId)}/lines?limit=1000`)
  ).json()) as LinesJson;
  await expect(tl.logTable).toBeVisible();
  await expect(tl.logRows).toHaveCount(Math.min(200, api.total));
  // Raw lines, in the API's (time) order; a journald/CRI/klog head the columns already show is
  // folded into a mark that holds it.
  const firstRaw = tl.logRows.first().locator('.log-raw');
  const heads = firstRaw.locator('.line-head');
  const head = (await heads.count()) > 0 ? ((await heads.getAttribute('title')) ?? '') : '';
  expect(api.lines[0]!.record.raw.startsWith(head)).toBe(true);
  await expect(firstRaw).toContainText(api.lines[0]!.record.raw.slice(head.length, head.length + 40));
  const times = api.lines.map((l) => l.record.ts ?? '');
  expect([...times].sort()).toEqual(times);
  // An Event (a JSON document) reads by its summary first: reason and message, then the JSON.
  const ev = api.lines.findIndex((l) => l.record.kind === 'event');
  expect(ev).toBeGreaterThanOrEqual(0);
  expect(ev).toBeLessThan(200);
  const evRow = tl.logRows.nth(ev).locator('.log-raw');
  await expect(evRow.locator('.log-summary')).toHaveText(api.lines[ev]!.record.message.slice(0, 600));
  await expect(evRow).toContainText(api.lines[ev]!.record.raw.slice(0, 40));

  // A click on a row selects that line: its details open, the view stays where it was.
  const before = { from: tl.param('from'), to: tl.param('to') };
  const row = tl.logRows.nth(3);
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(new RegExp(`sel=${api.lines[3]!.record.id}`));
  await expect(tl.details.locator('pre').first()).toContainText(api.lines[3]!.record.raw.slice(0, 40));
  expect({ from: tl.param('from'), to: tl.param('to') }).toEqual(before);

  // The table's text filter narrows the lines as you type.
  // The end of a line (its message or key/values), which its row shows whatever its head.
  const short = api.lines.filter((l) => l.record.raw.length < 600);
  const failing = short.find((l) => l.record.severity === 'error') ?? short[short.length - 1]!;
  const needle = failing.record.raw.slice(-40);
  await tl.lineFilter.fill(needle);
  await expect(tl.logRows.first()).toContainText(needle.trim());
  await expect(tl.logTable.getByRole('status')).toContainText(/of \d/);

  // Wrap, copy a line and copy its permalink.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await tl.logTable.getByRole('checkbox', { name: 'Wrap lines' }).check();
  const first = tl.logRows.first();
  await first.getByRole('button', { name: /^Copy line/ }).click();
  const read = () =>
    page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
  await expect.poll(read).toContain(needle.trim());
  await first.getByRole('button', { name: /^Copy link to line/ }).click();
  await expect.poll(read).toMatch(/\/requests\/.+\?(.*&)?sel=\d+/);
  await page.screenshot({ path: artifact('incident-log-table.png'), fullPage: true });
});

test('details are in view at 1280×800 without scrolling, and keys keep working after a click', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  await page.setViewportSize({ width: 1280, height: 800 });
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  await tl.stoppedAt.getByRole('button', { name: 'Show the line' }).click();
  await expect(tl.details.locator('pre').first()).toBeInViewport();
  await expect(tl.details.getByRole('heading', { name: 'Why this line belongs here' })).toBeInViewport();
  expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);

  // Keys after clicking a checkbox: they still drive the timeline.
  await page.getByRole('checkbox', { name: 'Errors only' }).click();
  await page.keyboard.press('Escape');
  await expect(page).not.toHaveURL(/sel=/);
  await page.keyboard.press('s');
  await expect(page).toHaveURL(/sel=\d+/);
  const stop = tl.param('sel');
  await page.keyboard.press('?');
  const keys = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(keys).toBeVisible();
  await expect(keys).toContainText('jump to where the request stopped');
  await page.keyboard.press('Escape');
  await expect(keys).toBeHidden();
  expect(tl.param('sel')).toBe(stop);
});

test('Back undoes a zoom; a failed window load says so instead of loading forever', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  const start = page.url();
  const toolbar = page.getByRole('toolbar', { name: 'Timeline controls' });
  const lanesTop = async () => (await tl.canvas.boundingBox())!.y;
  const top = await lanesTop();
  await tl.canvas.focus();
  await page.keyboard.press('+');
  await expect(page).toHaveURL(/from=.*to=/);
  // The toolbar keeps one row whatever the window label says: the lanes do not move.
  expect((await toolbar.boundingBox())!.height).toBeLessThan(48);
  expect(await lanesTop()).toBe(top);
  await page.goBack();
  await expect(page).toHaveURL(start);

  // The server is gone for this window: an alert, not an endless "loading…".
  await page.context().route(/\/timeline\?/, (route) => route.abort('connectionrefused'));
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot load this window' })).toBeVisible({
    timeout: 20_000,
  });
});

test('search takes pasted text literally, in time order, scoped, with a hit histogram', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const search = new SearchPage(page);
  await search.goto(bundleId);
  // Fragments with symbols that FTS syntax would choke on.
  for (const q of ['pods=["shop/', '(', '"', 'E0610', 'db-*']) {
    await search.search(q);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByText(/matching line|No lines match/).first()).toBeVisible();
  }
  await search.search('pods=["shop/');
  await expect(search.results.getByRole('listitem').first()).toBeVisible();
  await expect(search.results).toContainText('pods=["shop/');
  const stamps = await search.results.locator('.hit-meta .mono').allTextContents();
  expect([...stamps].sort()).toEqual(stamps);
  await expect(search.histogram).toBeVisible();

  await search.severity.selectOption('error');
  await expect(page).toHaveURL(/severity=error/);
  const sevs = await search.results.locator('.hit-meta .sev').allTextContents();
  expect(sevs.every((s) => s === 'error' || s === 'fatal')).toBe(true);

  // FTS syntax is one switch away, and its mistakes are explained.
  await search.advanced.check();
  await search.search('"unbalanced');
  await expect(page.getByRole('alert')).toContainText(/invalid search query/);
  await page.screenshot({ path: artifact('incident-search.png'), fullPage: true });
});

test('the requests page filters as you type, ✕ clears, system activity is one toggle away, filters survive the way back', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const reqs = new RequestsPage(page);
  await reqs.goto(bundleId);
  await expect(reqs.namespace).toHaveAttribute('placeholder', 'any');
  await reqs.search.pressSequentially('shop/db');
  await expect(page).toHaveURL(/q=shop%2Fdb/);
  await expect(page.getByRole('row').filter({ hasText: 'shop/db' }).first()).toBeVisible();
  // Clearing the box (what its ✕ does) clears the filter.
  await reqs.search.fill('');
  await expect(page).not.toHaveURL(/q=/);

  await reqs.system.check();
  await expect(page).toHaveURL(/system=include/);
  await reqs.system.uncheck();

  // Open a request from a filtered list; the breadcrumb comes back to the same filters.
  await reqs.search.fill('shop/db');
  await expect(page).toHaveURL(/q=shop%2Fdb/);
  await page.getByRole('row').filter({ hasText: 'shop/db' }).first().click();
  await new TimelinePage(page).loaded();
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Requests' }).click();
  await expect(page).toHaveURL(/q=shop%2Fdb/);
  await expect(reqs.search).toHaveValue('shop/db');

  // At 1024 px every column fits: nothing scrolls sideways, Duration and Lines are whole.
  await reqs.search.fill('');
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const name of ['Duration', 'Lines']) {
    const box = (await reqs.table.getByRole('columnheader', { name }).boundingBox())!;
    expect(box.x + box.width, name).toBeLessThanOrEqual(1024);
  }
  const wrap = page.locator('.table-wrap');
  expect(
    await wrap.evaluate((el) => {
      const box = el as unknown as { scrollWidth: number; clientWidth: number };
      return box.scrollWidth - box.clientWidth;
    }),
  ).toBeLessThanOrEqual(0);
  await page.screenshot({ path: artifact('incident-requests-1024.png'), fullPage: true });
});

test('times show in UTC or, one toggle away, in the browser’s zone', async ({ browser, request }) => {
  const bundleId = await ensureBundle(request);
  const context = await browser.newContext({ timezoneId: 'Asia/Kolkata' });
  const page = await context.newPage();
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  const started = page.getByText(/^Started \(/);
  await expect(started).toHaveText('Started (UTC)');
  const utc = (await started.locator('xpath=following-sibling::dd').textContent()) ?? '';
  await page.getByRole('combobox', { name: 'Show times in' }).selectOption('local');
  await expect(started).toHaveText('Started (local)');
  const local = (await started.locator('xpath=following-sibling::dd').textContent()) ?? '';
  const minutes = (s: string) => {
    const [h, m] = s.slice(11, 16).split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  expect((minutes(local) - minutes(utc) + 1440) % 1440).toBe(330); // UTC+05:30
  await context.close();
});

test('a drag on the time axis zooms to that range; a drag on the hit histogram narrows the search', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  await expect(page).not.toHaveURL(/from=/);
  const box = (await tl.canvas.boundingBox())!;
  const y = box.y + 10; // the time axis band
  await page.mouse.move(box.x + box.width * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=.*to=/);
  const zoomed = Number(tl.param('to')) - Number(tl.param('from'));
  await page.goBack();
  await expect(page).not.toHaveURL(/from=/);
  const tlJson = (await (
    await request.get(`/api/bundles/${bundleId}/requests/${encodeURIComponent(reqIdOf(page))}/timeline`)
  ).json()) as { activity: { from: number; to: number } };
  const first = (tlJson.activity.to - tlJson.activity.from) * 1.08;
  expect(zoomed / first).toBeGreaterThan(0.4);
  expect(zoomed / first).toBeLessThan(0.6);

  // The log-volume histogram: a click changes nothing, a drag selects the window.
  const volume = page.getByRole('figure', { name: 'Log volume' });
  const vb = (await volume.boundingBox())!;
  await page.mouse.click(vb.x + vb.width * 0.5, vb.y + 30);
  await expect(page).not.toHaveURL(/from=/);
  await page.mouse.move(vb.x + vb.width * 0.3, vb.y + 30);
  await page.mouse.down();
  await page.mouse.move(vb.x + vb.width * 0.45, vb.y + 30, { steps: 6 });
  await page.mouse.move(vb.x + vb.width * 0.6, vb.y + 30, { steps: 6 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=.*to=/);
  const picked = Number(tl.param('to')) - Number(tl.param('from'));
  expect(picked).toBeLessThan(first * 0.6);

  const search = new SearchPage(page);
  await search.goto(bundleId);
  await search.search('pod');
  await expect(search.histogram).toBeVisible();
  const h = (await search.histogram.boundingBox())!;
  await page.mouse.move(h.x + h.width * 0.3, h.y + 30);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width * 0.6, h.y + 30, { steps: 8 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=.*&to=|to=.*&from=/);
  await expect(page.getByText(/^Only lines from/)).toBeVisible();
});

test('dark mode darkens the page and the timeline canvas, and is remembered', async ({ page, request }) => {
  const bundleId = await ensureBundle(request);
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  const canvasCorner = () =>
    page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
      const c = doc.querySelector('.lanes-canvas canvas') as {
        getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } };
      };
      const d = c.getContext('2d').getImageData(2, 2, 1, 1).data;
      return (d[0]! + d[1]! + d[2]!) / 3;
    });
  expect(await canvasCorner()).toBeGreaterThan(200);
  await page.getByRole('combobox', { name: 'Colour theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(canvasCorner).toBeLessThan(60);
  // The histogram's window brush is dark too (recharts paints it light by default).
  const brushFill = () =>
    page
      .locator('.recharts-brush > rect')
      .first()
      .evaluate((el) => {
        const g = globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } };
        const rgb = (g.getComputedStyle(el).fill.match(/\d+/g) ?? []).slice(0, 3).map(Number);
        return rgb.length === 3 ? (rgb[0]! + rgb[1]! + rgb[2]!) / 3 : -1;
      });
  await expect.poll(brushFill).toBeGreaterThanOrEqual(0);
  await expect.poll(brushFill).toBeLessThan(60);
  await page.reload();
  await tl.loaded();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: artifact('incident-dark.png'), fullPage: true });
});

test('a line’s neighbours are in time order, say which request each belongs to, and widen by 50', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'shop/db');
  await tl.stoppedAt.getByRole('button', { name: 'Show the line' }).click();
  const list = tl.details.getByRole('list', { name: 'Neighbouring lines' });
  const items = list.getByRole('listitem');
  await expect(items.first()).toBeVisible();
  await expect(list).toContainText('this request');
  const before = await items.count();
  const stamps = await list.locator('.neighbour > .mono:nth-child(2)').allTextContents();
  expect([...stamps].sort()).toEqual(stamps);
  await tl.details.getByRole('button', { name: '50 more either side' }).click();
  await expect.poll(() => items.count()).toBeGreaterThan(before);
});

test('a 200 KB line is folded in the lines table and the details; "Show all" unfolds it', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request, 'long-line-minikube-logs.txt');
  const tl = new TimelinePage(page);
  await tl.open(bundleId, 'fold/web');
  // No audit log: the API call is implied by what the controllers did, and the ladder says so.
  await expect(tl.ladder.getByRole('listitem').filter({ hasText: 'API server accepted' })).toContainText(
    'done · implied',
  );
  const huge = tl.logRows.filter({ hasText: 'Huge line' });
  await expect(huge).toHaveCount(1);
  const height = () =>
    page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document
          .documentElement.scrollHeight,
    );
  // Wrapped, the line shows its first 4 000 characters and says how long it is.
  await tl.logTable.getByRole('checkbox', { name: 'Wrap lines' }).check();
  const more = huge.getByRole('button', { name: /^Show all \(19\d(\.\d)? KB\)$/ });
  await expect(more).toBeVisible();
  expect(await height()).toBeLessThan(4000);
  // Its details fold it too.
  await huge.click();
  await expect(tl.details.getByRole('button', { name: /^Show all/ })).toBeVisible();
  expect(await height()).toBeLessThan(4000);
  // "Show all" shows every character.
  await more.click();
  await expect(huge.getByRole('button', { name: /^Show all/ })).toHaveCount(0);
  expect(((await huge.locator('.log-raw').textContent()) ?? '').length).toBeGreaterThan(200_000);
});
