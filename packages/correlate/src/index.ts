export { correlate } from './correlate.ts';
export type { CorrelateOptions, FilePod } from './context.ts';
export { memorySource, collectingSink } from './memorySource.ts';
export type { CollectingSink } from './memorySource.ts';
