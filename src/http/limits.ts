import { errors } from '../errors.js';

/** What one request may carry; the README's "Limits" list documents each. */
export const LIMITS = {
  bodyBytes: 1024 * 1024,
  urlChars: 8192,
  queryParams: 100,
  /** Node's own http limit on the request line plus headers; past it Node refuses before Fastify runs. */
  headerBytes: 16 * 1024,
  /** Node's requestTimeout: the whole request, headers and body, arrives within this, else 408 and the socket closes. */
  requestMs: 30_000,
  /** Node's headersTimeout: the request line and headers arrive within this, else 408 and the socket closes. */
  headersMs: 10_000,
  /** How often Node looks for requests past either timeout, so a timeout fires at most this much late. */
  timeoutCheckMs: 1_000,
  /** Arrays and objects nested in a JSON body, counted before parsing so a deep body costs one short scan. */
  jsonDepth: 64,
} as const;

/** Whether a request URL is under /v1, Clerk's API (the ticket link included). */
export const isV1 = (url: string): boolean => url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?');

/** The path part of a request URL. */
export const pathOf = (url: string): string => url.split('?')[0] ?? '';

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
