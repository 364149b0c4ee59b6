import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import acceptRoutes from './accept-routes.js';
import { AcceptStore } from './accept-store.js';
import clockRoutes from './clock-routes.js';
import faultsRoutes from './faults-routes.js';
import invitationsRoutes from './invitations-routes.js';
import journalRoutes from './journal-routes.js';
import outboxRoutes from './outbox-routes.js';
import { OutboxStore } from './outbox-store.js';
import rateLimitsRoutes from './rate-limits-routes.js';
import { ResetStore } from './reset-store.js';
import ticketPage from './ticket-page.js';
import uiRoutes from './ui-routes.js';
import usersRoutes from './users-routes.js';
import { UserStore } from './users-store.js';
import webhooksRoutes from './webhooks-routes.js';

/** The emulator's own control surface, under /_emulator, its dashboard, and the invitation link's page. */
const emulatorRoutes: FastifyPluginAsyncZod = async (app) => {
  const resets = new ResetStore(app.db, app.webhooks);
  const users = new UserStore(app.db);
  const accepts = new AcceptStore(app.db, users, app.webhooks);

  app.get('/_emulator/health', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.post('/_emulator/reset', async (request) => {
    const counts = resets.reset(request.instance.id);
    app.journal.clear(request.instance.id);
    app.rateLimits.reset(request.instance.id);
    app.faults.clear(request.instance.id);
    return { object: 'reset', ...counts };
  });

  await app.register(usersRoutes, { users });
  await app.register(outboxRoutes, { outbox: new OutboxStore(app.db, () => app.publicUrl) });
  await app.register(clockRoutes);
  await app.register(journalRoutes, { journal: app.journal });
  await app.register(acceptRoutes, { accepts });
  await app.register(ticketPage, { accepts });
  await app.register(rateLimitsRoutes);
  await app.register(faultsRoutes);
  await app.register(invitationsRoutes);
  await app.register(uiRoutes);
  await app.register(webhooksRoutes);
};

export default emulatorRoutes;
