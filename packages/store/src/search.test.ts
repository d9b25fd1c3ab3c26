import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileInfo, ParsedRecord, Severity } from '@kubetrail/model';
import { openStore, SEARCH_COUNT_CAP, type Store } from './store.ts';

// Lines shaped as kubetrail stores them: raw is the line as written (CRI wrapper, klog header,
// key/values), message the klog message, fields the key/values.
const T0 = 1718019340_000_000_000n; // 2024-06-10T11:35:40Z
const ms = (n: number) => T0 + BigInt(n) * 1_000_000n;

function klog(
  line: number,
  at: number,
  severity: Severity,
  message: string,
  kv: Record<string, unknown> | null,
  caller = 'kubelet.go:2434',
): ParsedRecord {
  const letter = { debug: 'I', info: 'I', warning: 'W', error: 'E', fatal: 'F' }[severity];
  const kvText = kv
    ? ` ${Object.entries(kv)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')}`
    : '';
  const quoted = kv ? JSON.stringify(message) : message;
  const sec = (40 + Math.floor(at / 1000)).toString().padStart(2, '0');
  const frac = ((at % 1000) * 1000).toString().padStart(6, '0');
  return {
    line,
    lineCount: 1,
    ts: ms(at),
    severity,
    kind: 'log',
    format: 'klog',
    component: null,
    node: null,
    caller,
    message,
    fields: kv,
    raw: `2024-06-10T11:35:${sec}.${frac}000Z stderr F ${letter}0610 11:35:${sec}.${frac}       1 ${caller}] ${quoted}${kvText}`,
    reqId: null,
    auditId: null,
    traceId: null,
    spanId: null,
  };
}

const file = (path: string, component: string, node: string | null): FileInfo => ({
  path,
  format: 'klog',
  wrapper: 'cri',
  component,
  node,
  timeRule: 'wrapper',
});

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/**
 * Two files whose lines interleave in time: the kubelet's (file order = ids 0–4) and the
 * scheduler's (ids 5–6), so bundle order is not time order.
 */
function fixture(): Store {
  const store = openStore(join(mkdtempSync(join(tmpdir(), 'kt-search-')), 'db', 'k.db'));
  stores.push(store);
  store.beginBundle({ id: 'b', name: 'b', sizeBytes: 1 });
  const w = store.createWriter('b');
  const kubelet = w.addFile(file('worker-2/pods/kubelet.log', 'kubelet', 'worker-2'));
  w.addRecords(kubelet, [
    klog(1, 100, 'info', 'SyncLoop ADD', { source: 'api', pods: ['default/db-qcbn-7d4b9c5f6-abcde'] }),
    klog(2, 900, 'error', 'Error syncing pod, skipping', {
      err: 'failed to "StartContainer" for "db" with ErrImagePull',
      pod: 'default/db-qcbn-7d4b9c5f6-abcde',
    }),
    klog(3, 1500, 'info', 'Probe failed (exit code 1)', null, 'prober.go:107'),
    klog(4, 2100, 'warning', 'Unable to attach or mount volumes: timed out waiting for the condition', null),
    klog(5, 2600, 'info', 'housekeeping', null),
  ]);
  const scheduler = w.addFile(file('control-plane/kube-scheduler.log', 'kube-scheduler', null));
  w.addRecords(scheduler, [
    klog(
      1,
      50,
      'info',
      'Successfully bound pod to node',
      { pod: 'default/db-qcbn-7d4b9c5f6-abcde', node: 'worker-2' },
      'schedule_one.go:252',
    ),
    klog(
      2,
      1000,
      'error',
      'Unable to schedule pod; no fit; waiting',
      { pod: 'default/web-1' },
      'schedule_one.go:1000',
    ),
  ]);
  w.finish();
  store.saveCorrelation('b', (sink) => {
    for (const id of [0, 1, 3, 5])
      sink.link({ recordId: id, reqId: 'r1', kind: 'inferred', evidence: 'pod default/db' });
    sink.link({ recordId: 6, reqId: 'r2', kind: 'inferred', evidence: 'pod default/web-1' });
    return { requests: [], objects: [] };
  });
  return store;
}

const ids = (store: Store, q: string, more: Partial<Parameters<Store['searchRecords']>[1]> = {}) =>
  store.searchRecords('b', { q, offset: 0, limit: 50, ...more }).hits.map((h) => h.record.id);

