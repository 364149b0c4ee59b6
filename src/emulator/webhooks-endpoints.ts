// The webhook_endpoints table (migration 005): the one module that names its columns.
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { errors } from '../errors.js';
import { redirectHref } from '../fields.js';
import { base62, endpointId } from '../ids.js';
import { newSecret } from './webhooks-signing.js';

/** The only events Clerk emits around an invitation (it has no invitation.* event). */
export const EVENT_TYPES = ['email.created', 'user.created'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * An endpoint URL as stored: an absolute http(s) URL (normalised as a redirect_url is) without a user or
 * password, which fetch refuses and a log line must not show; undefined when it is not one.
 */
export function webhookUrl(s: string): string | undefined {
  const r = redirectHref(s);
  if (!('href' in r)) return undefined;
  const u = new URL(r.href);
  return u.username === '' && u.password === '' ? r.href : undefined;
}

/** Endpoints one instance may have (besides WEBHOOK_URL's). */
export const MAX_ENDPOINTS = 20;

export interface Endpoint {
  object: 'webhook_endpoint';
  id: string;
  url: string;
  events: EventType[];
  secret: string;
  created_at: number;
}

export interface EndpointInput {
  url: string;
  events: EventType[];
  secret: string | undefined;
}

interface Row {
  id: string;
  url: string;
  events: string;
  secret: string;
  created_at: number;
}

const COLUMNS = 'id, url, events, secret, created_at';

const toEndpoint = (r: Row): Endpoint => ({
  object: 'webhook_endpoint',
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as EventType[],
  secret: r.secret,
  created_at: r.created_at,
});

/** WEBHOOK_URL's endpoint, the same for every instance: its id is derived from the URL, so it survives restarts. */
export function configEndpoint(url: string, secret: string, createdAt: number): Endpoint {
  const digest = createHash('sha256').update(url).digest().subarray(0, 20);
  return {
    object: 'webhook_endpoint',
    id: `ep_${base62(digest, 27)}`,
    url,
    events: [...EVENT_TYPES],
    secret,
    created_at: createdAt,
  };
}

/** Each instance's webhook endpoints, oldest first. */
export class EndpointStore {
  private readonly insert: Statement;
  private readonly all: Statement;
  private readonly one: Statement;
  private readonly count: Statement;
  private readonly remove: Statement;
  private readonly removeAll: Statement;

  constructor(private readonly db: DB) {
    this.insert = db.prepare(
      `INSERT INTO webhook_endpoints (instance_id, ${COLUMNS}) VALUES (@instance_id, @id, @url, @events, @secret, @created_at)`,
    );
    this.all = db.prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE instance_id = ? ORDER BY seq`);
    this.one = db.prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE instance_id = ? AND id = ?`);
    this.count = db.prepare('SELECT count(*) FROM webhook_endpoints WHERE instance_id = ?').pluck();
    this.remove = db.prepare('DELETE FROM webhook_endpoints WHERE instance_id = ? AND id = ?');
    this.removeAll = db.prepare('DELETE FROM webhook_endpoints WHERE instance_id = ?');
  }

  create(instanceId: number, now: number, input: EndpointInput): Endpoint {
    return immediateWriter(this.db)(() => {
      if ((this.count.get(instanceId) as number) >= MAX_ENDPOINTS) throw errors.webhookEndpointLimit(MAX_ENDPOINTS);
      const row: Row = {
        id: endpointId(now),
        url: input.url,
        events: JSON.stringify(input.events),
        secret: input.secret ?? newSecret(),
        created_at: now,
      };
      this.insert.run({ ...row, instance_id: instanceId });
      return toEndpoint(row);
    });
  }

  list(instanceId: number): Endpoint[] {
    return (this.all.all(instanceId) as Row[]).map(toEndpoint);
  }

  get(instanceId: number, id: string): Endpoint | undefined {
    const row = this.one.get(instanceId, id) as Row | undefined;
    return row && toEndpoint(row);
  }

  delete(instanceId: number, id: string): boolean {
    return this.remove.run(instanceId, id).changes > 0;
  }

  /** Removes them all, inside the caller's transaction (reset). */
  clear(instanceId: number): number {
    return this.removeAll.run(instanceId).changes;
  }
}
