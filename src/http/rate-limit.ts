import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimits } from '../emulator/rate-limits-store.js';
import { errors } from '../errors.js';
import { isV1 } from './limits.js';

/** Retry-After as Clerk sends it: whole seconds, at least 1. */
export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * The onRequest hook, after auth, that counts each routed /v1 request of a keyed instance against its
 * profile's windows and refuses one over a limit with 429 before anything else runs.
 */
async function rateLimitHook(app: FastifyInstance): Promise<void> {
  const limits = new RateLimits(app.config.rateLimit);
  app.decorate('rateLimits', limits);
  // Callback style and the profile looked up first: with limits off this costs one map lookup.
  app.addHook('onRequest', (request, _reply, done) => {
    const instance = request.instance;
    // Keyed requests are /v1 or /_emulator (auth.ts); unrouted ones (404, 405) are not limited.
    if (instance === null || request.is404 || !isV1(request.url)) return done();
    const wait = limits.admit(instance, request.method === 'POST' ? request.routeOptions.url : undefined);
    if (wait === 0) return done();
    request.rateLimited = true;
    done(errors.tooManyRequests(retryAfterSeconds(wait)));
  });
}

export default fp(rateLimitHook, { name: 'rate-limit', dependencies: ['auth'] });