describe('literal search (the default)', () => {
  it('finds pasted fragments of lines, symbols included, in time order across files', () => {
    const store = fixture();
    // The pod name is in three lines of two files: scheduler 11:35:40.050, kubelet .100 and .900.
    expect(ids(store, 'pods=["default/db-qcbn-7d4b9c5f6-abcde"]')).toEqual([0]);
    expect(ids(store, 'db-qcbn')).toEqual([5, 0, 1]);
    expect(ids(store, 'db-qcbn*')).toEqual([5, 0, 1]);
    expect(ids(store, 'pod="default/db-qcbn')).toEqual([5, 1]);
    expect(ids(store, 'failed to "StartContainer" for "db"')).toEqual([1]);
    expect(ids(store, '(exit code 1)')).toEqual([2]);
    expect(ids(store, '(')).toEqual([2]);
    expect(ids(store, '"')).toEqual([5, 0, 1, 6]);
    expect(ids(store, ';')).toEqual([6]);
    // A line's header: its klog severity and date, its caller, a whole pasted line.
    expect(ids(store, 'E0610')).toEqual([1, 6]);
    expect(ids(store, 'prober.go:107')).toEqual([2]);
    expect(ids(store, 'W0610 11:35:42.100000 1 kubelet.go:2434] Unable to attach')).toEqual([3]);
    // A fragment cut inside a word at its start still matches (lines are then checked one by one).
    expect(ids(store, 'cbn-7d4b9c5f6')).toEqual([5, 0, 1]);
    expect(ids(store, 'TIMED OUT waiting')).toEqual([3]);
    expect(ids(store, 'timed  out')).toEqual([3]);
    expect(ids(store, 'no such thing')).toEqual([]);
    expect(ids(store, '"ErrImagePull"')).toEqual([]);
  });

  it('says where it matched: the message, else the raw line, else the key/values', () => {
    const store = fixture();
    const hit = (q: string) =>
      store
        .searchRecords('b', { q, offset: 0, limit: 1 })
        .hits[0]?.snippet.replaceAll('\u0002', '[')
        .replaceAll('\u0003', ']');
    expect(hit('syncing pod')).toBe('Error [syncing pod], skipping');
    expect(hit('E0610')).toMatch(/stderr F \[E0610\] 11:35:40\.900000/);
    expect(hit('StartContainer')).toMatch(/failed to \\?"\[StartContainer\]/);
  });

  it('scopes a search to a request, its lanes, a component, a node, a severity and a window', () => {
    const store = fixture();
    expect(ids(store, 'pod', { reqId: 'r1' })).toEqual([5, 0, 1]);
    expect(ids(store, 'pod', { reqId: 'r2' })).toEqual([6]);
    expect(ids(store, 'pod', { component: 'kube-scheduler' })).toEqual([5, 6]);
    expect(ids(store, 'pod', { node: 'worker-2' })).toEqual([0, 1]);
    expect(ids(store, 'pod', { severity: 'error' })).toEqual([1, 6]);
    expect(ids(store, 'pod', { from: '2024-06-10T11:35:40.080Z', to: '2024-06-10T11:35:40.950Z' })).toEqual([
      0, 1,
    ]);
    // Lines are checked one by one in a request too (no indexed word in "(").
    expect(ids(store, '(', { reqId: 'r1' })).toEqual([]);
    expect(ids(store, '"', { reqId: 'r1', from: '2024-06-10T11:35:40.500Z' })).toEqual([1]);
  });

  it('pages in time order and counts every match', () => {
    const store = fixture();
    const page = store.searchRecords('b', { q: '"', offset: 1, limit: 2 });
    expect(page.hits.map((h) => h.record.id)).toEqual([0, 1]);
    expect(page).toMatchObject({ total: 4, capped: false, partial: false, mode: 'literal' });
    expect(page.hits.map((h) => h.reqIds)).toEqual([['r1'], ['r1']]);
  });

  it('stops when its time is spent and says the result is partial, never hangs or fails', () => {
    const store = fixture();
    const r = store.searchRecords('b', { q: '(', offset: 0, limit: 10 }, { budgetMs: -1 });
    expect(r).toMatchObject({ hits: [], total: 0, partial: true });
    const h = store.histogram('b', { buckets: 4, q: '(', budgetMs: -1 });
    expect(h.partial).toBe(true);
  });

  it('answers once its page is full, counting the rest only briefly (a partial count says so)', () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'kt-search-')), 'db', 'k.db'));
    stores.push(store);
    store.beginBundle({ id: 'p', name: 'p', sizeBytes: 1 });
    const w = store.createWriter('p');
    const f = w.addFile(file('kubelet.log', 'kubelet', 'n'));
    const n = SEARCH_COUNT_CAP + 5_000;
    w.addRecords(
      f,
      Array.from({ length: n }, (_, i) => klog(i + 1, i, 'info', `probe ${i} (ok)`, null)),
    );
    w.finish();
    // "(ok)": a common word, so lines are walked; the page fills at once, the count would read all.
    const quick = store.searchRecords('p', { q: '(ok)', offset: 0, limit: 5 }, { countAfterPageMs: -1 });
    expect(quick.hits.map((h) => h.record.id)).toEqual([0, 1, 2, 3, 4]);
    expect(quick).toMatchObject({ partial: true });
    expect(quick.total).toBeLessThan(SEARCH_COUNT_CAP);
    const full = store.searchRecords('p', { q: '(ok)', offset: 0, limit: 5 }, { countAfterPageMs: 60_000 });
    expect(full).toMatchObject({ partial: false, capped: true, total: SEARCH_COUNT_CAP });
  });

  it('counts matches up to the cap and says there are more', () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'kt-search-')), 'db', 'k.db'));
    stores.push(store);
    store.beginBundle({ id: 'big', name: 'big', sizeBytes: 1 });
    const w = store.createWriter('big');
    const f = w.addFile(file('kubelet.log', 'kubelet', 'n'));
    const n = SEARCH_COUNT_CAP + 50;
    w.addRecords(
      f,
      Array.from({ length: n }, (_, i) =>
        klog(i + 1, n - i, 'info', `probe ${i % 2 ? 'ok' : 'failed'}`, null),
      ),
    );
    w.finish();
    // Half the lines match: few enough full-text candidates to sort by time (the last written is
    // the earliest). Every line matches "probe": too many to sort, so lines are walked in time order.
    const r = store.searchRecords('big', { q: 'probe failed', offset: 0, limit: 3 });
    expect(r.hits.map((h) => h.record.id)).toEqual([n - 2, n - 4, n - 6]);
    expect(r.total).toBe((n + 1) / 2 > SEARCH_COUNT_CAP ? SEARCH_COUNT_CAP : Math.ceil(n / 2));
    const all = store.searchRecords('big', { q: 'probe', offset: 0, limit: 1 });
    expect(all).toMatchObject({ total: SEARCH_COUNT_CAP, capped: true });
    expect(all.hits[0]?.record.id).toBe(n - 1);
  });
});

