import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { artifact, bundlePath } from './fixtures.ts';

// Logs are untrusted: markup, script URLs and terminal escapes in a log line must show as inert
// text wherever the UI shows the line.

test('log text with <script>, javascript: URLs and ANSI escapes shows as inert text', async ({
  page,
  request,
}) => {
  const res = await request.post('/api/bundles?name=hostile.log', {
    data: readFileSync(bundlePath('hostile.log')),
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(res.status()).toBe(202);
  const { bundleId } = (await res.json()) as { bundleId: string };
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/bundles/${bundleId}`)).json()) as { status: string }).status,
    )
    .toBe('ready');

  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`/bundles/${bundleId}/search`);
  const box = page.getByLabel('Search logs');
  await box.fill('pwned');
  await box.press('Enter');
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(4);
  await expect(results).toContainText('<script>window.pwned=1</script>');
  await expect(results).toContainText('<img src=x onerror="window.pwned=2">');
  await expect(results).toContainText('javascript:window.pwned=3');
  // No element was created from the text, no script ran, and no link points at a script URL.
  expect(await page.locator('main img, main script').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  // Terminal escapes are not shown as raw control characters.
  expect(await results.textContent()).not.toContain('\u001b');
  // A bidi override is shown for what it is, and cannot reverse the rest of the line.
  await expect(results).toContainText('/tmp/⟨U+202E⟩exe.txt');
  expect(await results.textContent()).not.toContain('\u202e');
  // Combining marks stay a character tall: nothing makes the page scroll sideways.
  expect(
    await page.evaluate(() => {
      const el = (
        globalThis as unknown as {
          document: { scrollingElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.scrollingElement;
      return el.scrollWidth - el.clientWidth;
    }),
  ).toBeLessThanOrEqual(0);
  await page.screenshot({ path: artifact('hostile-text-inert.png'), fullPage: true });
});
