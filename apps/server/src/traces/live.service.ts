import { correlate } from '@kubetrail/correlate';
import type { FileInfo, IngestReport } from '@kubetrail/model';
import { otlpSpans, redactSpans } from '@kubetrail/parsers';
import type { Store } from '@kubetrail/store';
import { emptyReport } from '@kubetrail/ingest';

/** The bundle the live receiver writes into (a fixed id, so permalinks to it keep working). */
export const LIVE_BUNDLE_ID = 'live';

export interface ReceiveResult {
  accepted: number;
  rejected: number;
  /** Why spans were rejected (first few), for partialSuccess.errorMessage. */
  errorMessage: string;
}

/**
 * The live OTLP receiver's bundle: spans are appended batch by batch, and correlation for the
 * bundle re-runs `debounceMs` (default 500 ms) after the last batch, so a burst of exports costs
 * one pass, not one per request.
 */
export class LiveTraces {
  private timer: NodeJS.Timeout | null = null;
  private batches = 0;

  constructor(
    private readonly store: Store,
    private readonly debounceMs = 500,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Creates the `live` bundle (status ready) on first use; a failed one is replaced. */
  private ensureBundle(): void {
    const b = this.store.getBundle(LIVE_BUNDLE_ID);
    if (b && b.status !== 'failed') return;
    this.store.beginBundle({ id: LIVE_BUNDLE_ID, name: 'live', sizeBytes: 0 });
    this.store.finishBundle(LIVE_BUNDLE_ID, emptyReport());
  }

  /** Stores the spans of one OTLP/JSON export request; invalid spans are counted, not stored. */
  receive(doc: Record<string, unknown>): ReceiveResult {
    const problems: string[] = [];
    // Redacted before they are stored, like every span and record of a bundle.
    const spans = redactSpans(otlpSpans(doc, problems));
    if (spans.length > 0) {
      this.ensureBundle();
      const info: FileInfo = {
        path: `otlp-http/batch-${Date.now()}-${++this.batches}.json`,
        format: 'otlp',
        wrapper: 'none',
        component: null,
        node: null,
        timeRule: 'none',
      };
      this.store.appendSpans(LIVE_BUNDLE_ID, info, spans);
      this.schedule();
    }
    return {
      accepted: spans.length,
      rejected: problems.length,
      errorMessage:
        problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; … ${problems.length - 3} more` : ''),
    };
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.correlateNow();
      } catch (err) {
        this.onError(err);
      }
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Runs a pending correlation now (tests, shutdown). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.correlateNow();
  }

  /** Correlates the live bundle's spans and refreshes its report (span and request counts). */
  correlateNow(): number {
    const source = this.store.correlationSource(LIVE_BUNDLE_ID);
    let requests: number;
    let spans = 0;
    try {
      requests = this.store.saveCorrelation(LIVE_BUNDLE_ID, (sink) => correlate(source, sink));
      for (const _span of source.spans()) spans++;
    } finally {
      source.close();
    }
    const report: IngestReport = this.store.getBundle(LIVE_BUNDLE_ID)?.report ?? emptyReport();
    report.totals.spans = spans;
    report.totals.requests = requests;
    this.store.finishBundle(LIVE_BUNDLE_ID, report);
    return requests;
  }
}