describe('advanced search (FTS5 syntax)', () => {
  it('reads FTS5 syntax, hits in time order', () => {
    const store = fixture();
    expect(ids(store, 'syncing OR bound', { mode: 'fts' })).toEqual([5, 1]);
    expect(ids(store, 'hous*', { mode: 'fts' })).toEqual([4]);
    expect(ids(store, '"timed out" NOT housekeeping', { mode: 'fts' })).toEqual([3]);
    expect(store.searchRecords('b', { q: 'timed', mode: 'fts', offset: 0, limit: 1 }).hits[0]?.snippet).toBe(
      'Unable to attach or mount volumes: \u0002timed\u0003 out waiting for the condition',
    );
  });

  it('refuses what would cost too much, naming the limit: many terms, many or short prefixes', () => {
    const store = fixture();
    const bad = (q: string) => () => store.searchRecords('b', { q, mode: 'fts', offset: 0, limit: 1 });
    expect(bad(Array(80).fill('a*').join(' OR '))).toThrow(/prefix needs at least 3 characters/);
    expect(bad(Array(80).fill('abc*').join(' OR '))).toThrow(/too many terms \(80\)/);
    expect(bad(Array(5).fill('abc*').join(' OR '))).toThrow(/too many prefixes \(5\)/);
    expect(bad('"db" *')).toThrow(/prefix needs at least 3/);
    expect(bad('"unbalanced')).toThrow(/invalid search query/);
    expect(() => store.histogram('b', { buckets: 2, q: 'a* OR b*', mode: 'fts' })).toThrow(/prefix/);
  });
});

describe('hit histogram', () => {
  it('counts the matches per bucket and severity, in the same scope as the search', () => {
    const store = fixture();
    const h = store.histogram('b', { buckets: 3, q: 'db-qcbn', fromNs: ms(0), toNs: ms(2999) });
    expect(h.buckets.map((b) => [b.counts.info, b.counts.error])).toEqual([
      [2, 1],
      [0, 0],
      [0, 0],
    ]);
    const scoped = store.histogram('b', {
      buckets: 1,
      q: 'pod',
      component: 'kube-scheduler',
      severity: 'error',
    });
    expect(scoped.buckets[0]?.counts.error).toBe(1);
    expect(scoped.partial).toBe(false);
  });
});

describe('a line’s neighbours', () => {
  it('are its file’s lines around it in time order (not file order), each with its requests', () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'kt-search-')), 'db', 'k.db'));
    stores.push(store);
    store.beginBundle({ id: 'n', name: 'n', sizeBytes: 1 });
    const w = store.createWriter('n');
    const f = w.addFile(file('audit.log', 'audit', null));
    // Written when each call completed: the long call (received first) is the last line.
    w.addRecords(f, [
      klog(1, 300, 'info', 'b', null),
      klog(2, 400, 'info', 'c', null),
      klog(3, 100, 'info', 'a (long call)', null),
      klog(4, 500, 'info', 'd', null),
    ]);
    w.finish();
    store.saveCorrelation('n', (sink) => {
      sink.link({ recordId: 2, reqId: 'r9', kind: 'audit', evidence: 'x' });
      return { requests: [], objects: [] };
    });
    const around = store.neighbours('n', 0, 1);
    expect(around.map((r) => r.message)).toEqual(['a (long call)', 'b', 'c']);
    expect(around.map((r) => r.reqIds)).toEqual([['r9'], [], []]);
    expect(store.neighbours('n', 2, 5).map((r) => r.id)).toEqual([2, 0, 1, 3]);
  });
});
