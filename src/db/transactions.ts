import type { DB } from './open.js';

export type Writer = <T>(fn: () => T) => T;
const writers = new WeakMap<DB, Writer>();

/**
 * Runs fn in one IMMEDIATE transaction (the write lock taken up front, so concurrent check-then-insert
 * cannot interleave). Built once per database and shared: better-sqlite3's db.transaction() is costly per call.
 * Called inside a transaction (a batch, a seed), fn joins it: undoing fn is then the caller's business.
 */
export function immediateWriter(db: DB): Writer {
  let writer = writers.get(db);
  if (!writer) {
    const tx = db.transaction((fn: () => unknown) => fn());
    writer = <T>(fn: () => T): T => (db.inTransaction ? fn() : (tx.immediate(fn) as T));
    writers.set(db, writer);
  }
  return writer;
}

export type BatchWriter = <T>(fn: () => T) => Promise<T>;
const batchers = new WeakMap<DB, { write: BatchWriter; flush: () => void }>();

/** The most writes one transaction takes: a longer batch would hold the event loop too long. */
export const BATCH_MAX = 64;

/** A batch item threw after it had written: the batch must be undone and its items run one by one. */
class WroteThenThrew extends Error {}

/**
 * Group commit. Writes that arrive in the same turn of the event loop run together at its end, in one
 * IMMEDIATE transaction, and each promise settles only after the COMMIT: a write is answered once durable.
 * A commit costs far more than an insert (every touched page goes to the WAL), so under concurrent writes
 * this is most of a create's cost saved.
 *
 * Items run without savepoints (a savepoint journals every page its item touches). That is safe because
 * an item that refuses (a duplicate, a missing invitation) does so before it writes: its refusal stands
 * and the others go on. An item that throws after writing anything (SQLite's count of changed rows moved)
 * cannot be undone alone: the whole transaction is rolled back, and every item of the batch runs again in
 * a transaction of its own. If the transaction itself fails (another process holds the write lock past
 * busy_timeout, a full disk), every write in it fails with that error and none is kept.
 */
export function batchWriter(db: DB): BatchWriter {
  const batcher = batchers.get(db);
  if (batcher) return batcher.write;
  type Item = { fn: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void };
  type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
  const one = immediateWriter(db);
  const changes = db.prepare('SELECT total_changes()').pluck();
  const together = db.transaction((items: Item[]): Outcome[] =>
    items.map((item) => {
      const before = changes.get();
      try {
        return { ok: true, value: item.fn() };
      } catch (err) {
        if (!db.inTransaction || changes.get() !== before) throw new WroteThenThrew();
        return { ok: false, err };
      }
    }),
  );
  const alone = (item: Item): void => {
    try {
      item.resolve(one(item.fn));
    } catch (err) {
      item.reject(err);
    }
  };
  let queue: Item[] = [];
  const run = (items: Item[]): void => {
    if (items.length === 1) {
      alone(items[0]!);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = together.immediate(items);
    } catch (err) {
      if (err instanceof WroteThenThrew) {
        items.forEach(alone);
        return;
      }
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
  const write = <T>(fn: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
    });
  batchers.set(db, { write, flush });
  return write;
}

/** Runs the writes still queued for the group commit now, before the database closes. */
export function flushWrites(db: DB): void {
  batchers.get(db)?.flush();
}
