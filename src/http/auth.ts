import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { realNow } from '../clock.js';
import type { InstanceState } from '../db/instances.js';
import { SECRET_KEY_PATTERN } from '../config.js';
import type { InstanceStore } from '../db/instances.js';
import { errors } from '../errors.js';

export const digestKey = (key: string): Buffer => createHash('sha256').update(key).digest();

const BEARER = /^Bearer +(\S+) *$/i;
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** How many accepted keys the authenticator remembers (oldest forgotten first); a key is ~50 bytes. */
const KNOWN_KEYS = 10_000;

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
export function createAuthenticator(store: InstanceStore, lockedKeys: string[]) {
  const allowed = lockedKeys.map(digestKey);
  const accepts = (digest: Buffer): boolean => {
    let ok = false;
    for (const a of allowed) ok = timingSafeEqual(a, digest) || ok;
    return ok;
  };
  // Accepted keys → instance id, so a known key costs no SHA-256 and no digest lookup. Only keys that
  // passed the checks below enter it; instances are never deleted, so an id stays valid. The clock
  // offset and list version are not cached: they are read by id on every request, as another process
  // may change them.
  const known = new Map<string, number>();
  return (request: FastifyRequest): InstanceState => {
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
    if (known.size >= KNOWN_KEYS) known.delete(known.keys().next().value as string);
    known.set(key, instance.id);
    return instance;
  };
}
