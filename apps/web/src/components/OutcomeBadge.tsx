import type { Request } from '@kubetrail/model';
import { outcomeView } from './outcome';

export function OutcomeBadge({ request }: { request: Pick<Request, 'outcome' | 'targets' | 'code'> }) {
  const v = outcomeView(request);
  return (
    <span className={`badge badge-${v.tone}`} data-outcome={v.outcome}>
      {v.label}
    </span>
  );
}
