import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { OutboxStore } from './outbox-store.js';
import { outboxQuery } from './schemas.js';

/** The instance's outbox: what a test reads instead of a mailbox to find the invitation link. */
const outboxRoutes: FastifyPluginAsyncZod<{ outbox: OutboxStore }> = async (app, { outbox }) => {
  app.get('/_emulator/emails', { schema: { querystring: outboxQuery } }, async (request) => {
    const { data, total } = outbox.list(request.instance.id, request.query);
    return { data, total_count: total };
  });
};

export default outboxRoutes;
