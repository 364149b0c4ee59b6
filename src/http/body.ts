import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';

type Done = (err: Error | null, body?: unknown) => void;

/** JSON bodies only (application/json and any +json type), refused in Clerk's envelope otherwise. */
async function bodyParsers(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  // Fastify's own parser, which refuses __proto__ and constructor.prototype keys (they would vanish from metadata).
  const secureJson = app.getDefaultJsonParser('error', 'error');
  // Clients send Content-Type: application/json with an empty body on revoke: that is no body, not bad JSON.
  const json = (req: FastifyRequest, body: string | Buffer, done: Done): void => {
    const text = body.toString();
    if (text.trim() === '') done(null, undefined);
    else secureJson(req, text, (err, parsed) => done(err ? errors.bodyInvalid() : null, parsed));
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, json);
  app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: 'string' }, json);
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    done(errors.bodyInvalid('The request body must be JSON, sent with Content-Type: application/json.'), undefined);
  });
}

export default fp(bodyParsers, { name: 'body-parsers' });
