import type { Request, Stage, StageStatus } from '@kubetrail/model';
import { formatDuration } from '../lib/format';
import { cleanLogText } from '../lib/ansi';
import { rfc3339ToOffset } from './time';

const ICON: Record<StageStatus, string> = { done: '✓', failed: '✗', pending: '·', skipped: '–' };

/** The stage ladder of each target: status, time after the request started, component, reason. */
export function StageLadder({
  request,
  origin,
  selected,
  onSelectStage,
}: {
  request: Request;
  origin: string;
  selected: number | null;
  onSelectStage: (stage: Stage) => void;
}) {
  const multi = request.targets.length > 1;
  return (
    <nav className="ladder" aria-labelledby="ladder-title">
      <h2 id="ladder-title">Stages</h2>
      {request.targets.length === 0 && <p className="muted">No target with a known ladder.</p>}
      <ol className="ladder-list" aria-label="Stage ladder">
        {request.targets.map((target, ti) => [
          multi && (
            <li key={`t${ti}`} className="ladder-target">
              {target.verb} {target.resource} {target.namespace ? `${target.namespace}/` : ''}
              {target.name}
            </li>
          ),
          ...target.stages.map((st) => {
            const off = rfc3339ToOffset(origin, st.at);
            const evidence = st.recordIds[0] ?? null;
            const isStop = target.stoppedAt?.stage === st.id;
            const current = evidence !== null && evidence === selected;
            // Done with no line of its own: a later stage shows it was passed.
            const implied = evidence === null && st.status === 'done';
            return (
              <li key={`${ti}-${st.id}`} className={`stage stage-${st.status}${isStop ? ' stage-stop' : ''}`}>
                <button
                  type="button"
                  className="stage-button"
                  disabled={evidence === null}
                  aria-current={current ? 'true' : undefined}
                  onClick={() => onSelectStage(st)}
                  title={evidence === null ? 'No evidence line' : 'Select the evidence line'}
                >
                  <span className="stage-icon" aria-hidden="true">
                    {ICON[st.status]}
                  </span>
                  <span className="visually-hidden">{st.status}: </span>
                  <span className="stage-main">
                    <span className="stage-label">{st.label}</span>
                    <span className="stage-meta">
                      {off !== null ? `+${formatDuration(off)}` : st.status}
                      {implied ? ' · implied' : st.component ? ` · ${st.component}` : ''}
                    </span>
                    {st.reason && (st.status === 'failed' || isStop) && (
                      <span className="stage-reason">{cleanLogText(st.reason)}</span>
                    )}
                    {st.reason && st.status === 'done' && !isStop && (
                      // How it was passed: "2 of 2 pods", "after 6 min of ErrImagePull (14 failures)".
                      <span className="stage-note" title={cleanLogText(st.reason)}>
                        {cleanLogText(st.reason)}
                      </span>
                    )}
                  </span>
                </button>
              </li>
            );
          }),
        ])}
      </ol>
    </nav>
  );
}
