import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import yaml from 'yaml';

/** openapi.yaml at the package root: two levels up from both src/plugins and dist/plugins. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves (HEAD included), in registration order: what openapi.yaml must describe. */
    routeList: RouteEntry[];
  }
}

/** The routes that serve the document and its UI, which the document does not describe. */
export const isDocsRoute = (url: string): boolean =>
  url === '/openapi.json' || url === '/openapi.yaml' || url === '/docs' || url.startsWith('/docs/');

type OpenApiDocument = Record<string, unknown>;

/** The document as served: servers[0] is this server's public URL, known only once it listens. */
function withServer(app: FastifyInstance, doc: OpenApiDocument): OpenApiDocument {
  return { ...doc, servers: [{ url: app.publicUrl, description: 'This emulator.' }] };
}

const docsRoutes: FastifyPluginAsync = async (scope) => {
  // The docs are for reading in a browser: no bearer key.
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });

  await scope.register(fastifySwagger, { mode: 'static', specification: { path: OPENAPI_PATH, baseDir: dirname(OPENAPI_PATH) } });
  const document = (): OpenApiDocument => withServer(scope, scope.swagger() as unknown as OpenApiDocument);

  await scope.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, displayOperationId: false, tryItOutEnabled: false },
    theme: { title: 'clerk-invitations-mock API' },
    transformSpecificationClone: false,
    transformSpecification: (doc) => withServer(scope, doc as OpenApiDocument),
  });

  scope.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(document()));
  scope.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(yaml.stringify(document())));
};

/**
 * Serves openapi.yaml at /openapi.json, /openapi.yaml and as a browsable UI at /docs, and records every
 * route registered after it in app.routeList, so a test can hold the document and the routes together.
 * Register it before the route plugins.
 */
const docs: FastifyPluginAsync = async (app) => {
  const routes: RouteEntry[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.register(docsRoutes);
};

export default fp(docs, { name: 'docs' });
