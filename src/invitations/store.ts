import type { Statement } from 'better-sqlite3';
import type { InstanceState } from '../db/instances.js';
import { immediateWriter, type DB, type Writer } from '../db/open.js';
import { errors } from '../errors.js';
import { emailId, invitationId, ticketToken } from '../ids.js';
import { ListCache } from './list-cache.js';
import { ListCounter, listSql, listWhere, rowFromArray, statusFilter, type OrderColumn } from './list-queries.js';
import { invitationJson, type InvitationRow, type Status, type TemplateSlug } from './model.js';

const DAY_MS = 86_400_000;

export interface CreateInput {
  email_address: string;
  public_metadata: Record<string, unknown>;
  redirect_url: string | null;
  notify: boolean;
  ignore_existing: boolean;
  expires_in_days: number;
  template_slug: TemplateSlug;
}

export type { OrderColumn };

export interface ListQuery {
  limit: number;
  offset: number;
  statuses: Status[];
  query: string | undefined;
  orderBy: OrderColumn;
  descending: boolean;
  withTotal: boolean;
}

const ROW_COLUMNS =
  'id, email_address, public_metadata, status, redirect_url, template_slug, notify, ticket, expires_at, created_at, updated_at';

/** The unary + keeps the planner off the expires_at range, which would walk every live pending row. */
export const DUPLICATE_CHECK_SQL =
  `SELECT 1 FROM invitations WHERE instance_id = ? AND email_address = ? AND status = 'pending' AND +expires_at > ? LIMIT 1`;

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class InvitationStore {
  private readonly listCache = new Map<string, { rows: Statement; count: Statement | undefined }>();
  private readonly counter: ListCounter;
  private readonly pages: ListCache;
  private readonly byId: Statement;
  private readonly pendingFor: Statement;
  private readonly userExists: Statement;
  private readonly insert: Statement;
  private readonly setStatus: Statement;
  private readonly remove: Statement;
  private readonly immediate: Writer;

  constructor(private readonly db: DB) {
    this.byId = db.prepare(`SELECT ${ROW_COLUMNS} FROM invitations WHERE instance_id = ? AND id = ?`);
    this.pendingFor = db.prepare(DUPLICATE_CHECK_SQL);
    this.userExists = db.prepare('SELECT 1 FROM users WHERE instance_id = ? AND email_address = ?');
    // With notify, the email "sent" is the row's email_id: the outbox reads it from here (OutboxStore).
    this.insert = db.prepare(
      `INSERT INTO invitations (instance_id, id, email_address, public_metadata, status, redirect_url, template_slug,
         notify, ticket, expires_at, created_at, updated_at, email_id)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.setStatus = db.prepare('UPDATE invitations SET status = ?, updated_at = ? WHERE instance_id = ? AND id = ?');
    this.remove = db.prepare('DELETE FROM invitations WHERE instance_id = ? AND id = ?');
    this.counter = new ListCounter(db);
    this.pages = new ListCache();
    this.immediate = immediateWriter(db);
  }

  get(instanceId: number, id: string): InvitationRow | undefined {
    return this.byId.get(instanceId, id) as InvitationRow | undefined;
  }

  /** The checks and the insert run in one IMMEDIATE transaction, so concurrent creates cannot both pass. */
  create(instanceId: number, now: number, input: CreateInput): InvitationRow {
    return this.immediate(() => {
      if (!input.ignore_existing) {
        if (this.userExists.get(instanceId, input.email_address)) throw errors.identifierExists();
        if (this.pendingFor.get(instanceId, input.email_address, now)) throw errors.duplicate([input.email_address]);
      }
      return this.insertOne(instanceId, now, input);
    });
  }

  /** All or nothing: every item is checked before any is written, all in one transaction. */
  createBulk(instanceId: number, now: number, inputs: CreateInput[]): InvitationRow[] {
    return this.immediate(() => {
      if (inputs.some((i) => this.userExists.get(instanceId, i.email_address))) throw errors.identifierExists();
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const i of inputs) {
        if (!i.ignore_existing && (seen.has(i.email_address) || this.pendingFor.get(instanceId, i.email_address, now))) {
          duplicates.add(i.email_address);
        }
        seen.add(i.email_address);
      }
      if (duplicates.size > 0) throw errors.duplicate([...duplicates]);
      return inputs.map((i) => this.insertOne(instanceId, now, i));
    });
  }

  private insertOne(instanceId: number, now: number, input: CreateInput): InvitationRow {
    const row: InvitationRow = {
      id: invitationId(now),
      email_address: input.email_address,
      public_metadata: JSON.stringify(input.public_metadata),
      status: 'pending',
      redirect_url: input.redirect_url,
      template_slug: input.template_slug,
      notify: input.notify ? 1 : 0,
      ticket: ticketToken(now),
      expires_at: now + input.expires_in_days * DAY_MS,
      created_at: now,
      updated_at: now,
    };
    this.insert.run(instanceId, row.id, row.email_address, row.public_metadata, row.redirect_url, row.template_slug,
      row.notify, row.ticket, row.expires_at, row.created_at, row.updated_at, input.notify ? emailId(now) : null);
    return row;
  }

  /**
   * The list response's body: a cached page while the instance's version and the page's span of instance
   * time hold (see ListCache), else rendered from list(). The version must have been read before the page
   * (it comes with the request's instance), so a write landing in between leaves a page stored under the
   * older version: the next request misses, never serves stale.
   */
  listJson(instance: InstanceState, now: number, q: ListQuery, baseUrl: string): string {
    const { id: instanceId, listVersion: version } = instance;
    const key = [instanceId, q.statuses.join(','), q.orderBy, q.descending, q.limit, q.offset, q.withTotal, baseUrl,
      q.query === undefined ? '-' : `+${q.query}`].join('\n');
    const cached = this.pages.get(key, version, now);
    if (cached !== undefined) return cached;
    const { rows, total } = this.list(instanceId, now, q);
    const data = `[${rows.map((row) => invitationJson(row, now, baseUrl)).join(',')}]`;
    const body = total === undefined ? data : `{"data":${data},"total_count":${total}}`;
    // Until the first live pending row on the page expires; with a pending/expired filter, until any does.
    let until = Number.POSITIVE_INFINITY;
    for (const row of rows) if (row.status === 'pending' && row.expires_at > now) until = Math.min(until, row.expires_at);
    if (statusFilter(q.statuses).expiry !== 'any') until = Math.min(until, this.counter.nextExpiry(instanceId, now));
    this.pages.set(key, { version, from: now, until, body });
    return body;
  }

  /** One page in a total, stable order; total_count from maintained counters, except for a substring query. */
  list(instanceId: number, now: number, q: ListQuery): { rows: InvitationRow[]; total: number | undefined } {
    const filter = statusFilter(q.statuses);
    const where = listWhere(filter, q.query !== undefined);
    const key = `${where}|${q.orderBy}|${q.descending}`;
    let cached = this.listCache.get(key);
    if (!cached) {
      cached = {
        rows: this.db.prepare(listSql(where, q.orderBy, q.descending)).raw(),
        // A substring match cannot be counted from the counters: it scans the instance's rows (see BENCHMARKS.md).
        count: q.query !== undefined ? this.db.prepare(`SELECT count(*) FROM invitations WHERE ${where}`).pluck() : undefined,
      };
      this.listCache.set(key, cached);
    }
    const params = {
      instance: instanceId, now, limit: q.limit, offset: q.offset,
      ...(q.query !== undefined ? { like: `%${escapeLike(q.query.toLowerCase())}%`, q: q.query } : {}),
    };
    const rows = (cached.rows.all(params) as unknown[][]).map(rowFromArray);
    if (!q.withTotal) return { rows, total: undefined };
    // A page that is not full ends the matches: its end is the total, with no count at all.
    if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) return { rows, total: q.offset + rows.length };
    return { rows, total: cached.count ? (cached.count.get(params) as number) : this.counter.total(instanceId, now, filter) };
  }

  /** Pending or expired become revoked; revoked and accepted are errors. */
  revoke(instanceId: number, now: number, id: string): InvitationRow {
    return this.immediate(() => {
      const row = this.get(instanceId, id);
      if (!row) throw errors.invitationNotFound(id);
      if (row.status === 'revoked') throw errors.alreadyRevoked();
      if (row.status === 'accepted') throw errors.alreadyAccepted();
      this.setStatus.run('revoked', now, instanceId, id);
      return { ...row, status: 'revoked' as const, updated_at: now };
    });
  }

  /** Removes the invitation, and with it its email in the outbox. */
  delete(instanceId: number, id: string): void {
    if (this.remove.run(instanceId, id).changes === 0) throw errors.invitationNotFound(id);
  }
}
