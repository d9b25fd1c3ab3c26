import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A bundle crafted for the UI benchmark: two requests that carry the request-ID proposal's explicit
 * `reqID="…"` key on every line, one with `bigMarks` lines (level of detail needed) and one with
 * `smallMarks`, spread over kube-apiserver, kube-controller-manager, kube-scheduler (CRI pod logs on
 * the control-plane node) and three kubelets (journald text), in `kind export logs` layout, plus
 * background lines without a reqID. Deterministic: same arguments, same bytes.
 */
export interface LodBundleSpec {
  smallMarks: number;
  bigMarks: number;
  backgroundLines: number;
}

export const LOD_SMALL_REQ = 'bench-ui-small';
export const LOD_BIG_REQ = 'bench-ui-big';

interface LaneFile {
  path: string;
  render: (tsMs: number, text: string) => string;
  component: string;
  caller: string;
}

const CP = 'bench-control-plane';
const WORKERS = ['bench-worker', 'bench-worker2', 'bench-worker3'];
const EPOCH_MS = Date.UTC(2026, 10, 22, 5, 0, 0);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** klog header time `mmdd hh:mm:ss.uuuuuu`. */
function klogTime(ms: number, micros: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
}

function criTime(ms: number, micros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${pad(micros, 3)}000Z`;
}

function journaldTime(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function lanes(): LaneFile[] {
  const pod = (name: string, uid: string, container: string): string =>
    `${CP}/pods/kube-system_${name}-${CP}_${uid}/${container}/0.log`;
  const cri =
    (caller: string) =>
    (ms: number, text: string): string => {
      const micros = ms % 1000;
      return `${criTime(ms, micros)} stderr F I${klogTime(ms, micros)}       1 ${caller}] ${text}`;
    };
  const out: LaneFile[] = [
    {
      path: pod('kube-apiserver', '0a1b2c3d-0000-4000-8000-000000000001', 'kube-apiserver'),
      render: cri('httplog.go:132'),
      component: 'kube-apiserver',
      caller: 'httplog.go:132',
    },
    {
      path: pod('kube-controller-manager', '0a1b2c3d-0000-4000-8000-000000000002', 'kube-controller-manager'),
      render: cri('replica_set.go:676'),
      component: 'kube-controller-manager',
      caller: 'replica_set.go:676',
    },
    {
      path: pod('kube-scheduler', '0a1b2c3d-0000-4000-8000-000000000003', 'kube-scheduler'),
      render: cri('schedule_one.go:314'),
      component: 'kube-scheduler',
      caller: 'schedule_one.go:314',
    },
  ];
  for (const node of WORKERS) {
    out.push({
      path: `${node}/kubelet.log`,
      render: (ms, text) => {
        const micros = ms % 1000;
        return `${journaldTime(ms)} ${node} kubelet[233]: I${klogTime(ms, micros)}     233 kubelet.go:2461] ${text}`;
      },
      component: 'kubelet',
      caller: 'kubelet.go:2461',
    });
  }
  return out;
}

const MESSAGES = [
  (i: number) =>
    `"SyncLoop (PLEG): event for pod" pod="bench/lod-7f9c8d-${(i % 997).toString(36)}" event="ContainerStarted"`,
  (i: number) =>
    `"HTTP" verb="GET" URI="/api/v1/namespaces/bench/pods/lod-${i % 499}" latency="1.2ms" userAgent="kubectl/v1.30.0" resp=200`,
  (i: number) =>
    `"Successfully bound pod to node" pod="bench/lod-${i % 811}" node="bench-worker${(i % 3) + 1}" evaluatedNodes=3 feasibleNodes=3`,
  (i: number) => `"Too few replicas" replicaSet="bench/lod-7f9c8d" need=${i % 50} creating=1`,
];

/** Writes the bundle as `<out>.tar.gz` (building it in a sibling folder first). */
export function writeLodBundle(file: string, spec: LodBundleSpec): { lines: number } {
  const stage = `${file}.d`;
  rmSync(stage, { recursive: true, force: true });
  const ls = lanes();
  const fds = ls.map((l) => {
    const p = join(stage, l.path);
    mkdirSync(dirname(p), { recursive: true });
    return openSync(p, 'w');
  });
  const buffers: string[][] = ls.map(() => []);
  const sizes = ls.map(() => 0);
  const flush = (k: number): void => {
    writeSync(fds[k]!, buffers[k]!.join(''));
    buffers[k] = [];
    sizes[k] = 0;
  };
  let lines = 0;
  const emit = (k: number, ms: number, text: string): void => {
    const line = `${ls[k]!.render(ms, text)}\n`;
    buffers[k]!.push(line);
    sizes[k]! += line.length;
    lines++;
    if (sizes[k]! > 1 << 20) flush(k);
  };
  // Phases in time: the small request in the first 2 minutes, the big one over the next 10; a
  // background line every `bgEvery` ms across all 12 minutes. Lines are emitted in time order.
  const smallSpan = 120_000;
  const bigSpan = 600_000;
  const total = smallSpan + bigSpan;
  const bgEvery = spec.backgroundLines > 0 ? total / spec.backgroundLines : Infinity;
  let nextBg = 0;
  let bgCount = 0;
  const phase = (count: number, start: number, span: number, reqId: string): void => {
    for (let i = 0; i < count; i++) {
      const t = start + Math.floor((i * span) / count);
      while (nextBg <= t && bgCount < spec.backgroundLines) {
        emit(
          bgCount % ls.length,
          EPOCH_MS + Math.floor(nextBg),
          MESSAGES[bgCount % MESSAGES.length]!(bgCount),
        );
        bgCount++;
        nextBg += bgEvery;
      }
      const k = (i * 7 + (i >> 5)) % ls.length;
      const sev = i % 997 === 0 ? 'E' : i % 101 === 0 ? 'W' : 'I';
      let text = `${MESSAGES[i % MESSAGES.length]!(i)} reqID="${reqId}"`;
      if (sev !== 'I') text = text.replace(/^"/, `"${sev === 'E' ? 'Failed: ' : 'Slow: '}`);
      const line = ls[k]!.render(EPOCH_MS + t, text);
      // The severity letter is the first character of the klog header, after any wrapper.
      const fixed = sev === 'I' ? line : line.replace(/ I(\d{4} \d\d:)/, ` ${sev}$1`);
      buffers[k]!.push(`${fixed}\n`);
      sizes[k]! += fixed.length + 1;
      lines++;
      if (sizes[k]! > 1 << 20) flush(k);
    }
  };
  phase(spec.smallMarks, 0, smallSpan, LOD_SMALL_REQ);
  phase(spec.bigMarks, smallSpan, bigSpan, LOD_BIG_REQ);
  while (bgCount < spec.backgroundLines) {
    emit(bgCount % ls.length, EPOCH_MS + Math.floor(nextBg), MESSAGES[bgCount % MESSAGES.length]!(bgCount));
    bgCount++;
    nextBg += bgEvery;
  }
  ls.forEach((_l, k) => {
    flush(k);
    closeSync(fds[k]!);
  });
  rmSync(file, { force: true });
  const tar = spawnSync(
    'bash',
    [
      '-c',
      `tar --sort=name --mtime=@${Math.floor(EPOCH_MS / 1000)} --owner=0 --group=0 --numeric-owner -C "$1" -cf - . | gzip -n -1 > "$2"`,
      'tar',
      stage,
      file,
    ],
    { stdio: 'inherit' },
  );
  if (tar.status !== 0 || !existsSync(file)) throw new Error(`could not write ${file}`);
  rmSync(stage, { recursive: true, force: true });
  return { lines };
}
