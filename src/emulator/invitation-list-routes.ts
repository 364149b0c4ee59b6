import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow } from '../clock.js';
import { ListReader } from '../invitations/list/reader.js';
import { listQuery } from '../invitations/schemas.js';

/**
 * GET /_emulator/invitations: the list of GET /v1/invitations (same query, same order, same objects), always
 * paginated. Being outside /v1 it is never journaled, rate-limited or faulted, so the dashboard can poll it
 * without filling the instance's journal, using up its limits or taking a fault meant for the app under test.
 */
const invitationListRoutes: FastifyPluginAsyncZod = async (app) => {
  const lists = new ListReader(app.db);
  app.get('/_emulator/invitations', { schema: { querystring: listQuery } }, async (request, reply) => {
    const query = { ...request.query, withTotal: true };
    const body = lists.json(request.instance, instanceNow(request.instance), query, app.publicUrl);
    return reply.type('application/json').send(body);
  });
};

export default invitationListRoutes;
