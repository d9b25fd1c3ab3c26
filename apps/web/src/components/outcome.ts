import { STAGE_LABELS } from '@kubetrail/model';
import type { Outcome, Request, StoppedAt, Target } from '@kubetrail/model';

export interface OutcomeView {
  outcome: Outcome;
  /** "complete", "rejected (403)", "stopped at Pods scheduled". */
  label: string;
  tone: 'ok' | 'bad' | 'warn';
}

/** The target whose stop point explains the request's outcome (the worst target, first). */
export function explainingTarget(req: Pick<Request, 'outcome' | 'targets'>): Target | null {
  return req.targets.find((t) => t.outcome === req.outcome && t.stoppedAt) ?? req.targets[0] ?? null;
}

export function stageLabel(stage: string): string {
  return (STAGE_LABELS as Record<string, string>)[stage] ?? stage;
}

/** The words of an outcome badge, per SPEC §7.3 ("stopped at Pods scheduled"). */
export function outcomeView(req: Pick<Request, 'outcome' | 'targets' | 'code'>): OutcomeView {
  const stopped: StoppedAt | null = explainingTarget(req)?.stoppedAt ?? null;
  switch (req.outcome) {
    case 'complete':
      return { outcome: 'complete', label: 'complete', tone: 'ok' };
    case 'rejected':
      return { outcome: 'rejected', label: req.code ? `rejected (${req.code})` : 'rejected', tone: 'bad' };
    case 'failed':
      return {
        outcome: 'failed',
        label: stopped ? `stopped at ${stageLabel(stopped.stage)}` : 'failed',
        tone: 'bad',
      };
    case 'incomplete':
      return {
        outcome: 'incomplete',
        label: stopped ? `incomplete at ${stageLabel(stopped.stage)}` : 'incomplete',
        tone: 'warn',
      };
  }
}
