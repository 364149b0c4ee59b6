import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DB } from './open.js';

/** The WAL-index header (https://www.sqlite.org/walformat.html#the_wal_index_file_format): 48 bytes. */
const HEADER_BYTES = 48;

/**
 * Tells, without a statement, whether any transaction has committed to the database since the last call,
 * by this process or any other. A statement costs a read transaction (file locks, a size check: about
 * 10 µs in a busy server); this costs one 48-byte read.
 *
 * A WAL database's readers find the latest commit through the WAL-index header at the start of its -shm
 * file, which every commit rewrites (its iChange counter, frame count and salts), by any process. So two
 * equal reads of it mean no commit in between. A read torn by a commit in flight differs, and only costs
 * a needless re-read. Callers must read through this before they read the database: a commit between
 * the two is then seen by the next call. A :memory: database has no other process and no -shm file: there
 * SQLite's count of this connection's changes stands in (it counts rolled-back changes too: harmless).
 * Where the -shm file cannot be read, every call answers true: always read the database.
 */
export class CommitWatch {
  private readonly fd: number | undefined;
  private readonly memory: boolean;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private readonly seen = Buffer.alloc(HEADER_BYTES);
  private readonly changes;
  private seenChanges = -1;
  private first = true;

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
    if (this.memory) {
      const changes = this.changes.get() as number;
      const moved = changes !== this.seenChanges;
      this.seenChanges = changes;
      return moved;
    }
    if (this.fd === undefined) return true;
    try {
      if (readSync(this.fd, this.header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return true;
    } catch {
      return true;
    }
    const moved = this.first || !this.header.equals(this.seen);
    this.first = false;
    if (moved) this.header.copy(this.seen);
    return moved;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
