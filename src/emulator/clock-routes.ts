import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_TIME, realNow } from '../clock.js';
import { errors } from '../errors.js';
import { ADVANCE_EXPECTED, clockBody, EXACTLY_ONE } from './schemas.js';

export interface Clock {
  object: 'clock';
  now: number;
  offset_ms: number;
  real_now: number;
}

const clock = (offsetMs: number, real = realNow()): Clock => ({
  object: 'clock',
  now: real + offsetMs,
  offset_ms: offsetMs,
  real_now: real,
});

/**
 * The instance clock is an offset from real time (instances.clock_offset_ms): setting `now` fixes the
 * offset and time keeps flowing from there, so waits and timeouts in the code under test still behave.
 */
const clockRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/_emulator/clock', async (request) => clock(request.instance.clockOffsetMs));

  app.post('/_emulator/clock', { schema: { body: clockBody } }, async (request) => {
    const { now, advance_ms: advance } = request.body;
    if (now === undefined && advance === undefined) throw errors.paramMissing('now', EXACTLY_ONE);
    if (now !== undefined && advance !== undefined) throw errors.paramInvalid('advance_ms', EXACTLY_ONE);
    // null is a value for now (real time) and none for advance_ms.
    if (advance === null) throw errors.paramInvalid('advance_ms', ADVANCE_EXPECTED);
    const real = realNow();
    let offset = 0;
    if (now !== undefined && now !== null) offset = now - real;
    if (advance !== undefined) {
      const target = real + request.instance.clockOffsetMs + advance;
      if (target < 0 || target > MAX_TIME) {
        throw errors.paramInvalid(
          'advance_ms',
          `The clock would show ${target}; it must stay between 0 and ${MAX_TIME} (the year 9999).`,
        );
      }
      offset = request.instance.clockOffsetMs + advance;
    }
    app.instances.setClockOffset(request.instance.id, offset);
    // Retries due by the instance clock run now, not at the worker's next poll.
    app.webhooks.worker.wake();
    return clock(offset, real);
  });
};

export default clockRoutes;
