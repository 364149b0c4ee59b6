import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { instanceNow } from '../clock.js';
import { isV1 } from '../http/limits.js';
import { keepPayload, keepText } from './journal-entry.js';
import type { JournalStore } from './journal-store.js';

/**
 * Records every answered /v1 request that authenticated to an instance. The hot path only takes references
 * (the payload text, the body text) and checks sizes; parsing and redaction wait until the journal is read.
 * Registered after the other hooks, so that it sees the final payload, status, fault and rate limit.
 */
async function journalHooks(app: FastifyInstance, { journal }: { journal: JournalStore }): Promise<void> {
  const record = (request: FastifyRequest, reply: FastifyReply, status: number, payload: unknown): void => {
    const instance = request.instance;
    if (!instance || !isV1(request.url)) return;
    const durationMs = reply.elapsedTime;
    const text = request.bodyText;
    journal.record(instance.id, {
      id: request.id,
      method: request.method,
      url: request.url,
      status,
      durationMs,
      createdAt: Math.round(instanceNow(instance) - durationMs),
      requestBody: text === null ? null : keepText(text),
      responseBody: keepPayload(payload),
      faultId: request.faultId,
      rateLimited: request.rateLimited,
    });
  };
  // A connection a fault closes has no answer, and Fastify then runs no onResponse: recorded as status 0.
  app.decorate('journalClosed', (request: FastifyRequest, reply: FastifyReply) => {
    if (journal.perInstance > 0) record(request, reply, 0, null);
  });
  if (journal.perInstance === 0) return;
  app.addHook('onSend', (request, _reply, payload, done) => {
    request.sentPayload = payload;
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    record(request, reply, reply.statusCode, request.sentPayload);
    done();
  });
}

export default fp(journalHooks, { name: 'journal-hooks' });
