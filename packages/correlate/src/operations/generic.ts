import { apiStage } from '../stages.ts';
import type { OperationSpec } from './spec.ts';

/** Any other change (a ConfigMap, a Secret, a Service…): judged on its API call. */
export const generic: OperationSpec = {
  operation: 'generic',
  kind: '*',
  verb: 'update',
  resource: 'objects',
  owns: [],
  stages: ['api-accepted'],
  ladder: (op) => [apiStage(op)],
};
