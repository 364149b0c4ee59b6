import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Instance } from '../clock.js';
import { instanceId } from '../ids.js';
import { CommitWatch } from './commit-watch.js';
import type { DB } from './open.js';

/** An instance's key as stored: its SHA-256 digest (the key itself is never stored). */
export const digestKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * An instance as a request sees it: its clock, and its list version (the sum of its counters' changes,
 * see invitations/list/freshness.ts), read in one statement.
 */
export interface InstanceState extends Instance {
  listVersion: number;
  /** The `ins_` id its webhook events carry. */
  publicId: string;
  /** How many webhook endpoints it has (kept by migration 005's triggers). */
  webhookEndpoints: number;
}

const COLUMNS = `id, clock_offset_ms AS clockOffsetMs, public_id AS publicId, webhook_endpoints AS webhookEndpoints,
  (SELECT total(changes) FROM invitation_counts WHERE instance_id = instances.id) AS listVersion`;

/**
 * How many instances (and their keys) the per-instance caches keep in memory: twice the 10,000 keys the bench's
 * many-tenants scenario rotates through, so that a set of keys used in turn stays cached (BENCHMARKS.md).
 */
export const HOT_INSTANCES = 20_000;

/** Instances by key digest; an instance is created the first time its key is used. */
export class InstanceStore {
  private readonly find: Statement;
  private readonly findById: Statement;
  private readonly create: Statement;
  private readonly setOffset: Statement;
  private readonly watch: CommitWatch;
  /** Instances as last read, kept until any transaction commits anywhere (see CommitWatch). */
  private readonly states = new Map<number, InstanceState>();

  constructor(db: DB) {
    this.find = db.prepare(`SELECT ${COLUMNS} FROM instances WHERE key_digest = ?`);
    this.findById = db.prepare(`SELECT ${COLUMNS} FROM instances WHERE id = ?`);
    this.create = db.prepare(
      'INSERT INTO instances (key_digest, created_at, public_id) VALUES (?, ?, ?) ON CONFLICT (key_digest) DO NOTHING',
    );
    this.setOffset = db.prepare('UPDATE instances SET clock_offset_ms = ? WHERE id = ?');
    this.watch = new CommitWatch(db);
  }

  resolve(digest: Buffer, now: number): InstanceState {
    const found = this.find.get(digest) as InstanceState | undefined;
    if (found) return found;
    this.create.run(digest, now, instanceId(now));
    return this.find.get(digest) as InstanceState;
  }

  /**
   * A known instance by id, as stored now: its clock offset and list version may have been changed by
   * another process. Read again only when a transaction has committed since it was last read.
   */
  byId(id: number): InstanceState | undefined {
    if (this.watch.moved() || this.states.size >= HOT_INSTANCES) this.states.clear();
    let state = this.states.get(id);
    if (!state) {
      state = this.findById.get(id) as InstanceState | undefined;
      if (state) this.states.set(id, state);
    }
    return state;
  }

  /** Instances kept by byId since the map last started again. */
  get kept(): number {
    return this.states.size;
  }

  close(): void {
    this.watch.close();
  }

  setClockOffset(instanceId: number, offsetMs: number): void {
    this.setOffset.run(offsetMs, instanceId);
  }
}
