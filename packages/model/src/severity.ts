import { z } from 'zod';

/** Severities, ordered: a larger index is worse. Stored as the index (INTEGER). */
export const SEVERITIES = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const severityFromRank = (n: number): Severity => SEVERITIES[Math.max(0, Math.min(4, n))] ?? 'info';
