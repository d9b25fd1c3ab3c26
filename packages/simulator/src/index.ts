export { generateBundle, runBundle } from './bundle.ts';
export type { BundleOptions, BundleSink, SimBundle } from './bundle.ts';
export { renderBundle, writeBundleDir, writeBundleTarGz, writeTruth } from './write.ts';
export type { RenderedBundle, WriteOptions } from './write.ts';
export { demoBundle, benchBundle, realShapesBundle } from './presets.ts';
export {
  MODIFIER_SCENARIOS,
  OP_SCENARIOS,
  REAL_SHAPE_MODIFIERS,
  REAL_SHAPE_SCENARIOS,
  SCENARIOS,
} from './scenarios.ts';
export type {
  OpScenarioName,
  RealShapeScenarioName,
  RunnableScenarioName,
  ScenarioName,
} from './scenarios.ts';
export { truthForLine, truthLines } from './truth.ts';
export type { BundleTruth, FileTruth, LineTruth, OpTruth } from './truth.ts';
export { AUDIT_PATH, EVENTS_PATH } from './epoch.ts';
export type { AuditLevel } from './epoch.ts';
export type { LogFormat } from './klog.ts';
export { CONTROL_PLANE, K8S_VERSION } from './cluster.ts';
