import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import type { InvitationRow, Status, StoredStatus } from './model.js';

export type OrderColumn = 'created_at' | 'email_address' | 'expires_at';

/** What a set of requested statuses means in stored terms: which stored statuses, and which pending rows. */
export interface StatusFilter {
  stored: StoredStatus[];
  /** For stored pending rows: keep the live ones, the expired ones, or both. */
  expiry: 'live' | 'expired' | 'any';
}

const STORED: readonly StoredStatus[] = ['pending', 'accepted', 'revoked'];

/** Without a status, revoked invitations are left out (Clerk: "returns all non-revoked invitations"). */
export function statusFilter(statuses: Status[]): StatusFilter {
  const want = new Set(statuses);
  if (want.size === 0) return { stored: ['pending', 'accepted'], expiry: 'any' };
  const stored = STORED.filter((s) => want.has(s) || (s === 'pending' && want.has('expired')));
  const expiry = want.has('pending') === want.has('expired') ? 'any' : want.has('pending') ? 'live' : 'expired';
  return { stored, expiry };
}

/**
 * The WHERE clause of a list. Two stored statuses are written as "not the third" and expires_at is
 * wrapped in a unary + so that the planner walks the index of the requested order (no sort of every
 * match) and evaluates these filters from that index's own columns.
 */
export function listWhere(f: StatusFilter, withQuery: boolean): string {
  const parts = ['instance_id = @instance'];
  if (f.stored.length === 1) parts.push(`status = '${f.stored[0]}'`);
  if (f.stored.length === 2) parts.push(`status <> '${STORED.find((s) => !f.stored.includes(s))}'`);
  if (f.expiry === 'live') parts.push(`NOT (status = 'pending' AND +expires_at <= @now)`);
  if (f.expiry === 'expired') parts.push(`NOT (status = 'pending' AND +expires_at > @now)`);
  if (withQuery) parts.push(`(email_address LIKE @like ESCAPE '\\' OR id = @q)`);
  return parts.join(' AND ');
}

/** The list reads rows as arrays (raw mode): building objects in JS is cheaper than in better-sqlite3. */
export function rowFromArray(a: unknown[]): InvitationRow {
  return {
    id: a[0], email_address: a[1], public_metadata: a[2], status: a[3], redirect_url: a[4], template_slug: a[5],
    notify: a[6], ticket: a[7], expires_at: a[8], created_at: a[9], updated_at: a[10],
  } as InvitationRow;
}

export function listSql(where: string, orderBy: OrderColumn, descending: boolean): string {
  const dir = descending ? 'DESC' : 'ASC';
  return `SELECT id, email_address, public_metadata, status, redirect_url, template_slug, notify, ticket, expires_at, created_at, updated_at
    FROM invitations WHERE ${where} ORDER BY ${orderBy} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`;
}

/**
 * total_count from the per-status counters (migration 002) instead of a COUNT(*) over every match.
 * Only the split of stored pending rows into live and expired needs the index: it counts the smaller
 * side (bounded by min(live, expired) index entries), and the result is kept per instance until a
 * pending row changes or the clock reaches the next expires_at, so it is usually not counted at all.
 */
export class ListCounter {
  private readonly counts: Statement;
  private readonly expiredUpTo: Statement;
  private readonly live: Statement;
  private readonly nextExpiry_: Statement;
  private readonly expiredCache = new Map<number, { changes: number; from: number; until: number; expired: number }>();

  constructor(db: DB) {
    this.counts = db.prepare('SELECT status, n, changes FROM invitation_counts WHERE instance_id = ?').raw();
    this.expiredUpTo = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at <= ? LIMIT ?)`).pluck();
    this.live = db.prepare(`SELECT count(*) FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at > ?`).pluck();
    this.nextExpiry_ = db.prepare(`SELECT min(expires_at) FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at > ?`).pluck();
  }

  total(instanceId: number, now: number, f: StatusFilter): number {
    let pending = 0;
    let pendingChanges = 0;
    let total = 0;
    for (const [status, n, changes] of this.counts.all(instanceId) as [StoredStatus, number, number][]) {
      if (status === 'pending') [pending, pendingChanges] = [n, changes];
      if (f.stored.includes(status)) total += n;
    }
    if (f.expiry === 'any' || pending === 0) return total;
    const expired = this.expired(instanceId, now, pending, pendingChanges);
    return f.expiry === 'live' ? total - expired : total - (pending - expired);
  }

  /** The next instance time at which a live pending invitation expires (Infinity when none will). */
  nextExpiry(instanceId: number, now: number): number {
    return (this.nextExpiry_.get(instanceId, now) as number | null) ?? Number.POSITIVE_INFINITY;
  }

  private expired(instanceId: number, now: number, pending: number, changes: number): number {
    const cached = this.expiredCache.get(instanceId);
    if (cached && cached.changes === changes && now >= cached.from && now < cached.until) return cached.expired;
    const cap = Math.ceil(pending / 2) + 1;
    const upTo = this.expiredUpTo.get(instanceId, now, cap) as number;
    const expired = upTo < cap ? upTo : pending - (this.live.get(instanceId, now) as number);
    const until = this.nextExpiry(instanceId, now);
    this.expiredCache.set(instanceId, { changes, from: now, until, expired });
    return expired;
  }
}
