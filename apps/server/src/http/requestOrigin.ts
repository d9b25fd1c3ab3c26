import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { AppError } from './appError.ts';

/**
 * The header the web app sends on every write. A page on another origin cannot send it (nor a
 * non-form Content-Type) without a CORS preflight, which this server never answers.
 */
export const WRITE_HEADER = 'X-Requested-By';

/** The names a local server always answers to, whatever `--host` says. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** Content types a page on another origin may send without a preflight (the CORS "simple" ones). */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Host`/`Origin` host name: lower case, no port, no brackets, no trailing dot. */
export function hostName(hostHeader: string): string {
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  else if (h.indexOf(':') === h.lastIndexOf(':')) h = h.replace(/:\d*$/, '');
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * The host names the server accepts: loopback, the address it was started on (`--host`, unless it
 * is a wildcard) and any `--allowed-host`. IP literals are always accepted: DNS rebinding needs a
 * name that an attacker's DNS points at this machine, and a page can only send a `Host` of this
 * machine's address when it was served from that address.
 */
export function allowedHostNames(bindHost: string | undefined, extra: readonly string[] = []): Set<string> {
  const names = new Set(LOOPBACK_HOSTS);
  if (bindHost && bindHost !== '0.0.0.0' && bindHost !== '::') names.add(hostName(bindHost));
  for (const h of extra) if (h.trim()) names.add(hostName(h));
  return names;
}

/**
 * Refuses requests that a foreign web page could make this server obey (SPEC §9):
 *
 * - any request whose `Host` is not one of {@link allowedHostNames} (DNS rebinding: a page of
 *   `attacker.example` whose name now resolves to 127.0.0.1);
 * - a state-changing request (anything but GET/HEAD/OPTIONS) whose `Origin` is not this server's
 *   own (or is `null`), or whose `Sec-Fetch-Site` says another site made it;
 * - a state-changing request that carries neither {@link WRITE_HEADER} nor a Content-Type other
 *   than the three a form can send: browsers only let a foreign page send those after a CORS
 *   preflight, which is never granted. curl and the OTLP exporters send a real Content-Type.
 *
 * Refusals are 403 with a JSON error that says what to do.
 */
export function requestOriginGuard(allowed: ReadonlySet<string>): RequestHandler {
  const list = [...allowed].join(', ');
  return (req, _res, next) => {
    const host = req.headers.host;
    if (host !== undefined) {
      const name = hostName(host);
      if (!allowed.has(name) && isIP(name) === 0)
        throw new AppError(
          403,
          'host_not_allowed',
          `this server answers to ${list} and IP addresses, not to the host name "${name}" (a guard against DNS rebinding); start it with --allowed-host ${name} to allow that name`,
        );
    }
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none')
      throw foreign(`the request was made by a page of another site (Sec-Fetch-Site: ${site})`);
    const origin = req.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, host))
      throw foreign(`the request comes from ${JSON.stringify(origin)}, not from this server's own pages`);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const marked = (req.headers[WRITE_HEADER.toLowerCase()] ?? '') !== '';
    if (!marked && (type === '' || SIMPLE_TYPES.has(type)))
      throw new AppError(
        403,
        'write_header_required',
        `a ${req.method} needs the header "${WRITE_HEADER}: kubetrail" or a Content-Type such as application/octet-stream (not ${type || 'none'}): a page of another site cannot send either`,
      );
    next();
  };
}

const foreign = (why: string): AppError =>
  new AppError(403, 'foreign_origin', `state-changing request refused: ${why}`);

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host.toLowerCase();
  } catch {
    return false;
  }
}
