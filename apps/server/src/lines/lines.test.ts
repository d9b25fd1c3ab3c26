import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiErrorSchema, RequestLinesSchema, SearchResultSchema } from '@kubetrail/model';
import type { Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../app.ts';
import { SEED, seedBundle, tempStore } from '../testing/seedBundle.ts';

const quiet = { info: () => undefined, error: () => undefined };
const open: { store: Store; app: KubetrailApp }[] = [];
afterEach(async () => {
  for (const { store, app } of open.splice(0)) {
    await app.locals.queries.close();
    store.close();
  }
});

function setup() {
  const { store } = tempStore();
  seedBundle(store);
  const app = createApp({ store, log: quiet });
  open.push({ store, app });
  return app;
}

const B = `/api/bundles/${SEED.bundleId}`;
const L = `${B}/requests/${SEED.reqId}/lines`;

describe('a request’s lines (the log table)', () => {
  it('lists every line of the request in time order, whole, with its lane and link kind', async () => {
    const app = setup();
    const page = RequestLinesSchema.parse((await request(app).get(`${L}?limit=1000`).expect(200)).body);
    expect(page.origin).toBe(SEED.start);
    expect(page.total).toBe(65);
    expect(page.lines.map((l) => l.record.id)).toEqual([
      0,
      1,
      3,
      ...Array.from({ length: 61 }, (_, i) => i + 4),
      65,
    ]);
    const ts = page.lines.map((l) => l.t ?? -1);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    const err = page.lines.find((l) => l.record.id === 64)!;
    expect(err).toMatchObject({ lane: 'kubelet/worker-2', linkKind: 'inferred', t: 2100 });
    // The full record, raw text included (not a 240-character preview).
    expect(err.record.raw).toContain('timed out waiting for the condition" pod="shop/nginx-7d4-abcde"');
    expect(page.lines[0]).toMatchObject({ lane: 'client', linkKind: 'audit' });
  });

  it('takes the timeline’s filters: window, errors only, hidden lanes, and a search', async () => {
    const app = setup();
    const ids = async (qs: string) =>
      RequestLinesSchema.parse((await request(app).get(`${L}?${qs}`).expect(200)).body).lines.map(
        (l) => l.record.id,
      );
    expect(await ids('from=2000&to=2150')).toEqual([64]);
    expect(await ids('errorsOnly=1')).toEqual([64]);
    // The FailedMount Event came from the kubelet on worker-2: it is in that lane.
    expect(await ids('hide=kubelet/worker-2,client&limit=5')).toEqual([1, 3]);
    expect(await ids(`q=${encodeURIComponent('err="unmounted volumes=[data]')}`)).toEqual([64]);
    expect(await ids(`q=${encodeURIComponent('tick 1')}&limit=3`)).toEqual([5, 14, 15]);
  });

  it('pages, and starts a page around a chosen line', async () => {
    const app = setup();
    const page = RequestLinesSchema.parse(
      (await request(app).get(`${L}?offset=10&limit=4`).expect(200)).body,
    );
    expect(page.lines.map((l) => l.record.id)).toEqual([11, 12, 13, 14]);
    const around = RequestLinesSchema.parse(
      (await request(app).get(`${L}?around=40&limit=8`).expect(200)).body,
    );
    expect(around.lines.map((l) => l.record.id)).toEqual([38, 39, 40, 41, 42, 43, 44, 45]);
    expect(around.offset).toBe(37);
  });

  it('refuses bad parameters and unknown requests', async () => {
    const app = setup();
    const bad = async (url: string, status: number) => {
      const res = await request(app).get(url);
      expect(res.status, url).toBe(status);
      ApiErrorSchema.parse(res.body);
    };
    await bad(`${L}?limit=0`, 400);
    await bad(`${L}?from=10&to=5`, 400);
    await bad(`${L}?mode=fts&q=${encodeURIComponent('"open')}`, 400);
    await bad(`${B}/requests/nope/lines`, 404);
    await bad(`/api/bundles/nope/requests/x/lines`, 404);
  });
});

describe('search through the API', () => {
  it('is literal by default, scoped on request, severity, component and window, in time order', async () => {
    const app = setup();
    const ids = async (qs: string) =>
      SearchResultSchema.parse((await request(app).get(`${B}/records?${qs}`).expect(200)).body).hits.map(
        (h) => h.record.id,
      );
    expect(await ids(`q=${encodeURIComponent('pod="shop/nginx-7d4-abcde"')}&limit=2`)).toEqual([4, 5]);
    expect(await ids(`q=${encodeURIComponent('volumes=[data]')}`)).toEqual([64, 65]);
    expect(await ids(`q=${encodeURIComponent('volumes=[data]')}&severity=error`)).toEqual([64]);
    expect(await ids(`q=${encodeURIComponent('volumes=[data]')}&component=events`)).toEqual([65]);
    expect(await ids(`q=${encodeURIComponent('volumes=[data]')}&reqId=${SEED.otherReqId}`)).toEqual([]);
    expect(await ids(`q=shop&from=2024-06-10T11:35:43Z`)).toEqual([2]);
    for (const q of ['(', '"', '*', 'E0610', 'db-qcbn*', 'a* OR a*'])
      SearchResultSchema.parse(
        (
          await request(app)
            .get(`${B}/records?q=${encodeURIComponent(q)}`)
            .expect(200)
        ).body,
      );
  });
});
