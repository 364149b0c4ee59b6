import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow } from '../clock.js';
import { batchWriter } from '../db/transactions.js';
import { ListReader } from '../invitations/list/reader.js';
import { type DeletedInvitation, invitationJson } from '../invitations/model.js';
import { invitationParams, listQuery } from '../invitations/schemas.js';

/**
 * The dashboard's twins of Clerk's list, revoke and delete: the same query, store, objects and errors as
 * under /v1 (the list always paginated). Being outside /v1 they are never journaled, rate-limited or
 * faulted, so a person watching and acting on an instance leaves its journal, its limits and the faults
 * meant for the app under test as they were.
 */
const invitationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { invitations } = app;
  const lists = new ListReader(app.db);
  const write = batchWriter(app.db);

  app.get('/_emulator/invitations', { schema: { querystring: listQuery } }, async (request, reply) => {
    const query = { ...request.query, withTotal: true };
    const body = lists.json(request.instance, instanceNow(request.instance), query, app.publicUrl);
    return reply.type('application/json').send(body);
  });

  app.post(
    '/_emulator/invitations/:invitation_id/revoke',
    { schema: { params: invitationParams } },
    async (request, reply) => {
      const now = instanceNow(request.instance);
      const row = await write(() => invitations.revoke(request.instance.id, now, request.params.invitation_id));
      return reply.type('application/json').send(invitationJson(row, now, app.publicUrl));
    },
  );

  app.delete(
    '/_emulator/invitations/:invitation_id',
    { schema: { params: invitationParams } },
    async (request): Promise<DeletedInvitation> => {
      await write(() => invitations.delete(request.instance.id, request.params.invitation_id));
      return { object: 'invitation', id: request.params.invitation_id, deleted: true };
    },
  );
};

export default invitationsRoutes;
