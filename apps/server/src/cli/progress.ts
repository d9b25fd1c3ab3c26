import { Presets, SingleBar } from 'cli-progress';
import type { IngestProgress } from '@kubetrail/model';
import { formatBytes, formatCount } from './table.ts';
import { cellText } from './terminal.ts';

export interface ProgressReporter {
  update(p: IngestProgress): void;
  stop(): void;
}

/**
 * Ingest progress on stderr: a live bar (bytes, records, rate, ETA when the total is known) on a
 * terminal; otherwise a line every few seconds, or nothing in CI.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = Date.now();
  const rate = (p: IngestProgress) => {
    const s = Math.max((Date.now() - started) / 1000, 0.001);
    return `${formatBytes(p.bytesRead / s)}/s, ${formatCount(Math.round(p.records / s))} rec/s`;
  };
  if (!stream.isTTY) {
    if (process.env.CI) return { update: () => undefined, stop: () => undefined };
    let last = 0;
    return {
      update(p) {
        const now = Date.now();
        if (now - last < 3000) return;
        last = now;
        const pct = p.bytesTotal
          ? ` (${Math.min(100, Math.round((100 * p.bytesRead) / p.bytesTotal))}%)`
          : '';
        stream.write(
          `ingest: ${p.stage}, ${formatBytes(p.bytesRead)}${pct}, ${p.records} records, ${p.files} files, ${rate(p)}\n`,
        );
      },
      stop: () => undefined,
    };
  }
  let bar: SingleBar | null = null;
  let withTotal = false;
  const payload = (p: IngestProgress) => ({
    stage: p.stage.padEnd(11),
    done: formatBytes(p.bytesRead),
    all: p.bytesTotal ? formatBytes(p.bytesTotal) : '?',
    records: formatCount(p.records),
    rate: rate(p),
    file: cellText(p.currentFile ?? '').slice(-40),
  });
  return {
    update(p) {
      if (!bar) {
        withTotal = p.bytesTotal !== null && p.bytesTotal > 0;
        bar = new SingleBar(
          {
            format: withTotal
              ? '{stage} |{bar}| {percentage}% {done}/{all} · {records} records · {rate} · ETA {eta_formatted} {file}'
              : '{stage} {done} · {records} records · {rate} {file}',
            stream,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 40,
            fps: 10,
            barsize: 24,
          },
          Presets.shades_classic,
        );
        bar.start(withTotal ? (p.bytesTotal ?? 1) : 1, 0, payload(p));
      }
      const value = withTotal ? Math.min(p.bytesRead, p.bytesTotal ?? p.bytesRead) : 0;
      bar.update(value, payload(p));
    },
    stop() {
      bar?.stop();
    },
  };
}
