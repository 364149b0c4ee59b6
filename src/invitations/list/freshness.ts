// When a cached list answer (a page of PageCache, an expired count of ListCounter) may still be served.
//
// The contract: a cached answer is served only while (1) the version it was computed under equals the
// one this request read, and (2) the instance clock is inside the span of instance time it holds for.
// Everything else it depends on (instance, statuses, order, page, query, base URL) is in its cache key.
//
// (1) The version is InstanceState.listVersion, the sum of the instance's `invitation_counts.changes`
//     (db/instances.ts; ListCounter uses the pending status's own `changes`). Triggers bump it inside
//     the transaction of every write to an invitation row: inserts, deletes and moves between statuses
//     or expiry times (migration 002), and every other update (invitations_version_touch, migrations 003 and 004).
//     The auth hook reads the instance, version included, before the route reads any row, and
//     InstanceStore.byId reads it from the database again whenever CommitWatch reports a commit since its
//     last read: this connection's by SQLite's total_changes(), another process's by the -shm header.
//     A write that lands between the two reads leaves the answer stored under the older version: the
//     next request misses, and none is served stale.
// (2) The span is [from, until): until is the first instant at which a row on the page, or one its
//     status filter counts, turns from pending to expired.
//
// So a new write to `invitations` through SQLite keeps every list fresh without more code (the triggers
// run); a new table or column whose value a list shows must bump `changes` in its own trigger.

/** What a cached answer was computed under. */
export interface Stamp {
  version: number;
  from: number;
  until: number;
}

/** The rule above: the same version, and the instance clock within [from, until). */
export const isFresh = (stamp: Stamp, version: number, now: number): boolean =>
  stamp.version === version && now >= stamp.from && now < stamp.until;
