import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactTicket } from './limits.js';

/**
 * One log line per request instead of Fastify's two ("incoming request", "request completed"): the
 * same facts (trace id, method, url, status, time) at half the cost on the hot path.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: redactTicket(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}
