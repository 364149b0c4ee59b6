import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ResetStore } from './reset-store.js';

/** The emulator's own control surface, under /_emulator. */
const emulatorRoutes: FastifyPluginAsyncZod = async (app) => {
  const resets = new ResetStore(app.db);

  app.get('/_emulator/health', { config: { public: true } }, async () => ({ status: 'ok' }));

  app.post('/_emulator/reset', async (request) => ({ object: 'reset', ...resets.reset(request.instance.id) }));
};

export default emulatorRoutes;
