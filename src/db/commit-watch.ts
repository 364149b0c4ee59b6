import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DB } from './open.js';

/** The WAL-index header (https://www.sqlite.org/walformat.html#the_wal_index_file_format): 48 bytes. */
const HEADER_BYTES = 48;

/**
 * Tells, cheaply, whether any transaction has committed to the database since the last call, by this
 * process or any other, without a statement (each costs a read transaction: file locks, a size check):
 * a count kept in memory and, once per turn of the event loop, one 48-byte read.
 *
 * This connection's own writes are seen at once, by SQLite's count of its changes (total_changes(): no
 * table, no lock; it counts rolled-back changes too, which is harmless). Other connections' commits are
 * seen through the WAL-index header at the start of the -shm file, which every commit rewrites (its
 * iChange counter, frame count and salts), by any process: two equal reads of it mean no commit in
 * between, and a read torn by a commit in flight differs, costing only a needless re-read. That read is
 * made by the first call in each turn of the event loop; later calls in the same turn reuse its answer.
 * Every request served in a turn was read from its socket before the turn's first call ran (a client
 * that waits for each answer before it asks again cannot have a request waiting behind another), so a
 * commit it could have known about is one that completed before the request arrived, and before the read.
 * Callers must call this before they read the database: a commit between the two is seen by a later call.
 * A :memory: database has no other process and no -shm file: the count alone answers. Where the -shm file
 * cannot be read, every call answers true: always read the database.
 */
export class CommitWatch {
  private readonly fd: number | undefined;
  private readonly memory: boolean;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private readonly seen = Buffer.alloc(HEADER_BYTES);
  private readonly changes;
  /** -1: the first call always finds a change, so it always says moved. */
  private seenChanges = -1;
  /** The -shm header has been read in this turn of the event loop. */
  private readThisTurn = false;
  private readonly nextTurn = (): void => {
    this.readThisTurn = false;
  };

  constructor(db: DB) {
    this.changes = db.prepare('SELECT total_changes()').pluck();
    let fd: number | undefined;
    if (!db.memory) {
      try {
        fd = openSync(`${resolve(db.name)}-shm`, 'r');
      } catch {
        fd = undefined;
      }
    }
    this.fd = fd;
    this.memory = db.memory;
  }

  /** True when a transaction may have committed since the last call (and on the first call). */
  moved(): boolean {
    const changes = this.changes.get() as number;
    const own = changes !== this.seenChanges;
    this.seenChanges = changes;
    if (this.memory) return own;
    if (this.fd === undefined) return true;
    // Nothing written by this connection, and the header already read this turn: that answer stands.
    if (!own && this.readThisTurn) return false;
    if (!this.readThisTurn) {
      this.readThisTurn = true;
      setImmediate(this.nextTurn);
    }
    try {
      if (readSync(this.fd, this.header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return true;
    } catch {
      return true;
    }
    const moved = own || !this.header.equals(this.seen);
    if (moved) this.header.copy(this.seen);
    return moved;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
