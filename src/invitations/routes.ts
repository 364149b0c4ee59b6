import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { instanceNow } from '../clock.js';
import { batchWriter } from '../db/transactions.js';
import { ListReader } from './list/reader.js';
import { type DeletedInvitation, invitationJson } from './model.js';
import { bulkBody, createBody, invitationParams, listQuery } from './schemas.js';

/** Clerk's five invitation routes, mounted under /v1. */
const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { invitations, webhooks } = app;
  const lists = new ListReader(app.db);
  // Writes are group-committed: those of one event-loop turn share a transaction (see batchWriter).
  const write = batchWriter(app.db);

  // Responses are sent as invitationJson's text: the same bytes as serializing toInvitation's object.
  app.post('/invitations', { schema: { body: createBody } }, async (request, reply) => {
    const now = instanceNow(request.instance);
    const row = await write(() => {
      const created = invitations.create(request.instance.id, now, request.body);
      webhooks.emailsCreated(request.instance, [created], now);
      return created;
    });
    return reply.type('application/json').send(invitationJson(row, now, app.publicUrl));
  });

  app.post('/invitations/bulk', { schema: { body: bulkBody } }, async (request, reply) => {
    const now = instanceNow(request.instance);
    const rows = await write(() => {
      const created = invitations.createBulk(request.instance.id, now, request.body);
      webhooks.emailsCreated(request.instance, created, now);
      return created;
    });
    return reply
      .type('application/json')
      .send(`[${rows.map((row) => invitationJson(row, now, app.publicUrl)).join(',')}]`);
  });

  app.get('/invitations', { schema: { querystring: listQuery } }, async (request, reply) => {
    const body = lists.json(request.instance, instanceNow(request.instance), request.query, app.publicUrl);
    return reply.type('application/json').send(body);
  });

  app.post('/invitations/:invitation_id/revoke', { schema: { params: invitationParams } }, async (request, reply) => {
    const now = instanceNow(request.instance);
    const row = await write(() => invitations.revoke(request.instance.id, now, request.params.invitation_id));
    return reply.type('application/json').send(invitationJson(row, now, app.publicUrl));
  });

  app.delete(
    '/invitations/:invitation_id',
    { schema: { params: invitationParams } },
    async (request): Promise<DeletedInvitation> => {
      await write(() => invitations.delete(request.instance.id, request.params.invitation_id));
      return { object: 'invitation', id: request.params.invitation_id, deleted: true };
    },
  );
};

export default invitationRoutes;
