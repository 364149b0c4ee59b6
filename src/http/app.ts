import type { Server } from 'node:http';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { type InstanceState, InstanceStore } from '../db/instances.js';
import { closeDatabase, openDatabase } from '../db/open.js';
import faults from '../emulator/faults-hooks.js';
import journalHooks from '../emulator/journal-hooks.js';
import { JournalStore } from '../emulator/journal-store.js';
import emulatorRoutes from '../emulator/routes.js';
import { Webhooks } from '../emulator/webhooks.js';
import { newSecret } from '../emulator/webhooks-signing.js';
import { traceId } from '../ids.js';
import invitationRoutes from '../invitations/routes.js';
import { InvitationStore } from '../invitations/store.js';
import { loadSeed } from '../seed/load.js';
import auth, { createAdmission } from './auth.js';
import body from './body.js';
import { compilersFactory } from './compilers.js';
import docs from './docs.js';
import { LIMITS } from './limits.js';
import { loggerOptions, OneLinePerRequest } from './logging.js';
import rateLimit from './rate-limit.js';
import replies, { clientErrorHandler, frameworkErrors } from './replies.js';
import './decorations.js';

export type App = FastifyInstance;

/** The app: its database (migrated and seeded), then Clerk's request rules, then the routes. */
export async function buildApp(config: Config, options: FastifyHttpOptions<Server> = {}): Promise<FastifyInstance> {
  const db = openDatabase(config.databasePath);
  const seeded = loadSeed(db, config);
  const instances = new InstanceStore(db);
  const admit = createAdmission(instances, config);
  const { logger, ...rest } = options;
  const app = Fastify({
    logger: loggerOptions(config, logger),
    logController: new OneLinePerRequest(),
    genReqId: traceId,
    requestIdHeader: false,
    bodyLimit: LIMITS.bodyBytes,
    // Fastify's default of 0 turns Node's requestTimeout off, so a body that never ends would hold its socket forever.
    requestTimeout: LIMITS.requestMs,
    http: { headersTimeout: LIMITS.headersMs, connectionsCheckingInterval: LIMITS.timeoutCheckMs },
    clientErrorHandler,
    frameworkErrors: frameworkErrors(admit),
    // Requests already on a keep-alive connection while stopping are served, not given Fastify's non-Clerk 503.
    return503OnClosing: false,
    schemaController: { compilersFactory },
    ...rest,
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('instances', instances);
  app.decorate('invitations', new InvitationStore(db));
  app.decorate('publicUrl', config.publicUrl ?? `http://localhost:${config.port}`);
  app.decorate('journal', new JournalStore(config.journalSize));
  const webhooks = new Webhooks(
    db,
    { url: config.webhookUrl, secret: config.webhookSecret ?? newSecret() },
    () => app.publicUrl,
    app.log,
  );
  app.decorate('webhooks', webhooks);
  app.decorateRequest('instance', null as unknown as InstanceState);
  app.decorateRequest('rateLimited', false);
  app.decorateRequest('faultId', null);
  app.decorateRequest('bodyText', null);
  app.decorateRequest('sentPayload', null);
  webhooks.worker.start();
  // Before the database closes: what is in flight is given back to the queue, for the next start.
  app.addHook('preClose', () => webhooks.worker.stop());
  app.addHook('onClose', async () => {
    instances.close();
    const failed = closeDatabase(db);
    // One line, no stack: stopping still succeeds, and nothing committed is lost.
    if (failed)
      app.log.warn(
        { code: (failed as { code?: unknown }).code },
        `the database could not be checkpointed at close (${failed.message}); its WAL is kept and replayed at the next start`,
      );
  });
  if (seeded) app.log.info({ seed_file: config.seedFile, ...seeded }, 'seed loaded');

  // Error and 404 handlers and root hooks before the routes, or those routes keep Fastify's defaults.
  await app.register(replies);
  await app.register(body);
  await app.register(auth, { admit });
  await app.register(rateLimit);
  await app.register(faults);
  await app.register(journalHooks, { journal: app.journal });
  await app.register(docs);
  await app.register(invitationRoutes, { prefix: '/v1' });
  await app.register(emulatorRoutes);
  return app;
}
