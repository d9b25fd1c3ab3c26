import { expect, test } from '@playwright/test';
import { artifact, bundlePath, ensureBundle } from './fixtures.ts';
import { BundlesPage } from './pages/BundlesPage.ts';
import { TimelinePage } from './pages/TimelinePage.ts';

// The six flows of issue 4, against the real server and a fresh database. Each test leaves a
// screenshot in e2e/artifacts/.

test('1. upload a simulator bundle through the page and watch it reach done', async ({ page }) => {
  const bundles = new BundlesPage(page);
  await bundles.goto();
  await bundles.uploadFile(bundlePath('cluster.tar.gz'));
  await expect(page.getByRole('progressbar').first()).toBeVisible();
  await expect(page.getByText(/^Done\./)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('row').filter({ hasText: 'cluster.tar.gz' })).toContainText(/ready/i);
  await page.screenshot({ path: artifact('1-upload-done.png'), fullPage: true });
});

test('2. open the failing Deployment and see where it stopped and why', async ({ page, request }) => {
  const bundleId = await ensureBundle(request);
  await page.goto(`/bundles/${bundleId}`);
  const row = page.getByRole('row').filter({ hasText: 'shop/db' }).first();
  await expect(row).toContainText(/stopped at Volumes attached and mounted/i);
  await row.click();
  const timeline = new TimelinePage(page);
  await timeline.loaded();
  await expect(timeline.stoppedAt).toContainText('Volumes attached and mounted');
  await expect(timeline.stoppedAt).toContainText(/mount|timed out|DeadlineExceeded/i);
  // Stages passed say how (a count, a recovery).
  const reqId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  const req = (await (
    await request.get(`/api/bundles/${bundleId}/requests/${encodeURIComponent(reqId)}`)
  ).json()) as {
    targets: { stages: { label: string; status: string; reason: string | null; recordIds: number[] }[] }[];
  };
  const stages = req.targets[0]!.stages;
  const noted = stages.find((s) => s.status === 'done' && s.reason !== null && s.recordIds.length > 0)!;
  const step = timeline.ladder.getByRole('listitem').filter({ hasText: noted.label });
  await expect(step.locator('.stage-note')).toHaveText(noted.reason!);
  await page.screenshot({ path: artifact('2-stopped-at.png'), fullPage: true });
});

test('3. select the evidence line and see its link kind, evidence and neighbours', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  await page.goto(`/bundles/${bundleId}`);
  await page.getByRole('row').filter({ hasText: 'shop/db' }).first().click();
  const timeline = new TimelinePage(page);
  await timeline.loaded();
  // A short window: the details panel starts below the lanes, out of view, until a line is chosen.
  await page.setViewportSize({ width: 1280, height: 560 });
  await expect(timeline.details).not.toBeInViewport();
  await timeline.stoppedAt.getByRole('button', { name: 'Show the line' }).click();
  await expect(timeline.details).toBeVisible();
  await expect(timeline.details).toBeInViewport();
  await expect(timeline.details).toContainText(/inferred|audit|explicit|trace/);
  await expect(
    timeline.details.getByRole('list', { name: 'Neighbouring lines' }).getByRole('listitem'),
  ).not.toHaveCount(0);
  await timeline.details.scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifact('3-evidence-line.png'), fullPage: true });
});

test('4. a copied permalink restores the same request, window and selection', async ({
  page,
  browser,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/bundles/${bundleId}`);
  await page.getByRole('row').filter({ hasText: 'shop/db' }).first().click();
  const timeline = new TimelinePage(page);
  await timeline.loaded();
  await timeline.stoppedAt.getByRole('button', { name: 'Show the line' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('checkbox', { name: 'Errors only' }).check();
  await expect(page).toHaveURL(/errors=1/);
  await page.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect(page.getByText('Link copied', { exact: true })).toBeVisible();
  // The e2e project compiles without DOM types; the page has them.
  const link = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(link).toContain(`/bundles/${bundleId}/requests/`);
  const selected = await timeline.details
    .getByRole('listitem')
    .filter({ has: page.locator('[aria-current="true"]') })
    .count();
  const raw = await timeline.details.locator('pre').first().textContent();

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  const restored = new TimelinePage(other);
  await restored.loaded();
  expect(other.url()).toBe(link);
  await expect(restored.details).toBeVisible();
  await expect(restored.details.locator('pre').first()).toHaveText(raw ?? '');
  await expect(other.getByRole('checkbox', { name: 'Errors only' })).toBeChecked();
  expect(selected).toBeGreaterThanOrEqual(0);
  await other.screenshot({ path: artifact('4-permalink-restored.png'), fullPage: true });
  await fresh.close();
});

test('5. search for a message and follow the hit to its timeline', async ({ page, request }) => {
  const bundleId = await ensureBundle(request);
  await page.goto(`/bundles/${bundleId}/search`);
  const box = page.getByLabel('Search logs');
  await box.fill('FailedScheduling');
  await box.press('Enter');
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem').first()).toBeVisible();
  await page.screenshot({ path: artifact('5-search.png'), fullPage: true });
  await results.getByRole('link', { name: 'Open in timeline' }).first().click();
  const timeline = new TimelinePage(page);
  await timeline.loaded();
  await expect(page).toHaveURL(/sel=\d+/);
  await expect(timeline.details).toContainText('FailedScheduling');
  await page.screenshot({ path: artifact('5-search-hit-timeline.png'), fullPage: true });
});

test('6. a malformed bundle gives a clear error and the rest keeps working', async ({ page, request }) => {
  const bundleId = await ensureBundle(request);
  const bundles = new BundlesPage(page);
  await bundles.goto();
  await bundles.uploadFile(bundlePath('broken.tar.gz'));
  const alert = page.getByRole('alert').filter({ hasText: 'broken.tar.gz' });
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText(/failed/i);
  await page.screenshot({ path: artifact('6-malformed.png'), fullPage: true });
  // The good bundle is untouched and still answers.
  await page.goto(`/bundles/${bundleId}`);
  await expect(page.getByRole('row').filter({ hasText: 'shop/db' }).first()).toBeVisible();
});
