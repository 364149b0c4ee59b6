import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { realNow } from '../clock.js';
import { type Config, SECRET_KEY_PATTERN } from '../config.js';
import { digestKey, HOT_INSTANCES, type InstanceState, type InstanceStore } from '../db/instances.js';
import { errors } from '../errors.js';
import { createHostCheck } from './hosts.js';
import { checkUrl, pathOf } from './limits.js';

const BEARER = /^Bearer +(\S+) *$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** Paths served to a key's instance: an unknown path under them still needs a valid key (it answers 404 after). */
const needsKey = (path: string): boolean =>
  path === '/v1' || path.startsWith('/v1/') || path === '/_emulator' || path.startsWith('/_emulator/');

function checkVersion(request: FastifyRequest): void {
  const version = request.headers['clerk-api-version'];
  if (version !== undefined && (typeof version !== 'string' || !API_VERSION.test(version))) {
    throw errors.apiVersionInvalid(String(version));
  }
}

/**
 * Turns a request's bearer key into its instance. Open mode accepts any well-formed key; locked mode
 * only the configured ones, compared as digests in constant time against every configured key.
 */
function createAuthenticator(store: InstanceStore, lockedKeys: string[]): (request: FastifyRequest) => InstanceState {
  const allowed = lockedKeys.map(digestKey);
  const accepts = (digest: Buffer): boolean => {
    let ok = false;
    for (const a of allowed) ok = timingSafeEqual(a, digest) || ok;
    return ok;
  };
  // Accepted keys → instance id, so a known key costs no SHA-256 and no digest lookup. Only keys that
  // passed the checks below enter it; instances are never deleted, so an id stays valid. The instance's
  // clock offset and list version come from store.byId, which reads them again after any commit.
  const known = new Map<string, number>();
  return (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw errors.authHeaderInvalid();
    const key = match[1] as string;
    const id = known.get(key);
    const cached = id === undefined ? undefined : store.byId(id);
    if (cached) {
      checkVersion(request);
      return cached;
    }
    const digest = digestKey(key);
    if (allowed.length > 0 ? !accepts(digest) : !SECRET_KEY_PATTERN.test(key)) throw errors.keyInvalid();
    checkVersion(request);
    const instance = store.resolve(digest, realNow());
    // At most HOT_INSTANCES keys (a key is about 50 bytes), the oldest forgotten first.
    if (known.size >= HOT_INSTANCES) known.delete(known.keys().next().value as string);
    known.set(key, instance.id);
    return instance;
  };
}

/** How a request was routed: to a route (or a path's other methods) that needs no key, to a keyed one, or to none. */
export type Routed = 'public' | 'keyed' | 'unmatched';

/** Admits a request or throws the Clerk error that refuses it; the instance of its key, if it needs one. */
export type Admission = (request: FastifyRequest, routed: Routed) => InstanceState | undefined;

/**
 * What every request passes before its route (and before a framework error is answered): its Host, the
 * URL's limits, then the bearer key unless the route (or, for another method, the path) needs none, or the
 * path is unknown outside /v1 and /_emulator.
 */
export function createAdmission(
  store: InstanceStore,
  config: Pick<Config, 'secretKeys' | 'host' | 'publicUrl' | 'allowedHosts'>,
): Admission {
  const authenticate = createAuthenticator(store, config.secretKeys);
  const checkHost = createHostCheck(config);
  return (request, routed) => {
    checkHost(request.headers.host);
    checkUrl(request.url);
    if (routed === 'public') return undefined;
    if (routed === 'unmatched' && !needsKey(pathOf(request.url))) return undefined;
    return authenticate(request);
  };
}

function routedOf(app: FastifyInstance, request: FastifyRequest): Routed {
  if (request.is404) {
    // A known path's other methods: its 405 comes before the key where the path needs none (health, the
    // link, the docs), after it on keyed paths, as Clerk authenticates before routing.
    const path = pathOf(request.url);
    const known = app.knownPath(path);
    if (known.methods.length === 0) return 'unmatched';
    return known.open || !needsKey(path) ? 'public' : 'keyed';
  }
  return request.routeOptions.config.public ? 'public' : 'keyed';
}

/** The onRequest hook that admits every request and sets request.instance. */
async function authHook(app: FastifyInstance, { admit }: { admit: Admission }): Promise<void> {
  // Callback style: no promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      const instance = admit(request, routedOf(app, request));
      if (instance) request.instance = instance;
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}

export default fp(authHook, { name: 'auth' });
