import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../src/app.js';
import { defaultConfig, type Config } from '../src/config.js';

export const KEY = 'sk_test_worker_one';
export const OTHER_KEY = 'sk_test_worker_two';
export const auth = (key: string = KEY) => ({ authorization: `Bearer ${key}` });

/** A fresh app on :memory:, closed when the test ends. */
export async function build(t: Test, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildApp(defaultConfig(overrides));
  t.teardown(() => app.close());
  return app;
}

export interface Reply {
  status: number;
  type: string | undefined;
  body: unknown;
  headers: LightMyRequestResponse['headers'];
}

/** Injects and returns what a client sees: status, exact Content-Type, and the parsed body. */
export async function call(app: FastifyInstance, opts: InjectOptions & { key?: string | null }): Promise<Reply> {
  const { key, ...rest } = opts;
  const headers = { ...(key === null ? {} : auth(key ?? KEY)), ...(rest.headers ?? {}) };
  const res = await app.inject({ ...rest, headers });
  const type = res.headers['content-type'] as string | undefined;
  return { status: res.statusCode, type, body: type === 'application/json' ? res.json() : res.body, headers: res.headers };
}

export const TRACE = /^[0-9a-f]{32}$/;
export const INV_ID = /^inv_[0-9A-Za-z]{27}$/;

/** The whole Clerk error envelope, with the trace id checked for shape. */
export function clerkError(t: Test, reply: Reply, status: number, item: Record<string, unknown>): void {
  t.equal(reply.status, status, 'status');
  t.equal(reply.type, 'application/json', 'content type');
  const body = reply.body as { errors: unknown; clerk_trace_id: string };
  t.match(body.clerk_trace_id, TRACE, 'trace id');
  t.same(body, { errors: [item], clerk_trace_id: body.clerk_trace_id }, 'body');
}

export async function invite(app: FastifyInstance, body: Record<string, unknown>, key?: string): Promise<Record<string, any>> {
  const r = await call(app, { method: 'POST', url: '/v1/invitations', payload: body, ...(key ? { key } : {}) });
  if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, any>;
}
