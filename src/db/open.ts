import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { flushWrites } from './transactions.js';

export type DB = Database.Database;

/** The page cache, in SQLite's unit for a negative cache_size: KiB. */
const CACHE_SIZE = -2000;

/** Opens the database, sets pragmas (before any transaction: they are no-ops inside one) and migrates. */
export function openDatabase(path: string): DB {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    // Statement journals (a statement with a trigger, e.g. every insert keeping invitation_counts) in memory,
    // not in a temp file written on every create.
    db.pragma('temp_store = MEMORY');
    // SQLite's own default page cache, not better-sqlite3's build default of 16 MB (BENCHMARKS.md).
    db.pragma(`cache_size = ${CACHE_SIZE}`);
    if (path !== ':memory:' && path !== '') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Hot pages (index tails, counters) are written back to the database once per 10k WAL frames, not per 1k.
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

/** Writes still queued for the group commit are written, not dropped; then the WAL is checkpointed. */
export function closeDatabase(db: DB): void {
  if (!db.open) return;
  flushWrites(db);
  if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
