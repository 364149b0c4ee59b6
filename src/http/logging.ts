import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import type { Config } from '../config.js';
import { stdoutStream } from './log-stream.js';

/** Logged request URLs never carry an invitation's ticket token. */
export const redactTicket = (url: string): string => url.replace(/([?&](?:__clerk_)?ticket=)[^&#]*/gi, '$1[redacted]');

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
