import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';

export interface RunningServer {
  app: FastifyInstance;
  /** Where the server listens, e.g. http://127.0.0.1:4010 */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Called with the built app before it listens, e.g. for a test to add hooks. */
  beforeListen?: (app: FastifyInstance) => void;
}

/** The only place that listens: build the app, listen, and fix the link base to the real port. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const app = await buildApp(config);
  try {
    options.beforeListen?.(app);
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  if (config.publicUrl === undefined) app.publicUrl = `http://localhost:${port}`;
  return {
    app,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${port}`,
    close: () => app.close(),
  };
}
