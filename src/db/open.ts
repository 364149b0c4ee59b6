import { closeSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { foreignTables, migrate } from './migrate.js';
import { DatabaseOpenError, openFailure } from './open-error.js';
import { flushWrites } from './transactions.js';

export type DB = Database.Database;

/** The page cache, in SQLite's unit for a negative cache_size: KiB. */
const CACHE_SIZE = -2000;

/** Owner read and write only: invitations hold tickets that accept them. SQLite gives -wal and -shm the same mode. */
const NEW_FILE_MODE = 0o600;

/**
 * Opens the database, refuses another application's file, sets pragmas (before any transaction: they are no-ops
 * inside one), migrates, and proves it can be written. Any failure is one DatabaseOpenError naming the path.
 */
export function openDatabase(path: string): DB {
  const file = path !== ':memory:' && path !== '';
  let db: DB;
  try {
    if (file) createFile(path);
    db = new Database(path);
  } catch (err) {
    throw openFailure(path, err);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const foreign = foreignTables(db);
    if (foreign.length > 0)
      throw new DatabaseOpenError(
        path,
        `holds tables that are not clerk-invitations-mock's (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); point it at a new file or one this emulator created`,
      );
    // Statement journals (a statement with a trigger, e.g. every update or delete keeping invitation_counts) in memory,
    // not in a temp file written on every revoke and reset.
    db.pragma('temp_store = MEMORY');
    // SQLite's own default page cache, not better-sqlite3's build default of 16 MB (BENCHMARKS.md).
    db.pragma(`cache_size = ${CACHE_SIZE}`);
    if (file) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Hot pages (index tails, counters) are written back to the database once per 10k WAL frames, not per 1k.
      db.pragma('wal_autocheckpoint = 10000');
    }
    db.pragma('foreign_keys = ON');
    migrate(db);
    proveWritable(db);
    return db;
  } catch (err) {
    db.close();
    throw openFailure(path, err);
  }
}

/** Creates a missing file with NEW_FILE_MODE before SQLite does (with 0644); refuses a folder. */
function createFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', NEW_FILE_MODE));
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
  }
  if (statSync(path).isDirectory()) throw new DatabaseOpenError(path, 'is a folder, not a database file');
}

/**
 * Rewrites user_version to itself, a real page write committed to the disk, so that a read-only file or
 * folder or a full disk stops start-up instead of failing every write once serving. Read under the write
 * lock, since another process on the file may have just migrated.
 */
function proveWritable(db: DB): void {
  db.transaction(() => {
    db.pragma(`user_version = ${db.pragma('user_version', { simple: true }) as number}`);
  }).immediate();
}

/**
 * Writes still queued for the group commit are written, not dropped; then the WAL is checkpointed and the
 * database closed. Returns the checkpoint's error when the disk refuses it (read-only, full): the database
 * is closed all the same, and its WAL, which holds every commit, is replayed at the next open.
 */
export function closeDatabase(db: DB): Error | undefined {
  if (!db.open) return undefined;
  flushWrites(db);
  let failed: Error | undefined;
  try {
    if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    failed = err as Error;
  }
  db.close();
  return failed;
}
