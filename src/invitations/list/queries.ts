import type { Status, StoredStatus } from '../model.js';
import { ROW_SELECT } from '../table.js';

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

export function listSql(where: string, orderBy: OrderColumn, descending: boolean): string {
  const dir = descending ? 'DESC' : 'ASC';
  return `SELECT ${ROW_SELECT} FROM invitations WHERE ${where} ORDER BY ${orderBy} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`;
}
