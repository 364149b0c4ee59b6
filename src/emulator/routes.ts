import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** The emulator's own control surface, under /_emulator. */
const emulatorRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/_emulator/health', { config: { public: true } }, async () => ({ status: 'ok' }));
};

export default emulatorRoutes;
