import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow } from '../clock.js';
import { errors } from '../errors.js';
import { CLOSE_ALONE, faultBody, faultParams, NEEDS_EFFECT, NEEDS_STATUS } from './faults-schema.js';
import { toFault } from './faults-store.js';

/** The control API of injected faults (contract §9); the hooks that apply them are faults-hooks.ts. */
const faultsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { faults } = app;
  const body = faultBody((path) => faults.knowsPath(path));

  app.post('/_emulator/faults', { schema: { body } }, async (request, reply) => {
    const spec = request.body;
    if (spec.close && spec.status !== null) throw errors.paramInvalid('close', CLOSE_ALONE);
    if (spec.close && spec.error !== null) throw errors.paramInvalid('close', CLOSE_ALONE);
    if (spec.close && spec.retry_after !== null) throw errors.paramInvalid('close', CLOSE_ALONE);
    if (spec.status === null && spec.delay_ms === 0 && !spec.close) throw errors.paramMissing('status', NEEDS_EFFECT);
    if (spec.error !== null && spec.status === null) throw errors.paramInvalid('error', NEEDS_STATUS);
    if (spec.retry_after !== null && spec.status === null) throw errors.paramInvalid('retry_after', NEEDS_STATUS);
    const fault = faults.create(request.instance.id, instanceNow(request.instance), spec);
    return reply.code(201).send(toFault(fault));
  });

  app.get('/_emulator/faults', async (request) => {
    const list = faults.of(request.instance.id) ?? [];
    return { data: list.map(toFault), total_count: list.length };
  });

  app.delete('/_emulator/faults/:fault_id', { schema: { params: faultParams } }, async (request) => {
    const id = request.params.fault_id;
    if (!faults.remove(request.instance.id, id)) throw errors.faultNotFound(id);
    return { object: 'fault', id, deleted: true };
  });

  app.delete('/_emulator/faults', async (request) => ({
    object: 'faults',
    deleted: faults.clear(request.instance.id),
  }));
};

export default faultsRoutes;
