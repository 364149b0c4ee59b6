import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import type { Instance } from '../src/clock.js';
import { type Config, defaultConfig } from '../src/config.js';
import { digestKey } from '../src/db/instances.js';
import { buildApp } from '../src/http/app.js';
import { userId } from '../src/ids.js';
import { ticketUrl } from '../src/invitations/model.js';
import { EMAIL_SELECT } from '../src/invitations/table.js';
import { type RunningServer, startServer } from '../src/server.js';
import { checkAgainstOpenapi, checkInjected } from './openapi-hook.js';

export const KEY = 'sk_test_worker_one';
export const OTHER_KEY = 'sk_test_worker_two';
export const auth = (key: string = KEY) => ({ authorization: `Bearer ${key}` });

/** A fresh app on :memory:, closed when the test ends. Every response it sends is checked against openapi.yaml. */
export async function build(t: Test, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildApp(defaultConfig(overrides));
  t.teardown(() => app.close());
  checkAgainstOpenapi(t, app);
  return app;
}

/** A server listening on a free port, closed when the test ends. Every response it sends is checked against openapi.yaml. */
export async function serve(t: Test, overrides: Partial<Config> = {}): Promise<RunningServer> {
  const server = await startServer(defaultConfig({ port: 0, ...overrides }), {
    beforeListen: (app) => checkAgainstOpenapi(t, app),
  });
  t.teardown(() => server.close());
  return server;
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
  checkInjected(app, res);
  const type = res.headers['content-type'] as string | undefined;
  return {
    status: res.statusCode,
    type,
    body: type === 'application/json' ? res.json() : res.body,
    headers: res.headers,
  };
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

export async function invite(
  app: FastifyInstance,
  body: Record<string, unknown>,
  key?: string,
): Promise<Record<string, any>> {
  const r = await call(app, { method: 'POST', url: '/v1/invitations', payload: body, ...(key ? { key } : {}) });
  if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, any>;
}

export const URL_OF_TICKET = /^http:\/\/localhost:4010\/v1\/tickets\/accept\?ticket=[0-9a-z]{9}[A-Za-z0-9_-]{34}$/;
export const JSON_TYPE = 'application/json';

/** The instance a key resolves to (created on first use, as the auth hook does). */
export function instanceOf(app: FastifyInstance, key: string = KEY): Instance {
  return app.instances.resolve(digestKey(key), Date.now());
}

/** Moves the key's instance clock to real time + offsetMs. */
export function setClockOffset(app: FastifyInstance, offsetMs: number, key: string = KEY): void {
  app.instances.setClockOffset(instanceOf(app, key).id, offsetMs);
}

/** A user of the key's instance, written directly (the control API is not needed for this). */
export function insertUser(app: FastifyInstance, email: string, key: string = KEY): void {
  const now = Date.now();
  app.db
    .prepare('INSERT INTO users (instance_id, id, email_address, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(instanceOf(app, key).id, userId(now), email.toLowerCase(), now, now);
}

/** Sets the stored status of an invitation (e.g. accepted) without going through a route. */
export function setStoredStatus(app: FastifyInstance, id: string, status: 'pending' | 'accepted' | 'revoked'): void {
  app.db.prepare('UPDATE invitations SET status = ? WHERE id = ?').run(status, id);
}

/** The outbox as stored for the key's instance (the invitations with an email_id), oldest first. */
export function outbox(app: FastifyInstance, key: string = KEY): Record<string, unknown>[] {
  const rows = app.db
    .prepare(`SELECT ${EMAIL_SELECT} FROM invitations WHERE instance_id = ? AND email_id IS NOT NULL ORDER BY seq`)
    .all(instanceOf(app, key).id) as Record<string, unknown>[];
  return rows.map(({ id: _id, ticket, ...email }) => ({ ...email, url: ticketUrl(app.publicUrl, ticket as string) }));
}

/** A pino destination that keeps every log line, parsed. */
export function logCapture(): { stream: { write(line: string): void }; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }, lines };
}

/** An app like build(t), logging at info into a capture. */
export async function buildLogged(t: Test, overrides: Partial<Config> = {}) {
  const logs = logCapture();
  const app = await buildApp(defaultConfig({ ...overrides, logLevel: 'info' }), {
    logger: { level: 'info', stream: logs.stream },
  });
  t.teardown(() => app.close());
  return { app, logs };
}

export const DAY_MS = 86_400_000;
export const PENDING_KEYS = [
  'object',
  'id',
  'email_address',
  'public_metadata',
  'status',
  'url',
  'expires_at',
  'created_at',
  'updated_at',
];
export const REVOKED_KEYS = [
  'object',
  'id',
  'email_address',
  'public_metadata',
  'revoked',
  'status',
  'expires_at',
  'created_at',
  'updated_at',
];

export interface Expected {
  email_address: string;
  public_metadata?: Record<string, unknown>;
  status?: 'pending' | 'accepted' | 'revoked' | 'expired';
  expires_in_days?: number;
  updated_at?: number;
}

/**
 * The whole Invitation as a client sees it: exactly Clerk's keys in order, a KSUID-shaped id whose
 * timestamp is created_at to the millisecond, a ticket url unless revoked (the ticket starting with
 * created_at), and expires_at from expires_in_days.
 */
export function expectInvitation(
  t: Test,
  inv: Record<string, any>,
  want: Expected,
  urlPattern: RegExp = URL_OF_TICKET,
): void {
  const status = want.status ?? 'pending';
  const revoked = status === 'revoked';
  t.same(Object.keys(inv), revoked ? REVOKED_KEYS : PENDING_KEYS, 'exactly the contract keys, in order');
  t.match(inv['id'], INV_ID, 'id shape');
  t.equal(ksuidMillis(String(inv['id']).slice(4)), inv['created_at'], 'id carries created_at, to the millisecond');
  t.ok(Number.isInteger(inv['created_at']) && inv['created_at'] > 1.6e12, 'created_at in ms');
  if (!revoked) {
    t.match(inv['url'], urlPattern, 'url');
    t.equal(
      ticketMillis(new URL(inv['url']).searchParams.get('ticket') ?? ''),
      inv['created_at'],
      'ticket starts with created_at',
    );
  }
  t.same(
    inv,
    {
      object: 'invitation',
      id: inv['id'],
      email_address: want.email_address,
      public_metadata: want.public_metadata ?? {},
      ...(revoked ? { revoked: true } : {}),
      status,
      ...(revoked ? {} : { url: inv['url'] }),
      expires_at: inv['created_at'] + (want.expires_in_days ?? 30) * DAY_MS,
      created_at: inv['created_at'],
      updated_at: want.updated_at ?? inv['created_at'],
    },
    'whole invitation',
  );
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const ksuidNumber = (ksuid: string): bigint => {
  let n = 0n;
  for (const c of ksuid) n = n * 62n + BigInt(BASE62.indexOf(c));
  return n;
};

/** The Unix seconds in a KSUID's first 4 bytes. */
export const ksuidSeconds = (ksuid: string): number => Number(ksuidNumber(ksuid) >> 128n) + 1_400_000_000;

/** Unix milliseconds: the KSUID's seconds, and the millisecond in its payload's first 2 bytes. */
export const ksuidMillis = (ksuid: string): number =>
  ksuidSeconds(ksuid) * 1000 + Number((ksuidNumber(ksuid) >> 112n) & 0xffffn);

/** Unix milliseconds: a ticket's first 9 characters, in base36. */
export const ticketMillis = (ticket: string): number => parseInt(ticket.slice(0, 9), 36);
