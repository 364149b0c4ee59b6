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
import { hostName, parseHost } from './hosts.js';

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

/**
 * The base URL the request was sent to, so that "Try it out" calls the server the page came from: PUBLIC_URL
 * when the request is for its host and port (it carries the scheme and path a proxy adds), else
 * http://<Host>, which the admission's Host check has already accepted.
 */
export function requestOrigin(host: string | undefined, publicUrl: string): string {
  const parsed = host ? parseHost(host) : undefined;
  if (parsed === undefined) return publicUrl;
  const base = new URL(publicUrl);
  if (parsed.name === hostName(base.hostname) && parsed.port === base.port) return publicUrl;
  return `http://${parsed.name}${parsed.port ? `:${parsed.port}` : ''}`;
}

/** The document as served: servers[0] is where this request was sent. */
function withServer(app: FastifyInstance, doc: OpenApiDocument, request: FastifyRequest): OpenApiDocument {
  return {
    ...doc,
    servers: [{ url: requestOrigin(request.headers.host, app.publicUrl), description: 'This emulator.' }],
  };
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
    transformSpecification: (doc, request) => withServer(app, doc as OpenApiDocument, request),
  });
  await ui.ready();
  return ui;
}

/** Hop-by-hop and framing headers of the inner reply, which this reply sets for itself. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);
/** The request headers the UI's routes read: Host for the document's server, the rest for caching. */
const FORWARDED = ['host', 'if-none-match', 'if-modified-since'] as const;

/** swagger-ui's own index.html would load without the page's configuration: its place redirects to the page. */
const TO_THE_PAGE = '<!doctype html><title>Moved</title><a href="../">The API reference</a>\n';

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
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // GET for HEAD too: Fastify drops the body of a HEAD reply itself and keeps its length.
    const res = await inner.inject({ method: 'GET', url: request.url, headers });
    // A name no file can have (a NUL, say) is refused with a 400 by the file server: no such file either.
    if (res.statusCode >= 400 && res.statusCode < 500) throw errors.routeNotFound();
    /* c8 ignore next 4 -- only an I/O error reading the package's own files gets here */
    if (res.statusCode >= 500) {
      request.log.error({ status: res.statusCode }, 'the docs UI failed');
      throw errors.internal();
    }
    for (const [name, value] of Object.entries(res.headers))
      if (!OWN_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    // A 304 has no body, and so no type (sending an empty Buffer would make it application/octet-stream).
    return reply.code(res.statusCode).send(res.rawPayload.length > 0 ? res.rawPayload : undefined);
  };
  scope.get('/docs', forward);
  scope.get('/docs/*', forward);
  const toThePage = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.code(302).header('location', '../').type('text/html; charset=utf-8').send(TO_THE_PAGE);
  scope.get('/docs/static/', toThePage);
  scope.get('/docs/static/index.html', toThePage);

  let parsed: Promise<OpenApiDocument> | undefined;
  const yaml = () => import('yaml');
  const document = async (request: FastifyRequest): Promise<OpenApiDocument> => {
    parsed ??= Promise.all([readFile(OPENAPI_PATH, 'utf8'), yaml()]).then(
      ([text, y]) => y.parse(text) as OpenApiDocument,
    );
    return withServer(scope, await parsed, request);
  };
  scope.get('/openapi.json', async (request, reply) => reply.type('application/json').send(await document(request)));
  scope.get('/openapi.yaml', async (request, reply) =>
    reply.type('application/yaml').send((await yaml()).stringify(await document(request))),
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
