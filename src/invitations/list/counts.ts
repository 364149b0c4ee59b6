import type { Statement } from 'better-sqlite3';
import { HOT_INSTANCES } from '../../db/instances.js';
import type { DB } from '../../db/open.js';
import type { StoredStatus } from '../model.js';
import { isFresh, type Stamp } from './freshness.js';
import type { StatusFilter } from './queries.js';

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
  /** Expired counts per instance, fresh (freshness.ts) under the pending status's `changes`. */
  private readonly expiredCounts = new Map<number, Stamp & { expired: number }>();

  constructor(db: DB) {
    this.counts = db.prepare('SELECT status, n, changes FROM invitation_counts WHERE instance_id = ?').raw();
    this.expiredUpTo = db
      .prepare(`SELECT count(*) FROM (SELECT 1 FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at <= ? LIMIT ?)`)
      .pluck();
    this.live = db
      .prepare(`SELECT count(*) FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at > ?`)
      .pluck();
    this.nextExpiry_ = db
      .prepare(`SELECT min(expires_at) FROM invitations
      WHERE instance_id = ? AND status = 'pending' AND expires_at > ?`)
      .pluck();
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

  /** Instances whose expired count is kept. */
  get kept(): number {
    return this.expiredCounts.size;
  }

  /** The next instance time at which a live pending invitation expires (Infinity when none will). */
  nextExpiry(instanceId: number, now: number): number {
    return (this.nextExpiry_.get(instanceId, now) as number | null) ?? Number.POSITIVE_INFINITY;
  }

  private expired(instanceId: number, now: number, pending: number, changes: number): number {
    const cached = this.expiredCounts.get(instanceId);
    if (cached && isFresh(cached, changes, now)) return cached.expired;
    const cap = Math.ceil(pending / 2) + 1;
    const upTo = this.expiredUpTo.get(instanceId, now, cap) as number;
    const expired = upTo < cap ? upTo : pending - (this.live.get(instanceId, now) as number);
    const until = this.nextExpiry(instanceId, now);
    // At most HOT_INSTANCES instances; past it, the map starts again.
    if (this.expiredCounts.size >= HOT_INSTANCES) this.expiredCounts.clear();
    this.expiredCounts.set(instanceId, { version: changes, from: now, until, expired });
    return expired;
  }
}
