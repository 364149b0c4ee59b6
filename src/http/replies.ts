import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ClerkError, envelope, errors, toClerkError } from '../errors.js';
import { traceId } from '../ids.js';
import type { Admission } from './auth.js';
import { LIMITS, pathOf } from './limits.js';

/**
 * Answers what Fastify refuses before routing and hooks (a malformed percent-encoding, an over-long path
 * parameter): admitted as any request (URL limits, then the key), then 404 in the envelope, as any unknown resource.
 */
export function frameworkErrors(admit: Admission): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (err, request, reply) => {
    let clerk = errors.routeNotFound();
    try {
      admit(request, 'unmatched');
    } catch (refusal) {
      clerk = toClerkError(refusal, LIMITS.bodyBytes);
    }
    request.log.info({ code: clerk.item.code, cause: err.code }, 'request rejected');
    // A Buffer, because these replies skip the onSend hook that drops Fastify's "; charset=utf-8".
    void (reply as unknown as FastifyReply)
      .code(clerk.statusCode)
      .headers(clerk.headers)
      .header('content-type', 'application/json')
      .send(Buffer.from(JSON.stringify(envelope(clerk, request.id))));
  };
}

function clientError(code: string | undefined): ClerkError {
  if (code === 'HPE_HEADER_OVERFLOW') return errors.headersTooLarge(LIMITS.headerBytes);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return errors.requestTimeout();
  return errors.badRequest();
}

/**
 * Answers what Node's parser refused (headers over 16 KiB, malformed HTTP) in the Clerk envelope.
 * Fastify's default logs the error itself at trace, and its rawPacket holds the request's headers,
 * bearer key included: only the code is logged here.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const clerk = clientError(err.code);
  const id = traceId();
  this.log.debug({ reqId: id, code: err.code }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(envelope(clerk, id));
    const head = [
      `HTTP/1.1 ${clerk.statusCode} ${STATUS_CODES[clerk.statusCode] ?? ''}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  socket.destroySoon();
}

/** The methods a path is served with (HEAD aside), and whether a route that needs no key serves it. */
export interface KnownPath {
  methods: string[];
  open: boolean;
}

/**
 * The methods served at a path, HEAD aside, so that a known path with the wrong method answers 405, not 404;
 * and whether a route that needs no key (config.public when added) serves it.
 */
function methodIndex(app: FastifyInstance): (path: string) => KnownPath {
  // Each route's url as a pattern of the raw path (a parameter is one non-empty segment, a final * the rest), keyed by its
  // source text, since RegExp.prototype.source escapes "/" and cannot be compared with it.
  const routes = new Map<string, { pattern: RegExp; methods: string[]; open: boolean }>();
  app.addHook('onRoute', (r) => {
    const escaped = r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const source = `^${escaped.replace(/:[A-Za-z_]+/g, '[^/]+').replace(/\\\*$/, '.*')}$`;
    const methods = [r.method].flat().filter((m) => m !== 'HEAD');
    const entry = routes.get(source) ?? { pattern: new RegExp(source), methods: [], open: false };
    entry.methods.push(...methods);
    entry.open ||= r.config?.public === true;
    routes.set(source, entry);
  });
  // A path can match several patterns (/v1/invitations/bulk is also /v1/invitations/:id).
  return (path) => {
    const matching = [...routes.values()].filter((r) => r.pattern.test(path));
    return { methods: [...new Set(matching.flatMap((r) => r.methods))], open: matching.some((r) => r.open) };
  };
}

/**
 * Every reply in Clerk's shape: errors in the envelope, 404 for an unknown path and 405 (with Allow) for a
 * known path's other methods, and `Content-Type: application/json` exactly. Register before the routes.
 */
async function replies(app: FastifyInstance): Promise<void> {
  const knownPath = methodIndex(app);
  // The auth hook lets the other methods of a path that needs no key through without one, to this 405.
  app.decorate('knownPath', knownPath);

  // Keep-alive connections of requests in flight at close would otherwise hold the server open until they time out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  // Fastify adds "; charset=utf-8"; @clerk/backend only parses an exact "application/json".
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json'))
      reply.header('content-type', 'application/json');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setErrorHandler((err, request, reply) => {
    const clerk = toClerkError(err, LIMITS.bodyBytes);
    // A retryable 503 (the database busy, read-only or full) is a condition of the host, not a bug: no stack.
    if (clerk.item.code === 'service_unavailable') {
      request.log.warn({ code: clerk.item.code, cause: (err as { code?: unknown }).code }, 'service unavailable');
    } else if (clerk.statusCode >= 500) request.log.error({ err }, 'unexpected error');
    else if (!(err instanceof ClerkError))
      request.log.info({ code: clerk.item.code, cause: (err as Error).message }, 'request rejected');
    return reply
      .code(clerk.statusCode)
      .headers(clerk.headers)
      .type('application/json')
      .send(envelope(clerk, request.id));
  });

  app.setNotFoundHandler(async (request) => {
    const allow = knownPath(pathOf(request.url)).methods;
    throw allow.length > 0 ? errors.methodNotAllowed(request.method, allow) : errors.routeNotFound();
  });
}

export default fp(replies, { name: 'replies' });
