import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';

/** The dashboard's built files (scripts/bundle-ui.mjs): two levels up from both src/emulator and dist/emulator. */
export const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

/** The page loads only its own files and talks only to its own origin; nothing may frame it. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/**
 * The files of dist/ui by name. Script, style and icon carry a hash of their content in their name, so they are
 * cached for a year; the page names them and is revalidated on every load (its ETag makes that a 304).
 */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(`${dir}${name}`);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const cache = name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
    assets.set(name, { body, type, etag, cache });
  }
  return assets;
}

/** GET /_emulator/ui and its files: the dashboard, which needs no key to load (the person types it in the page). */
const uiRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, { dir = UI_DIR }) => {
  let assets: Map<string, Asset> | undefined;
  const serve = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    try {
      assets ??= loadAssets(dir);
    } catch (err) {
      request.log.error({ dir, code: (err as { code?: unknown }).code }, 'the dashboard is not built: npm run build');
      throw errors.internal();
    }
    const asset = assets.get(name);
    if (asset === undefined) throw errors.routeNotFound();
    reply.headers({
      'content-security-policy': UI_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': asset.cache,
      etag: asset.etag,
    });
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };
  const open = { config: { public: true } };
  app.get('/_emulator/ui', open, async (request, reply) => serve(request, reply, 'index.html'));
  // The page has one address only, so that its relative links resolve one way.
  app.get<{ Params: { file: string } }>('/_emulator/ui/:file', open, async (request, reply) =>
    serve(request, reply, request.params.file === 'index.html' ? '' : request.params.file),
  );
};

export default uiRoutes;
