import { expect, test } from '@playwright/test';
import { artifact, ensureBundle } from './fixtures.ts';
import { TimelinePage } from './pages/TimelinePage.ts';

// Issue 5: a request whose timeline shows trace spans and log lines together, and its OTLP export.

interface TimelineJson {
  extent: { from: number; to: number };
  activity?: { from: number; to: number };
  lanes: { id: string }[];
  marks: { lane: string }[];
  spans: { name: string; lane: string; depth: number; t0: number; t1: number; node: string | null }[];
}

test('a request timeline shows apiserver and kubelet spans beside its log lines, and exports OTLP', async ({
  page,
  request,
}) => {
  const bundleId = await ensureBundle(request);
  await page.goto(`/bundles/${bundleId}`);
  await page.getByRole('row').filter({ hasText: 'shop/frontend' }).first().click();
  const timeline = new TimelinePage(page);
  await timeline.loaded();
  await expect(page.locator('#timeline-summary')).toContainText(/[1-9]\d* calls or spans/);

  // The same request through the API: spans nested in the apiserver lane, kubelet spans in a
  // node's kubelet lane, and log marks in those lanes too.
  const reqId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  const tl = (await (
    await request.get(`/api/bundles/${bundleId}/requests/${encodeURIComponent(reqId)}/timeline`)
  ).json()) as TimelineJson;
  const names = new Set(tl.spans.map((s) => s.name));
  for (const n of ['KubernetesAPI', 'Create', 'Create etcd3', 'etcdserverpb.KV/Txn', 'syncPod'])
    expect(names).toContain(n);
  const kubeletLane = tl.spans.find((s) => s.name === 'syncPod')!.lane;
  expect(kubeletLane).toMatch(/^kubelet\//);
  expect(tl.marks.some((m) => m.lane === kubeletLane)).toBe(true);
  expect(tl.spans.find((s) => s.name === 'etcdserverpb.KV/Txn')!.depth).toBe(3);

  // Clicking the syncPod bar opens its attributes and events. The bar's x follows from the initial
  // view (the operation's activity with 4% air each side); its row is found by hovering down the lane.
  const sync = tl.spans.find((s) => s.name === 'syncPod')!;
  const frame = tl.activity ?? tl.extent;
  const pad = (frame.to - frame.from) * 0.04;
  const from = frame.from - pad;
  const to = frame.to + pad;
  const box = (await timeline.canvas.boundingBox())!;
  const x = box.x + (((sync.t0 + sync.t1) / 2 - from) / (to - from)) * box.width;
  const label = page
    .locator('.lane-label')
    .filter({ hasText: /kubelet/ })
    .filter({ hasText: `${sync.node} ·` })
    .first();
  const lane = (await label.boundingBox())!;
  const tip = page.locator('.tooltip');
  let hitY: number | null = null;
  for (let y = lane.y + lane.height - 2; y > lane.y && hitY === null; y -= 3) {
    await page.mouse.move(x, y);
    if (((await tip.textContent()) ?? '').includes('syncPod') && (await tip.isVisible())) hitY = y;
  }
  expect(hitY, 'the syncPod bar is under the pointer somewhere in its lane').not.toBeNull();
  await page.mouse.click(x, hitY!);
  const spanDetails = page.getByRole('region', { name: 'Span details' });
  await expect(spanDetails).toBeVisible();
  await expect(spanDetails).toContainText('syncPod');
  await expect(spanDetails.getByRole('table', { name: 'Span attributes' })).toContainText('k8s.pod.uid');
  await expect(spanDetails.getByRole('table', { name: 'Span resource' })).toContainText('kubelet');
  // The span selection is part of the address: a copied link opens the same span.
  await expect(page).toHaveURL(/[?&]span=[0-9a-f]+%3A[0-9a-f]+|[?&]span=[0-9a-f]+:[0-9a-f]+/);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Span details' })).toContainText('syncPod');
  await page.screenshot({ path: artifact('traces-span-details.png'), fullPage: true });

  // "Export OTLP" downloads the request as OTLP/JSON.
  const link = page.getByRole('link', { name: 'Export OTLP' });
  await expect(link).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^kubetrail-.*\.otlp\.json$/);
  const href = await link.getAttribute('href');
  const doc = (await (await request.get(href!)).json()) as { resourceSpans: unknown[] };
  expect(doc.resourceSpans.length).toBeGreaterThan(1);

  await page.screenshot({ path: artifact('traces-spans-and-logs.png'), fullPage: true });
});
