import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';

/** openapi.yaml at the package root: two levels up from both src/http and dist/http. */
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

/** The UI (@fastify/swagger-ui and its static files) in an app of its own, built on the first /docs request. */
async function buildUi(app: FastifyInstance): Promise<FastifyInstance> {
  const [{ default: fastifySwagger }, { default: fastifySwaggerUi }] = await Promise.all([
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const ui = Fastify({ logger: false });
  await ui.register(fastifySwagger, {
    mode: 'static',
    specification: { path: OPENAPI_PATH, baseDir: dirname(OPENAPI_PATH) },
  });
  await ui.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, displayOperationId: false, tryItOutEnabled: false },
    theme: { title: 'clerk-invitations-mock API' },
    transformSpecificationClone: false,
    transformSpecification: (doc) => withServer(app, doc as OpenApiDocument),
  });
  await ui.ready();
  return ui;
}

/** Hop-by-hop and framing headers of the inner reply, which this reply sets for itself. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

// Loaded on first use, not at start: the UI and the YAML parser are most of the start-up time and memory.
const docsRoutes: FastifyPluginAsync = async (scope) => {
  // The docs are for reading in a browser: no bearer key.
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });

  let ui: Promise<FastifyInstance> | undefined;
  scope.addHook('onClose', async () => {
    if (ui) await (await ui).close();
  });
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= buildUi(scope);
    const inner = await ui;
    // GET for HEAD too: Fastify drops the body of a HEAD reply itself and keeps its length.
    const res = await inner.inject({ method: 'GET', url: request.url, headers: request.headers });
    if (res.statusCode === 404) throw errors.routeNotFound();
    for (const [name, value] of Object.entries(res.headers))
      if (!OWN_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  scope.get('/docs', forward);
  scope.get('/docs/*', forward);

  let parsed: Promise<OpenApiDocument> | undefined;
  const yaml = () => import('yaml');
  const document = async (): Promise<OpenApiDocument> => {
    parsed ??= Promise.all([readFile(OPENAPI_PATH, 'utf8'), yaml()]).then(
      ([text, y]) => y.parse(text) as OpenApiDocument,
    );
    return withServer(scope, await parsed);
  };
  scope.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(await document()));
  scope.get('/openapi.yaml', async (_request, reply) =>
    reply.type('application/yaml').send((await yaml()).stringify(await document())),
  );
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
