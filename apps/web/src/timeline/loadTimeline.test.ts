import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { fetchAndBuild, sceneBuffers } from './loadTimeline';
import { testTimeline } from './testTimeline';

afterEach(() => vi.unstubAllGlobals());

describe('fetchAndBuild', () => {
  it('validates the response and returns its scene, without the marks array', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response(JSON.stringify(testTimeline()), { status: 200 })),
    );
    const { timeline, scene } = await fetchAndBuild('/api/x');
    expect(timeline.marks).toEqual([]);
    expect(timeline.lanes).toHaveLength(4);
    expect(scene.marks.n).toBe(5);
    // Every typed array of the scene can be transferred to the main thread.
    expect(sceneBuffers(scene).length).toBeGreaterThan(10);
  });
  it('turns API errors and malformed responses into ApiErrors', async () => {
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such request' } }), {
          status: 404,
        }),
      ),
    );
    await expect(fetchAndBuild('/api/x')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    vi.stubGlobal('fetch', () =>
      Promise.resolve(new Response(JSON.stringify({ lanes: 'nope' }), { status: 200 })),
    );
    await expect(fetchAndBuild('/api/x')).rejects.toBeInstanceOf(ApiError);
  });
});
