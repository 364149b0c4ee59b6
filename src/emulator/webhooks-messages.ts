// The webhook_messages table (migration 005): the one module that names its columns.
import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { messageId } from '../ids.js';

/**
 * Svix's retry schedule: the wait before each attempt after the first (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h); a message whose last attempt failed with no wait left is `failed`.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/**
 * How long a claimed attempt is its process's alone: well past the 15 s timeout plus a 5 s wait for the write
 * lock to record it. A record made after its lease ended is kept as an attempt but decides nothing.
 */
export const LEASE_MS = 30_000;

/** Delivered and failed messages kept in all instances together (the oldest go first); pending ones are never dropped. */
export const MAX_FINISHED = 100_000;

export type MessageStatus = 'pending' | 'delivered' | 'failed';

export interface Attempt {
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Message {
  object: 'webhook_message';
  id: string;
  type: string;
  endpoint_id: string;
  status: MessageStatus;
  attempts: Attempt[];
  next_attempt_at: number | null;
  payload: unknown;
}

/** A message claimed for an attempt: what the sender needs. */
export interface Claimed {
  instance_id: number;
  id: string;
  endpoint_id: string;
  payload: string;
  attempts: string;
  clock_offset_ms: number;
  /** The lease this process holds (real ms): its record of the attempt counts only while the lease is still this. */
  lease_until: number;
}

interface Row {
  id: string;
  type: string;
  endpoint_id: string;
  status: MessageStatus;
  attempts: string;
  payload: string;
  due_real: number | null;
  due_clock: number | null;
}

export interface MessageQuery {
  type?: string | undefined;
  status?: MessageStatus | undefined;
  limit: number;
  offset: number;
}

const COLUMNS = 'id, type, endpoint_id, status, attempts, payload, due_real, due_clock';
/** Due by real time, or by the instance's clock (its offset from real time, read in the same statement). */
const DUE = `m.status = 'pending' AND (m.lease_until IS NULL OR m.lease_until <= @real)
  AND (m.due_real <= @real OR m.due_clock <= @real + i.clock_offset_ms)`;

/** The messages of each instance: one per event and endpoint, written in the transaction of the write that caused the event. */
export class MessageStore {
  private readonly insert: Statement;
  private readonly due: Statement;
  private readonly lease: Statement;
  private readonly finishStmt: Statement;
  private readonly appendAttempt: Statement;
  private readonly failPending: Statement;
  private readonly release: Statement;
  private readonly page: Statement;
  private readonly pageCount: Statement;
  private readonly again: Statement;
  private readonly one: Statement;
  private readonly removeAll: Statement;
  private readonly anyDue: Statement;
  private readonly dropOld: Statement;

  constructor(private readonly db: DB) {
    this.insert = db.prepare(
      `INSERT INTO webhook_messages (instance_id, id, endpoint_id, type, payload, status, due_real, due_clock, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    this.due = db.prepare(`SELECT m.instance_id, m.id, m.endpoint_id, m.payload, m.attempts, i.clock_offset_ms
      FROM webhook_messages m JOIN instances i ON i.id = m.instance_id WHERE ${DUE} ORDER BY m.seq LIMIT @limit`);
    this.lease = db.prepare('UPDATE webhook_messages SET lease_until = ? WHERE id = ?');
    this.finishStmt = db.prepare(
      `UPDATE webhook_messages SET status = ?, attempts = ?, due_real = ?, due_clock = ?, lease_until = NULL
       WHERE id = ? AND lease_until = ?`,
    );
    this.appendAttempt = db.prepare(
      `UPDATE webhook_messages SET attempts = json_insert(attempts, '$[#]', json(?)) WHERE id = ?`,
    );
    this.failPending = db.prepare(
      `UPDATE webhook_messages SET due_real = ?, due_clock = NULL
       WHERE instance_id = ? AND endpoint_id = ? AND status = 'pending'`,
    );
    this.release = db.prepare('UPDATE webhook_messages SET lease_until = NULL WHERE id = ?');
    const where = `instance_id = @instance AND (@type IS NULL OR type = @type) AND (@status IS NULL OR status = @status)`;
    this.page = db.prepare(
      `SELECT ${COLUMNS} FROM webhook_messages WHERE ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
    );
    this.pageCount = db.prepare(`SELECT count(*) FROM webhook_messages WHERE ${where}`).pluck();
    // Clearing the lease makes an attempt in flight lose its say: the retry asked for stands.
    this.again = db.prepare(
      `UPDATE webhook_messages SET status = 'pending', due_real = ?, due_clock = NULL, lease_until = NULL
       WHERE instance_id = ? AND id = ?`,
    );
    this.one = db.prepare(`SELECT ${COLUMNS} FROM webhook_messages WHERE instance_id = ? AND id = ?`);
    this.dropOld = db.prepare(`DELETE FROM webhook_messages WHERE status <> 'pending'
      AND seq <= (SELECT seq FROM webhook_messages ORDER BY seq DESC LIMIT 1 OFFSET ?)`);
    this.removeAll = db.prepare('DELETE FROM webhook_messages WHERE instance_id = ?');
    this.anyDue = db
      .prepare(`SELECT 1 FROM webhook_messages m JOIN instances i ON i.id = m.instance_id WHERE ${DUE} LIMIT 1`)
      .pluck();
  }

