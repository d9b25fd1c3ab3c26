import { ApiErrorSchema } from '@kubetrail/model';

/** An error answered by the API (`{ error: { code, message, details } }`) or by the network. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Turns a failed response's body into an ApiError, whatever shape the body has. */
export function toApiError(status: number, bodyText: string): ApiError {
  let json: unknown = null;
  try {
    json = JSON.parse(bodyText);
  } catch {
    // not JSON: fall through to the generic message
  }
  const parsed = ApiErrorSchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(status, code, message, details);
  }
  const text = bodyText.trim().slice(0, 200);
  return new ApiError(status, `http_${status}`, text || `The server answered ${status}.`);
}

/**
 * Sent on every write: the server refuses state-changing requests without it (or a non-form
 * Content-Type), which a page of another site cannot send (apps/server http/requestOrigin.ts).
 */
export const WRITE_HEADERS: Readonly<Record<string, string>> = { 'X-Requested-By': 'kubetrail' };

type Query = Record<string, string | number | boolean | null | undefined>;

/** Builds `/api/...?a=1` skipping empty values, so URLs stay short and stable. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    params.set(k, v === true ? '1' : String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** GETs (or sends) JSON and validates the answer with a model schema. */
/** The part of a zod schema we use (the web app does not depend on zod directly). */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: unknown } };
}

export async function fetchJson<T>(url: string, schema: Schema<T>, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, ...init });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'The server cannot be reached. Is `kubetrail serve` running?');
  }
  const text = await res.text();
  if (!res.ok) throw toApiError(res.status, text);
  let json: unknown;
  try {
    const t0 = performance.now();
    json = JSON.parse(text);
    performance.measure('kubetrail:parse', { start: t0, end: performance.now(), detail: url });
  } catch {
    throw new ApiError(res.status, 'bad_response', 'The server answered with something that is not JSON.');
  }
  const t0 = performance.now();
  const parsed = schema.safeParse(json);
  performance.measure('kubetrail:validate', { start: t0, end: performance.now(), detail: url });
  if (!parsed.success) {
    throw new ApiError(
      res.status,
      'bad_response',
      'The server answered in an unexpected shape.',
      parsed.error.issues,
    );
  }
  return parsed.data;
}

/** Sends a request whose answer body we do not need (DELETE). */
export async function send(url: string, init: RequestInit): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...WRITE_HEADERS, ...init.headers } });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  }
  if (!res.ok) throw toApiError(res.status, await res.text());
}

/** A one-line message for any error, for error states. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
