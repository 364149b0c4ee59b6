import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import pino from 'pino';
import type { Config } from '../config.js';
import { stdoutStream } from './log-stream.js';

// "ticket" or "tickets" with any letter percent-encoded (once or more) in either case; the flag i covers the case of letters and hex digits.
const hex = (c: string): string => c.charCodeAt(0).toString(16);
const spell = (word: string): string =>
  [...word].map((c) => `(?:${c}|%(?:25)*(?:${hex(c)}|${hex(c.toUpperCase())}))`).join('');
const WORD = `${spell('ticket')}(?:${spell('s')})?`;
const SLASH = '(?:/|%(?:25)*2f)';
/**
 * A ticket in a URL: the value of a parameter ending in "ticket" (?, &, ;, __clerk_ticket, an encoded "="), or
 * the path after a "tickets" segment, except the link's own route /tickets/accept; whitespace ends it, as in a message.
 */
const TICKET_IN_URL = new RegExp(
  `(${WORD}(?:=|%(?:25)*3d))[^&;#\\s]*|(${WORD}${SLASH}(?:accept${SLASH})?)(?!accept(?:[?#;\\s]|$))[^?#;\\s]+`,
  'gi',
);

/** The text with every ticket token cut out of the URLs in it: the one redaction of tickets for the logs. */
export const redactTicket = (text: string): string =>
  text.replace(TICKET_IN_URL, (_match, param?: string, path?: string) => `${param ?? path}[redacted]`);

/**
 * A copy of a value with every string and key passed through redactTicket, its objects without a prototype
 * (a "__proto__" key stays a key); a level past maxDepth is cut, so a circular value ends.
 */
export function redactValue(v: unknown, maxDepth = Number.POSITIVE_INFINITY, depth = 0): unknown {
  if (typeof v === 'string') return redactTicket(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= maxDepth) return '[too deep]';
  if (Array.isArray(v)) return v.map((x) => redactValue(x, maxDepth, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, x] of Object.entries(v)) out[redactTicket(k)] = redactValue(x, maxDepth, depth + 1);
  return out;
}

/** Error logs (messages, stacks, causes) with tickets cut; serialised errors are shallow, so 8 levels are kept. */
const redactLogged = (v: unknown): unknown => redactValue(v, 8);

/**
 * One info line per request, written when it is answered, with what Fastify's two lines carry (Fastify's
 * "incoming request" line costs as much again, BENCHMARKS.md); the arrival line is kept at debug.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(err: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (err) reply.log.error({ req: request, res: reply, err, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * The caller's logger options (level, stream…) with our request serializer on top: it keeps secrets out of
 * the logs (no headers, so no key; the ticket cut out of URLs) whatever else is logged, and costs less than
 * pino's `redact` of a path it never writes.
 */
export function loggerOptions(
  config: Config,
  given: FastifyServerOptions['logger'],
): NonNullable<FastifyServerOptions['logger']> {
  if (given === false) return false;
  const options = typeof given === 'object' ? given : {};
  return {
    level: config.logLevel,
    ...(options.stream === undefined && options.file === undefined ? { stream: stdoutStream() } : {}),
    ...options,
    serializers: {
      ...options.serializers,
      // Error messages and causes may quote a URL (a client's or a library's): the ticket is cut there too.
      err: (err: Error) => redactLogged(pino.stdSerializers.err(err)) as ReturnType<typeof pino.stdSerializers.err>,
      cause: redactLogged,
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactTicket(req.url),
        host: req.host,
        remoteAddress: req.ip,
        ...(req.socket.remotePort !== undefined ? { remotePort: req.socket.remotePort } : {}),
      }),
    },
  };
}
