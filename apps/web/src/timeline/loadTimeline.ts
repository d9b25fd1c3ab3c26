import { TimelineSchema } from '@kubetrail/model';
import type { Timeline } from '@kubetrail/model';
import { ApiError, fetchJson } from '../api/client';
import { measured } from '../lib/perf';
import { buildScene } from './scene';
import type { Scene } from './scene';

/** A timeline response and its scene (typed arrays). `timeline.marks` is emptied: the scene holds them. */
export interface LoadedTimeline {
  timeline: Timeline;
  scene: Scene;
}

export type WorkerRequest = { id: number; url: string } | { id: number; abort: true };
export type WorkerReply =
  | { id: number; ok: true; loaded: LoadedTimeline }
  | { id: number; ok: false; error: { status: number; code: string; message: string; details?: unknown } };

/** Fetches, validates and lays out a timeline: the same work the worker does, on any thread. */
export async function fetchAndBuild(url: string, signal?: AbortSignal): Promise<LoadedTimeline> {
  const timeline = await fetchJson(url, TimelineSchema, { signal });
  const scene = measured('kubetrail:scene', () => buildScene(timeline));
  return { timeline: { ...timeline, marks: [] }, scene };
}

/** The transferable buffers of a scene (moved, not copied, between threads). */
export function sceneBuffers(s: Scene): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [
    s.barRows,
    s.marks.t,
    s.marks.lane,
    s.marks.sev,
    s.marks.kind,
    s.marks.recordId,
    ...s.marks.bySev,
    ...s.marks.byLane,
    s.buckets.t0,
    s.buckets.t1,
    s.buckets.lane,
    s.buckets.sev,
    s.buckets.count,
    s.buckets.recordId,
    s.bars.t0,
    s.bars.t1,
    s.bars.lane,
    s.bars.row,
    s.bars.type,
    s.bars.error,
    s.bars.critical,
    s.bars.recordId,
    s.nav.t,
    s.nav.recordId,
    s.nav.lane,
    s.nav.sev,
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (l: LoadedTimeline) => void; reject: (e: unknown) => void }>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./timeline.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const r = e.data;
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (r.ok) p.resolve(r.loaded);
      else p.reject(new ApiError(r.error.status, r.error.code, r.error.message, r.error.details));
    };
    worker.onerror = () => {
      // The worker could not start (or crashed): fall back to the main thread from now on.
      worker?.terminate();
      worker = null;
      for (const [, p] of pending)
        p.reject(new ApiError(0, 'worker', 'The timeline worker stopped; retrying.'));
      pending.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

/**
 * Loads a timeline off the main thread (fetch, JSON parse, zod validation and scene building run
 * in a worker; the scene's typed arrays are transferred back), so panning stays smooth while a
 * large window loads. Falls back to the main thread where workers are unavailable.
 */
export function loadTimeline(url: string, signal?: AbortSignal): Promise<LoadedTimeline> {
  const w = getWorker();
  if (!w) return fetchAndBuild(url, signal);
  const id = nextId++;
  return new Promise<LoadedTimeline>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    signal?.addEventListener('abort', () => {
      if (!pending.delete(id)) return;
      w.postMessage({ id, abort: true } satisfies WorkerRequest);
      reject(new DOMException('aborted', 'AbortError'));
    });
    w.postMessage({ id, url: new URL(url, window.location.href).href } satisfies WorkerRequest);
  });
}
