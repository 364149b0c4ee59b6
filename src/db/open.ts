import Database from 'better-sqlite3';
import { migrate } from './migrate.js';

export type DB = Database.Database;

/** Opens the database, sets pragmas (before any transaction: they are no-ops inside one) and migrates. */
export function openDatabase(path: string): DB {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    // Statement journals (a statement with a trigger, e.g. every insert keeping invitation_counts) in memory,
    // not in a temp file: that file's writes were half the cost of a create.
    db.pragma('temp_store = MEMORY');
    if (path !== ':memory:' && path !== '') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A create touches about 20 pages; checkpointing every 10k frames instead of 1k writes hot pages
      // (index tails, counters) back once instead of ten times, and fsyncs a tenth as often.
      db.pragma('wal_autocheckpoint = 10000');
    }
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export type Writer = <T>(fn: () => T) => T;
const writers = new WeakMap<DB, Writer>();

/**
 * Runs fn in one IMMEDIATE transaction (the write lock taken up front, so concurrent check-then-insert
 * cannot interleave). Built once per database and shared: better-sqlite3's db.transaction() is costly per call.
 */
export function immediateWriter(db: DB): Writer {
  let writer = writers.get(db);
  if (!writer) {
    const tx = db.transaction((fn: () => unknown) => fn());
    writer = <T>(fn: () => T): T => tx.immediate(fn) as T;
    writers.set(db, writer);
  }
  return writer;
}

export function closeDatabase(db: DB): void {
  if (!db.open) return;
  if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
