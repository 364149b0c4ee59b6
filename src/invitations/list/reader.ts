import type { Statement } from 'better-sqlite3';
import type { InstanceState } from '../../db/instances.js';
import type { DB } from '../../db/open.js';
import { invitationJson } from '../model.js';
import type { ListQuery } from '../schemas.js';
import { type InvitationRow, rowFromArray } from '../table.js';
import { ListCounter } from './counts.js';
import { PageCache } from './page-cache.js';
import { listSql, listWhere, statusFilter } from './queries.js';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** GET /v1/invitations: pages read in a total, stable order, rendered once and cached while fresh. */
export class ListReader {
  /** Prepared statements per WHERE clause and order: a few dozen shapes in all. */
  private readonly statements = new Map<string, { rows: Statement; count: Statement | undefined }>();
  private readonly counter: ListCounter;
  private readonly pages = new PageCache();

  constructor(private readonly db: DB) {
    this.counter = new ListCounter(db);
  }

  /**
   * The response's body: a cached page while fresh (freshness.ts), else rendered from list(). The
   * version comes with the request's instance, read before any row.
   */
  json(instance: InstanceState, now: number, q: ListQuery, baseUrl: string): string {
    const { id: instanceId, listVersion: version } = instance;
    const key = [
      instanceId,
      q.statuses.join(','),
      q.orderBy,
      q.descending,
      q.limit,
      q.offset,
      q.withTotal,
      baseUrl,
      q.query === undefined ? '-' : `+${q.query}`,
    ].join('\n');
    const cached = this.pages.get(key, version, now);
    if (cached !== undefined) return cached;
    const { rows, total } = this.list(instanceId, now, q);
    const data = `[${rows.map((row) => invitationJson(row, now, baseUrl)).join(',')}]`;
    const body = total === undefined ? data : `{"data":${data},"total_count":${total}}`;
    // Until the first live pending row on the page expires; with a pending/expired filter, until any does.
    let until = Number.POSITIVE_INFINITY;
    for (const row of rows)
      if (row.status === 'pending' && row.expires_at > now) until = Math.min(until, row.expires_at);
    if (statusFilter(q.statuses).expiry !== 'any') until = Math.min(until, this.counter.nextExpiry(instanceId, now));
    this.pages.set(key, { version, from: now, until, body });
    return body;
  }

  /** One page in a total, stable order; total_count from maintained counters, except for a substring query. */
  list(instanceId: number, now: number, q: ListQuery): { rows: InvitationRow[]; total: number | undefined } {
    const filter = statusFilter(q.statuses);
    const where = listWhere(filter, q.query !== undefined);
    const key = `${where}|${q.orderBy}|${q.descending}`;
    let statements = this.statements.get(key);
    if (!statements) {
      statements = {
        rows: this.db.prepare(listSql(where, q.orderBy, q.descending)).raw(),
        // A substring match cannot be counted from the counters: it scans the instance's rows.
        count:
          q.query !== undefined
            ? this.db.prepare(`SELECT count(*) FROM invitations WHERE ${where}`).pluck()
            : undefined,
      };
      this.statements.set(key, statements);
    }
    const params = {
      instance: instanceId,
      now,
      limit: q.limit,
      offset: q.offset,
      ...(q.query !== undefined ? { like: `%${escapeLike(q.query.toLowerCase())}%`, q: q.query } : {}),
    };
    const rows = (statements.rows.all(params) as unknown[][]).map(rowFromArray);
    if (!q.withTotal) return { rows, total: undefined };
    // A page that is not full ends the matches: its end is the total, with no count at all.
    if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) return { rows, total: q.offset + rows.length };
    return {
      rows,
      total: statements.count ? (statements.count.get(params) as number) : this.counter.total(instanceId, now, filter),
    };
  }
}
