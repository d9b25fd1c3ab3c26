import { rm } from 'node:fs/promises';
import type { Request } from 'express';
import type { Bundle, BundleDetail, UploadAccepted } from '@kubetrail/model';
import {
  bundleIdFromDigest,
  ingestPaths,
  lowSpaceReason,
  recoverDeadIngestsQuietly,
  storageLimits,
} from '@kubetrail/ingest';
import { ingestInWorker } from '../ingest/ingestInWorker.ts';
import { AppError } from '../http/appError.ts';
import type { AppContext, StoreContext } from '../http/context.ts';
import { receiveUpload } from './upload.ts';

export function listBundles(ctx: StoreContext): { bundles: Bundle[] } {
  // A bundle whose ingest died (a killed CLI, a crashed worker) reads failed at once, not after a restart.
  recoverDeadIngestsQuietly(ctx.store);
  return { bundles: ctx.store.listBundles() };
}

/** The bundle, or a 404. */
export function getBundle(ctx: StoreContext, id: string): BundleDetail {
  recoverDeadIngestsQuietly(ctx.store);
  const b = ctx.store.getBundle(id);
  if (!b) throw AppError.notFound(`bundle ${id}`);
  return b;
}

/** Throws not found unless the bundle exists (without reading its ingest report). */
export function requireBundle(ctx: StoreContext, id: string): void {
  if (!ctx.store.hasBundle(id)) throw AppError.notFound(`bundle ${id}`);
}

export function deleteBundle(ctx: StoreContext, id: string): void {
  const b = getBundle(ctx, id);
  if (b.status === 'ingesting')
    throw AppError.conflict(`bundle ${id} is still ingesting; delete it when it is done`);
  ctx.store.deleteBundle(id);
}

/**
 * Receives an upload to disk, then starts its ingest in the background and answers once the
 * bundle row exists (so a poll right after the 202 finds it). The same content uploaded twice
 * gives the same bundle id and is not ingested again.
 */
export async function uploadBundle(
  ctx: AppContext,
  req: Request,
  name: string | undefined,
): Promise<UploadAccepted> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const lowSpace = lowSpaceReason(
    ctx.ingestDir,
    storageLimits(ctx.limits.ingest),
    Number.isFinite(declared) ? declared : 0,
  );
  if (lowSpace !== null) {
    req.resume(); // drain, so the client reads our answer instead of a reset
    throw new AppError(507, 'insufficient_storage', lowSpace);
  }
  const upload = await receiveUpload(req, ctx.ingestDir, ctx.limits.maxUploadBytes);
  const bundleId = bundleIdFromDigest(upload.digest);
  const cleanup = () => rm(upload.dir, { recursive: true, force: true });
  recoverDeadIngestsQuietly(ctx.store);
  const existing = ctx.store.getBundle(bundleId);
  if (existing && existing.status !== 'failed') {
    await cleanup();
    return { bundleId, status: existing.status };
  }
  let begun!: () => void;
  const started = new Promise<void>((resolve) => (begun = resolve));
  const run = ctx.ingestInWorker ? ingestInWorker : ingestPaths;
  let startError: unknown = null;
  const job = run(ctx.store, [upload.file], {
    name:
      name ??
      upload.nameField ??
      upload.originalName ??
      `upload ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`,
    bundleId,
    sizeBytes: upload.bytes,
    limits: ctx.limits.ingest,
    onBegin: begun,
  })
    .then((r) => {
      if (r.status === 'failed') ctx.log.info(`bundle ${bundleId}: ${r.error ?? 'failed'}`);
      else if (!r.reused) ctx.log.info(`bundle ${bundleId} ready: ${r.report.totals.records} records`);
    })
    .catch((err: unknown) => {
      startError = err;
      ctx.log.error(`bundle ${bundleId}: ingest failed to run`, err);
    })
    .finally(() => {
      begun();
      ctx.jobs.delete(job);
      return cleanup();
    });
  ctx.jobs.add(job);
  await started;
  const now = ctx.store.getBundle(bundleId);
  if (!now) {
    const why = startError instanceof Error ? `: ${startError.message}` : '';
    throw new AppError(500, 'ingest_failed', `the upload was received but its ingest could not start${why}`);
  }
  return { bundleId, status: now.status };
}
