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

export type BatchWriter = <T>(fn: () => T) => Promise<T>;
const batchers = new WeakMap<DB, { write: BatchWriter; flush: () => void }>();

/** The most writes one transaction takes: a longer batch would hold the event loop too long. */
export const BATCH_MAX = 64;

/**
 * Group commit. Writes that arrive in the same turn of the event loop run together at its end, in one
 * IMMEDIATE transaction: each in its own savepoint (the immediateWriter nested in it), so one that throws
 * leaves the others, and each promise settles only after the COMMIT: a write is answered once durable.
 * A commit costs far more than an insert (every touched page goes to the WAL), so under concurrent writes
 * this is most of a create's cost saved. If the transaction itself fails (another process holds the write
 * lock past busy_timeout, a full disk), every write in it fails with that error and none is kept.
 */
export function batchWriter(db: DB): BatchWriter {
  let batcher = batchers.get(db);
  if (batcher) return batcher.write;
  type Item = { fn: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void };
  type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
  const one = immediateWriter(db);
  const all = db.transaction((items: Item[]): Outcome[] => items.map((item) => {
    try {
      return { ok: true, value: one(item.fn) };
    } catch (err) {
      return { ok: false, err };
    }
  }));
  let queue: Item[] = [];
  const run = (items: Item[]): void => {
    if (items.length === 1) {
      const [item] = items as [Item];
      try {
        item.resolve(one(item.fn));
      } catch (err) {
        item.reject(err);
      }
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = all.immediate(items);
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    items.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  };
  const flush = (): void => {
    const items = queue;
    queue = [];
    for (let i = 0; i < items.length; i += BATCH_MAX) run(items.slice(i, i + BATCH_MAX));
  };
  const write = <T>(fn: () => T): Promise<T> => new Promise<T>((resolve, reject) => {
    if (queue.length === 0) setImmediate(flush);
    queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
  });
  batchers.set(db, { write, flush });
  return write;
}

export function closeDatabase(db: DB): void {
  if (!db.open) return;
  // Writes still queued for the batch are written, not dropped.
  batchers.get(db)?.flush();
  if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
