import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError, defaultConfig, SECRET_KEY_PATTERN } from './config.js';
import type { ResetCounts } from './emulator/reset-store.js';
import { startServer } from './server.js';

export interface EmulatorOptions extends Partial<Config> {
  /** The key `secretKey` hands back; default: the first of `secretKeys`, else a fresh random sk_test_ key. */
  secretKey?: string;
}

export interface ResetResult extends ResetCounts {
  object: 'reset';
}

export interface Emulator {
  /** Base URL for clients, e.g. http://127.0.0.1:53211 (`apiUrl` of @clerk/backend, CLERK_API_URL). */
  url: string;
  /** A key this emulator accepts; its instance is isolated from every other key's. */
  secretKey: string;
  /** The Fastify app, for app.inject() or decorations such as app.db. */
  app: FastifyInstance;
  /** Empties the instance of `secretKey` (invitations, users, outbox, clock), as POST /_emulator/reset does. */
  reset(): Promise<ResetResult>;
  /** Stops listening and closes the database. */
  close(): Promise<void>;
}

/**
 * Starts an emulator in this process for a test run: a free port on 127.0.0.1 and :memory: unless
 * told otherwise, logs silent.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { secretKey: requested, ...overrides } = options;
  const config = defaultConfig({ port: 0, ...overrides });
  const secretKey = requested ?? config.secretKeys[0] ?? `sk_test_${randomBytes(16).toString('hex')}`;
  if (!SECRET_KEY_PATTERN.test(secretKey))
    throw new ConfigError('secretKey: must be a key of the form sk_test_… or sk_live_…');
  if (config.secretKeys.length > 0 && !config.secretKeys.includes(secretKey)) {
    throw new ConfigError('secretKey: must be one of secretKeys when secretKeys is set (locked mode)');
  }
  const server = await startServer(config);
  return {
    url: server.url,
    secretKey,
    app: server.app,
    async reset() {
      const res = await server.app.inject({
        method: 'POST',
        url: '/_emulator/reset',
        headers: { authorization: `Bearer ${secretKey}` },
      });
      if (res.statusCode !== 200) throw new Error(`reset failed: ${res.statusCode} ${res.body}`);
      return res.json<ResetResult>();
    },
    close: () => server.close(),
  };
}