  /** Queues one message per endpoint, due now; run inside the transaction of the write that caused the event. */
  enqueue(instanceId: number, endpointIds: string[], type: string, payload: string, now: number, real: number): void {
    for (const endpoint of endpointIds)
      this.insert.run(instanceId, messageId(now), endpoint, type, payload, real, now, now);
  }

  /** Takes up to `limit` due messages for this process, atomically: no other process gets them until the lease ends. */
  claim(real: number, limit: number): Claimed[] {
    return immediateWriter(this.db)(() => {
      const rows = this.due.all({ real, limit }) as Omit<Claimed, 'lease_until'>[];
      const lease = real + LEASE_MS;
      for (const r of rows) this.lease.run(lease, r.id);
      return rows.map((r) => ({ ...r, lease_until: lease }));
    });
  }

  /**
   * Records an attempt: delivered on a 2xx, else due again after the schedule's next wait, or failed (at once
   * when `last`, e.g. its endpoint was deleted). When the lease is no longer this claim's (a retry was asked for
   * meanwhile, or the lease ran out and another process took the message), the attempt is only appended to the
   * log and the message is left as the newer owner set it: undefined is returned then.
   */
  finish(m: Claimed, attempt: Attempt, real: number, last = false): MessageStatus | undefined {
    const attempts = [...(JSON.parse(m.attempts) as Attempt[]), attempt];
    const ok = attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
    const wait = last ? undefined : RETRY_DELAYS_MS[attempts.length - 1];
    const status: MessageStatus = ok ? 'delivered' : wait === undefined ? 'failed' : 'pending';
    const dueReal = status === 'pending' ? real + (wait as number) : null;
    const dueClock = status === 'pending' ? real + m.clock_offset_ms + (wait as number) : null;
    return immediateWriter(this.db)(() => {
      if (this.finishStmt.run(status, JSON.stringify(attempts), dueReal, dueClock, m.id, m.lease_until).changes > 0)
        return status;
      this.appendAttempt.run(JSON.stringify(attempt), m.id);
      return undefined;
    });
  }

  /** An endpoint was deleted: its pending messages are due now, so the sender fails them at once. */
  endpointDeleted(instanceId: number, endpointId: string, real: number): void {
    this.failPending.run(real, instanceId, endpointId);
  }

  /** Gives a claimed message back unsent (the server is stopping): due at once for the next process. */
  unclaim(id: string): void {
    this.release.run(id);
  }

  /** Sends it again now, whatever its status; false for an id not of this instance. */
  retry(instanceId: number, id: string, real: number): boolean {
    return this.again.run(real, instanceId, id).changes > 0;
  }

  /** Drops the finished messages older than the newest `keep` messages; returns how many went. */
  prune(keep = MAX_FINISHED): number {
    return this.dropOld.run(keep).changes;
  }

  /** Whether any message is due, read without the write lock (the worker polls with it). */
  someDue(real: number): boolean {
    return this.anyDue.get({ real }) !== undefined;
  }

  list(instanceId: number, clockOffsetMs: number, q: MessageQuery): { data: Message[]; total: number } {
    const params = { instance: instanceId, type: q.type ?? null, status: q.status ?? null };
    const rows = this.page.all({ ...params, limit: q.limit, offset: q.offset }) as Row[];
    return { data: rows.map((r) => toMessage(r, clockOffsetMs)), total: this.pageCount.get(params) as number };
  }

  get(instanceId: number, clockOffsetMs: number, id: string): Message | undefined {
    const row = this.one.get(instanceId, id) as Row | undefined;
    return row && toMessage(row, clockOffsetMs);
  }

  /** Removes them all, inside the caller's transaction (reset). */
  clear(instanceId: number): number {
    return this.removeAll.run(instanceId).changes;
  }
}

/** next_attempt_at on the instance clock: the earlier of the two due times. */
function toMessage(r: Row, offset: number): Message {
  const dues = [r.due_real === null ? null : r.due_real + offset, r.due_clock].filter((d): d is number => d !== null);
  return {
    object: 'webhook_message',
    id: r.id,
    type: r.type,
    endpoint_id: r.endpoint_id,
    status: r.status,
    attempts: JSON.parse(r.attempts) as Attempt[],
    next_attempt_at: r.status === 'pending' && dues.length > 0 ? Math.min(...dues) : null,
    payload: JSON.parse(r.payload) as unknown,
  };
}
