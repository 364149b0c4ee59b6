import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors.js';
import { RATE_LIMIT_PROFILES } from './rate-limits-profiles.js';

const PROFILE_EXPECTED = `Expected one of ${RATE_LIMIT_PROFILES.join(', ')}.`;

const rateLimitsBody = z.preprocess(
  (b) => b ?? {},
  z.strictObject(
    { profile: z.enum(RATE_LIMIT_PROFILES, { error: PROFILE_EXPECTED }).optional() },
    { error: 'The request body must be a JSON object.' },
  ),
);

/** Reads and sets the instance's rate-limit profile; the limits themselves are counted by http/rate-limit.ts. */
const rateLimitsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/_emulator/rate-limits', async (request) => app.rateLimits.view(request.instance));

  app.post('/_emulator/rate-limits', { schema: { body: rateLimitsBody } }, async (request) => {
    const { profile } = request.body;
    // A missing key is reported here: zod reports a missing enum value as an invalid one.
    if (profile === undefined) throw errors.paramMissing('profile');
    app.rateLimits.setProfile(request.instance.id, profile);
    return app.rateLimits.view(request.instance);
  });
};

export default rateLimitsRoutes;
