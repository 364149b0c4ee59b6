import type { Statement } from 'better-sqlite3';
import type { Instance } from '../clock.js';
import type { DB } from './open.js';

/** Instances by key digest; an instance is created the first time its key is used. */
export class InstanceStore {
  private readonly find: Statement;
  private readonly findById: Statement;
  private readonly create: Statement;
  private readonly setOffset: Statement;

  constructor(db: DB) {
    this.find = db.prepare('SELECT id, clock_offset_ms AS clockOffsetMs FROM instances WHERE key_digest = ?');
    this.findById = db.prepare('SELECT id, clock_offset_ms AS clockOffsetMs FROM instances WHERE id = ?');
    this.create = db.prepare('INSERT INTO instances (key_digest, created_at) VALUES (?, ?) ON CONFLICT (key_digest) DO NOTHING');
    this.setOffset = db.prepare('UPDATE instances SET clock_offset_ms = ? WHERE id = ?');
  }

  resolve(digest: Buffer, now: number): Instance {
    const found = this.find.get(digest) as Instance | undefined;
    if (found) return found;
    this.create.run(digest, now);
    return this.find.get(digest) as Instance;
  }

  /** A known instance by id: a rowid lookup, so its clock offset is always the stored one (another process may set it). */
  byId(id: number): Instance | undefined {
    return this.findById.get(id) as Instance | undefined;
  }

  setClockOffset(instanceId: number, offsetMs: number): void {
    this.setOffset.run(offsetMs, instanceId);
  }
}
