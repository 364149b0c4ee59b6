import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { InstanceStore, type InstanceState } from './db/instances.js';
import { closeDatabase, openDatabase, type DB } from './db/open.js';
import emulatorRoutes from './emulator/routes.js';
import { ClerkError, envelope, errors, toClerkError } from './errors.js';
import { traceId } from './ids.js';
import invitationRoutes from './invitations/routes.js';
import { checkUrl, clientErrorHandler, LIMITS, redactTicket } from './limits.js';
import { InvitationStore } from './invitations/store.js';
import { createAuthenticator } from './plugins/auth.js';
import docs from './plugins/docs.js';
import { stdoutStream } from './log-stream.js';
import { loadSeed } from './seed.js';
import { clerkValidatorCompiler } from './validation.js';

export const BODY_LIMIT = LIMITS.bodyBytes;

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: DB;
    instances: InstanceStore;
    invitations: InvitationStore;
    /** Base of invitation links; set from the listening address when PUBLIC_URL is not configured. */
    publicUrl: string;
  }
  interface FastifyRequest {
    instance: InstanceState;
  }
  interface FastifyContextConfig {
    /** No bearer key needed (health, the ticket link, docs). */
    public?: boolean;
  }
}

export type App = FastifyInstance;

/** Paths of routes, kept so that a known path with the wrong method answers 405, not 404. */
function routeIndex(app: FastifyInstance) {
  // Keyed by the pattern text (RegExp.prototype.source escapes "/", so it cannot be compared with it).
  const routes = new Map<string, { pattern: RegExp; methods: string[] }>();
  app.addHook('onRoute', (r) => {
    const source = '^' + r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+') + '$';
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const entry = routes.get(source) ?? { pattern: new RegExp(source), methods: [] };
    entry.methods.push(...methods);
    routes.set(source, entry);
  });
  // A path can match several patterns (/v1/invitations/bulk is also /v1/invitations/:id).
  return (path: string): string[] =>
    [...new Set([...routes.values()].filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))];
}

const needsKey = (path: string): boolean =>
  path === '/v1' || path.startsWith('/v1/') || path === '/_emulator' || path.startsWith('/_emulator/');

/**
 * One info line per request, written when it is answered, with what Fastify's two lines carried (Fastify's
 * "incoming request" line costs as much again: a third of a cached list's time). The arrival line is kept at debug.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(err: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (err) reply.log.error({ req: request, res: reply, err, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * The caller's logger options (level, stream…) with our request serializer on top: it is what keeps
 * secrets out of the logs (no headers, so no key; the ticket cut out of URLs), whatever else is logged.
 * (pino's `redact` of req.headers.authorization was a sixth of a request's logging cost, for a path
 * this serializer never writes.)
 */
function loggerOptions(config: Config, given: FastifyServerOptions['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (given === false) return false;
  const options = typeof given === 'object' ? given : {};
  return {
    level: config.logLevel,
    ...(options.stream === undefined && options.file === undefined ? { stream: stdoutStream() } : {}),
    ...options,
    serializers: {
      ...options.serializers,
      req: (req: FastifyRequest) => ({
        method: req.method, url: redactTicket(req.url), host: req.host, remoteAddress: req.ip,
        ...(req.socket.remotePort !== undefined ? { remotePort: req.socket.remotePort } : {}),
      }),
    },
  };
}

export async function buildApp(config: Config, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const db = openDatabase(config.databasePath);
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const seeded = loadSeed(db, config);
  const { logger, ...rest } = options;
  const app = Fastify({
    logger: loggerOptions(config, logger),
    genReqId: traceId,
    logController: new OneLinePerRequest(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT,
    clientErrorHandler,
    // Requests already on a keep-alive connection while stopping are served, not given Fastify's non-Clerk 503.
    return503OnClosing: false,
    // A malformed percent-encoding or an over-long path parameter is answered before routing and hooks:
    // check the URL and authenticate here too, then answer in the envelope, as for any unknown resource.
    frameworkErrors: (err, request, reply) => {
      let clerk = errors.routeNotFound();
      try {
        checkUrl(request.url);
        if (needsKey(request.url.split('?')[0] ?? '')) authenticate(request);
      } catch (authError) {
        clerk = toClerkError(authError, BODY_LIMIT);
      }
      request.log.info({ code: clerk.item.code, cause: err.code }, 'request rejected');
      // A Buffer, because these replies skip the onSend hook that drops Fastify's "; charset=utf-8".
      void (reply as unknown as FastifyReply).code(clerk.statusCode).headers(clerk.headers).header('content-type', 'application/json')
        .send(Buffer.from(JSON.stringify(envelope(clerk, request.id))));
    },
    ...rest,
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('config', config);
  app.decorate('db', db);
  app.decorate('publicUrl', publicUrl);
  app.decorate('instances', new InstanceStore(db));
  app.decorate('invitations', new InvitationStore(db));
  app.decorateRequest('instance', null as unknown as InstanceState);
  app.addHook('onClose', async () => {
    app.instances.close();
    closeDatabase(db);
  });
  if (seeded) app.log.info({ seed_file: config.seedFile, ...seeded }, 'seed loaded');

  app.setValidatorCompiler(clerkValidatorCompiler);
  app.removeAllContentTypeParsers();
  // Fastify's own parser, which refuses __proto__ and constructor.prototype keys (they would vanish from metadata).
  const secureJson = app.getDefaultJsonParser('error', 'error');
  // Clients send Content-Type: application/json with an empty body on revoke: that is no body, not bad JSON.
  const jsonParser = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    secureJson(req, text, (err, parsed) => done(err ? errors.bodyInvalid() : null, parsed));
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser);
  app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: 'string' }, jsonParser);
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    done(errors.bodyInvalid('The request body must be JSON, sent with Content-Type: application/json.'), undefined);
  });

  const allowedMethods = routeIndex(app);
  const authenticate = createAuthenticator(app.instances, config.secretKeys);
  // Callback-style hooks: no promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      checkUrl(request.url);
      if (request.routeOptions.config.public) return done();
      if (request.is404 && !needsKey(request.url.split('?')[0] ?? '')) return done();
      request.instance = authenticate(request);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });

  // Keep-alive connections of requests in flight at close would otherwise hold the server open until they time out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  // Fastify adds "; charset=utf-8"; @clerk/backend only parses an exact "application/json".
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((err, request, reply) => {
    const clerk = toClerkError(err, BODY_LIMIT);
    if (clerk.statusCode >= 500) request.log.error({ err }, 'unexpected error');
    else if (!(err instanceof ClerkError)) request.log.info({ code: clerk.item.code, cause: (err as Error).message }, 'request rejected');
    return reply.code(clerk.statusCode).headers(clerk.headers).type('application/json').send(envelope(clerk, request.id));
  });

  app.setNotFoundHandler(async (request) => {
    const allow = allowedMethods(request.url.split('?')[0] ?? '');
    throw allow.length > 0 ? errors.methodNotAllowed(request.method, allow) : errors.routeNotFound();
  });

  await app.register(docs);
  await app.register(invitationRoutes, { prefix: '/v1' });
  await app.register(emulatorRoutes);
  return app;
}
