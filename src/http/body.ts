import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import { LIMITS } from './limits.js';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Whether JSON text nests arrays and objects deeper than max, found in one pass that skips strings, so a
 * deep body is refused before JSON.parse spends time on it.
 */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Inside a string: a backslash escapes the next character, a quote ends it.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON bodies only (application/json and any +json type), refused in Clerk's envelope otherwise. */
async function bodyParsers(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  // Fastify's own parser, which refuses __proto__ and constructor.prototype keys (they would vanish from metadata).
  const secureJson = app.getDefaultJsonParser('error', 'error');
  // Clients send Content-Type: application/json with an empty body on revoke: that is no body, not bad JSON.
  const json = (req: FastifyRequest, body: string | Buffer, done: Done): void => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    // Kept by reference for the request journal, which parses it again only when read.
    req.bodyText = text;
    if (nestedDeeperThan(text, LIMITS.jsonDepth)) done(errors.bodyTooDeep(LIMITS.jsonDepth), undefined);
    else secureJson(req, text, (err, parsed) => done(err ? errors.bodyInvalid() : null, parsed));
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, json);
  app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: 'string' }, json);
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    done(errors.bodyNotJson(), undefined);
  });
}

export default fp(bodyParsers, { name: 'body-parsers' });
