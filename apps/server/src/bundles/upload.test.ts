import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiErrorSchema,
  BundleDetailSchema,
  RequestListSchema,
  UploadAcceptedSchema,
  type BundleDetail,
} from '@kubetrail/model';
import { generateBundle, writeBundleTarGz } from '@kubetrail/simulator';
import type { Store } from '@kubetrail/store';
import { createApp, type KubetrailApp } from '../app.ts';
import { BUNDLE_ID_PATTERN } from '@kubetrail/ingest';
import { tempStore } from '../testing/seedBundle.ts';
import { corpusFile } from '../testing/corpus.ts';

const quiet = { info: () => undefined, error: () => undefined };
const CORPUS_AUDIT = corpusFile('audit2rbac/demo.log');
const stores: Store[] = [];
let tgz: Buffer;

beforeAll(async () => {
  const { dir, store } = tempStore();
  store.close();
  const file = join(dir, 'small.tgz');
  await writeBundleTarGz(
    generateBundle({ seed: 3, scenarios: ['complete', 'unschedulable'], noise: 10 }),
    file,
  );
  tgz = readFileSync(file);
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup(maxUploadBytes?: number, ingestInWorker = true) {
  const { store } = tempStore();
  stores.push(store);
  return createApp({ store, log: quiet, ingestInWorker, limits: maxUploadBytes ? { maxUploadBytes } : {} });
}

/** Polls the bundle until it leaves `ingesting`. */
async function settled(app: KubetrailApp, id: string): Promise<BundleDetail> {
  for (;;) {
    const res = await request(app).get(`/api/bundles/${id}`).expect(200);
    const b = BundleDetailSchema.parse(res.body);
    if (b.status !== 'ingesting') return b;
    await sleep(50);
  }
}

describe('POST /api/bundles', () => {
  it('takes a raw .tgz body, answers 202, and ingests it in the background', async () => {
    const app = setup();
    const res = await request(app)
      .post('/api/bundles?name=small%20cluster')
      .set('Content-Type', 'application/octet-stream')
      .send(tgz)
      .expect(202);
    const accepted = UploadAcceptedSchema.parse(res.body);
    expect(accepted.bundleId).toMatch(BUNDLE_ID_PATTERN);
    const b = await settled(app, accepted.bundleId);
    expect(b.error).toBeNull();
    expect(b.status).toBe('ready');
    expect(b.name).toBe('small cluster');
    expect(b.records).toBeGreaterThan(0);
    expect(b.report?.files.length).toBeGreaterThan(3);
    const reqs = RequestListSchema.parse(
      (await request(app).get(`/api/bundles/${b.id}/requests`).expect(200)).body,
    );
    expect(reqs.total).toBeGreaterThan(0);

    // The same content again: the same id, nothing re-ingested.
    const again = UploadAcceptedSchema.parse(
      (await request(app).post('/api/bundles').set('Content-Type', 'application/gzip').send(tgz).expect(202))
        .body,
    );
    expect(again).toEqual({ bundleId: accepted.bundleId, status: 'ready' });
  });

  it('takes multipart field "file" (ingesting in-process this time)', async () => {
    const app = setup(undefined, false);
    const res = await request(app)
      .post('/api/bundles')
      .set('X-Requested-By', 'kubetrail')
      .field('name', 'rbac demo')
      .attach('file', readFileSync(CORPUS_AUDIT), { filename: 'audit.log', contentType: 'text/plain' })
      .expect(202);
    const { bundleId } = UploadAcceptedSchema.parse(res.body);
    const b = await settled(app, bundleId);
    expect(b.status).toBe('ready');
    expect(b.name).toBe('rbac demo');
    expect(b.report?.files[0]?.format).toBe('audit');
    expect(b.records).toBeGreaterThan(10);
  });

  it('streams a JSON file as a raw upload too (no JSON body parsing on this route)', async () => {
    const app = setup();
    const res = await request(app)
      .post('/api/bundles/')
      .set('Content-Type', 'application/json')
      .send(readFileSync(corpusFile('falco-k8s-audit/create_deployment.json'), 'utf8'))
      .expect(202);
    const b = await settled(app, UploadAcceptedSchema.parse(res.body).bundleId);
    expect(b.error).toBeNull();
    expect(b.status).toBe('ready');
    expect(b.records).toBe(1);
  });

  it('refuses an empty upload with 400', async () => {
    const app = setup();
    const raw = await request(app)
      .post('/api/bundles')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(0));
    expect(raw.status).toBe(400);
    expect(ApiErrorSchema.parse(raw.body).error.message).toMatch(/empty upload/);
    const noFile = await request(app)
      .post('/api/bundles')
      .set('X-Requested-By', 'kubetrail')
      .field('name', 'x');
    expect(noFile.status).toBe(400);
    const emptyFile = await request(app)
      .post('/api/bundles')
      .set('X-Requested-By', 'kubetrail')
      .attach('file', Buffer.alloc(0), 'empty.log');
    expect(emptyFile.status).toBe(400);
  });

  it('refuses an oversized upload with 413, raw and multipart', async () => {
    const app = setup(1024);
    const big = Buffer.alloc(4096, 'x');
    const raw = await request(app)
      .post('/api/bundles')
      .set('Content-Type', 'application/octet-stream')
      .send(big);
    expect(raw.status).toBe(413);
    expect(ApiErrorSchema.parse(raw.body).error.message).toMatch(/larger than the limit of 1 KiB/);
    const multi = await request(app)
      .post('/api/bundles')
      .set('X-Requested-By', 'kubetrail')
      .attach('file', big, 'big.log');
    expect(multi.status).toBe(413);
    // The server keeps answering.
    await request(app).get('/api/bundles').expect(200);
  });

  it('marks an unreadable upload failed with a clear reason, and keeps serving', async () => {
    const app = setup();
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const { bundleId } = UploadAcceptedSchema.parse(
      (
        await request(app)
          .post('/api/bundles?name=junk')
          .set('Content-Type', 'application/octet-stream')
          .send(garbage)
          .expect(202)
      ).body,
    );
    const b = await settled(app, bundleId);
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/nothing could be read/);
    await request(app).get('/api/health').expect(200);
    // A failed bundle can be deleted; an upload of the same content retries.
    await request(app).delete(`/api/bundles/${bundleId}`).set('X-Requested-By', 'kubetrail').expect(204);
  });
});
