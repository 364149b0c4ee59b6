import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { envelope, faultAnswer } from '../errors.js';
import { type Fault, FaultStore } from './faults-store.js';

/** Faults of `when: "after"` picked for a request in flight, applied when its answer is sent. */
const pending = new WeakMap<FastifyRequest, Fault>();

/** Runs next after the fault's delay, on a timer so the event loop and other requests go on meanwhile. */
const after = (ms: number, next: () => void): void => {
  if (ms > 0) setTimeout(next, ms);
  else next();
};

/** The fault's error envelope as the answer's body, with its status and headers set on the reply. */
function answer(request: FastifyRequest, reply: FastifyReply, fault: Fault): string {
  const clerk = faultAnswer(fault.status as number, fault.error, fault.retry_after);
  reply.removeHeader('retry-after');
  reply.code(clerk.statusCode).headers(clerk.headers).header('content-type', 'application/json');
  return JSON.stringify(envelope(clerk, request.id));
}

/** Destroys the connection with no answer, after the journal has recorded the request (status 0). */
function closeWithoutAnswer(request: FastifyRequest, reply: FastifyReply): void {
  request.server.journalClosed(request, reply);
  reply.raw.destroy();
}

/**
 * Applies the instance's faults to its keyed /v1 requests: `before` answers (or only delays) in place of the
 * route, `after` lets the route run and commit, then delays or replaces its answer; `close` destroys the
 * connection with no answer. Register after auth (and the rate limit), so request.instance is set.
 */
async function faultHooks(app: FastifyInstance): Promise<void> {
  const faults = new FaultStore();
  app.decorate('faults', faults);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && route.config?.public !== true) faults.addRoute(route.url);
  });

  // Callback style: a request of an instance without faults costs one map lookup and no promise.
  app.addHook('onRequest', (request, reply, done) => {
    const list = request.instance ? faults.of(request.instance.id) : undefined;
    if (list === undefined) return done();
    const pattern = faults.patternOf(request.routeOptions.url);
    const fault = pattern === undefined ? undefined : faults.pick(list, request.method, pattern);
    if (fault === undefined) return done();
    request.faultId = fault.id;
    request.log.debug({ fault_id: fault.id, when: fault.when }, 'fault injected');
    if (fault.when === 'after') {
      pending.set(request, fault);
      return done();
    }
    after(fault.delay_ms, () => {
      if (fault.close) closeWithoutAnswer(request, reply);
      else if (fault.status === null) done();
      else reply.send(answer(request, reply, fault));
    });
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const fault = request.faultId === null ? undefined : pending.get(request);
    if (fault === undefined) return done(null, payload);
    pending.delete(request);
    after(fault.delay_ms, () => {
      // The route's write is committed; destroying or replacing its answer is what loses it for the client.
      if (fault.close) closeWithoutAnswer(request, reply);
      else done(null, fault.status === null ? payload : answer(request, reply, fault));
    });
  });
}

export default fp(faultHooks, { name: 'faults' });
