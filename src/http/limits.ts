import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { envelope, errors, type ClerkError } from './errors.js';
import { traceId } from './ids.js';

/** What one request may carry; the README's "Limits" list documents each. */
export const LIMITS = {
  bodyBytes: 1024 * 1024,
  urlChars: 8192,
  queryParams: 100,
  /** Node's own http limit on the request line plus headers; past it Node refuses before Fastify runs. */
  headerBytes: 16 * 1024,
} as const;

/** Rejects an over-long URL or an over-long query before anything parses or authenticates it. */
export function checkUrl(url: string): void {
  if (url.length > LIMITS.urlChars) throw errors.urlTooLong(LIMITS.urlChars);
  const start = url.indexOf('?');
  if (start === -1) return;
  // Non-empty parts between '&'s, counted in place: this runs on every request.
  let params = 0;
  for (let from = start + 1; from <= url.length; ) {
    const amp = url.indexOf('&', from);
    const end = amp === -1 ? url.length : amp;
    if (end > from && ++params > LIMITS.queryParams) throw errors.tooManyQueryParams(LIMITS.queryParams);
    from = end + 1;
  }
}

function clientError(code: string | undefined): ClerkError {
  if (code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge(LIMITS.headerBytes);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.requestTimeout();
  return errors.badRequest();
}

/**
 * Answers what Node's parser refused (headers over 16 KiB, malformed HTTP) in the Clerk envelope.
 * Fastify's default logs the error itself at trace, and its rawPacket holds the request's headers,
 * bearer key included: only the code is logged here.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const clerk = clientError(err.code);
  const id = traceId();
  this.log.debug({ reqId: id, code: err.code }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(envelope(clerk, id));
    const head = [
      `HTTP/1.1 ${clerk.statusCode} ${STATUS_CODES[clerk.statusCode] ?? ''}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}

/** Logged request URLs never carry an invitation's ticket token. */
export const redactTicket = (url: string): string => url.replace(/([?&](?:__clerk_)?ticket=)[^&#]*/gi, '$1[redacted]');
