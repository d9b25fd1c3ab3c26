import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CONTENT_SECURITY_POLICY } from './securityHeaders.ts';

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers or URL too large,
 * malformed request line) still get the API's JSON error shape and our security headers.
 */
export function onClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    error: {
      code: status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request',
      message: status === 431 ? 'request headers or URL too large' : 'malformed HTTP request',
    },
  });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `Content-Security-Policy: ${CONTENT_SECURITY_POLICY}`,
      'X-Content-Type-Options: nosniff',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

export const attachClientErrorHandler = (server: Server): Server => server.on('clientError', onClientError);
