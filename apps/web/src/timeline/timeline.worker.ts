/// <reference lib="webworker" />
import { ApiError } from '../api/client';
import { fetchAndBuild, sceneBuffers } from './loadTimeline';
import type { WorkerReply, WorkerRequest } from './loadTimeline';

// Fetches, validates and lays out timelines away from the UI thread (see loadTimeline.ts).
const scope = self as unknown as DedicatedWorkerGlobalScope;
const controllers = new Map<number, AbortController>();

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const msg = e.data;
  if ('abort' in msg) {
    controllers.get(msg.id)?.abort();
    controllers.delete(msg.id);
    return;
  }
  const ctrl = new AbortController();
  controllers.set(msg.id, ctrl);
  fetchAndBuild(msg.url, ctrl.signal).then(
    (loaded) => {
      controllers.delete(msg.id);
      const reply: WorkerReply = { id: msg.id, ok: true, loaded };
      scope.postMessage(reply, sceneBuffers(loaded.scene));
    },
    (err: unknown) => {
      controllers.delete(msg.id);
      if (ctrl.signal.aborted) return;
      const e2 =
        err instanceof ApiError
          ? { status: err.status, code: err.code, message: err.message, details: err.details }
          : { status: 0, code: 'worker', message: err instanceof Error ? err.message : String(err) };
      const reply: WorkerReply = { id: msg.id, ok: false, error: e2 };
      scope.postMessage(reply);
    },
  );
};
