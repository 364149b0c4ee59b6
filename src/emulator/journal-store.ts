/** What one journal entry keeps: references taken as the request is answered, rendered only when read. */
export interface Recorded {
  /** The request's trace id (request.id, the error body's clerk_trace_id). */
  id: string;
  method: string;
  /** The URL as received; the ticket is cut out when it is read. */
  url: string;
  status: number;
  durationMs: number;
  createdAt: number;
  /** The body text as received, or its size in bytes when over the journal's body limit. */
  requestBody: string | number | null;
  /** The reply's payload as sent, or its size in bytes when over the journal's body limit. */
  responseBody: string | Buffer | number | null;
  faultId: string | null;
  rateLimited: boolean;
}

interface Entry {
  recorded: Recorded;
  /** What the entry counts against JOURNAL_TOTAL_BYTES, fixed when it is recorded. */
  bytes: number;
  log: Log;
  older: Entry | null;
  newer: Entry | null;
  globalOlder: Entry | null;
  globalNewer: Entry | null;
}

interface Log {
  instanceId: number;
  newest: Entry | null;
  oldest: Entry | null;
  count: number;
}

/** How many instances' worth of full journals are kept in all, as a multiple of the per-instance size. */
export const JOURNAL_TOTAL_FACTOR = 20;

/** The most bytes the journals of all instances keep in all, counted as entryBytes counts them. */
export const JOURNAL_TOTAL_BYTES = 16 * 1024 * 1024;

/** What an entry counts besides its URL and bodies: its id, its fields and its list links. */
export const JOURNAL_ENTRY_OVERHEAD = 320;

/** A kept body's length (a string's UTF-16 units, a Buffer's bytes); a body kept as its size counts 0. */
function bodyBytes(kept: string | Buffer | number | null): number {
  return kept === null || typeof kept === 'number' ? 0 : kept.length;
}

/** What one entry counts against JOURNAL_TOTAL_BYTES: the fixed overhead, its URL and its kept bodies. */
export function entryBytes(r: Recorded): number {
  return JOURNAL_ENTRY_OVERHEAD + r.url.length + bodyBytes(r.requestBody) + bodyBytes(r.responseBody);
}

/**
 * The request journals of every instance, bounded: at most `perInstance` entries per instance, and in all at
 * most JOURNAL_TOTAL_FACTOR × `perInstance` entries and JOURNAL_TOTAL_BYTES bytes (the oldest of all
 * instances going first). Each entry is in two doubly linked lists (its instance's and one global list in
 * arrival order), so recording and evicting one entry are O(1) and an instance whose journal empties is
 * forgotten.
 */
export class JournalStore {
  private readonly logs = new Map<number, Log>();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  private count = 0;
  private kept = 0;
  readonly total: number;

  constructor(readonly perInstance: number) {
    this.total = JOURNAL_TOTAL_FACTOR * perInstance;
  }

  /** Entries kept in all instances. */
  get size(): number {
    return this.count;
  }

  /** Bytes kept in all instances, as entryBytes counts them. */
  get bytes(): number {
    return this.kept;
  }

  /** Instances with at least one entry kept (an emptied journal is forgotten). */
  get instances(): number {
    return this.logs.size;
  }

  record(instanceId: number, recorded: Recorded): void {
    if (this.perInstance === 0) return;
    let log = this.logs.get(instanceId);
    if (!log) {
      log = { instanceId, newest: null, oldest: null, count: 0 };
      this.logs.set(instanceId, log);
    }
    const entry: Entry = {
      recorded,
      bytes: entryBytes(recorded),
      log,
      older: log.newest,
      newer: null,
      globalOlder: this.newest,
      globalNewer: null,
    };
    if (log.newest) log.newest.newer = entry;
    else log.oldest = entry;
    log.newest = entry;
    log.count++;
    if (this.newest) this.newest.globalNewer = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.count++;
    this.kept += entry.bytes;
    if (log.count > this.perInstance) this.evict(log.oldest as Entry);
    // O(1) amortized (an entry is evicted once); the new entry (bodies of at most 16 KiB each) always stays.
    while (this.count > this.total || this.kept > JOURNAL_TOTAL_BYTES) this.evict(this.oldest as Entry);
  }

  /** The instance's entries, newest first. */
  *entries(instanceId: number): Generator<Recorded> {
    for (let e = this.logs.get(instanceId)?.newest ?? null; e; e = e.older) yield e.recorded;
  }

  /** Empties one instance's journal; how many entries it held. */
  clear(instanceId: number): number {
    const log = this.logs.get(instanceId);
    if (!log) return 0;
    const n = log.count;
    while (log.oldest) this.evict(log.oldest);
    return n;
  }

  private evict(entry: Entry): void {
    const log = entry.log;
    if (entry.older) entry.older.newer = entry.newer;
    else log.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else log.newest = entry.older;
    if (entry.globalOlder) entry.globalOlder.globalNewer = entry.globalNewer;
    else this.oldest = entry.globalNewer;
    if (entry.globalNewer) entry.globalNewer.globalOlder = entry.globalOlder;
    else this.newest = entry.globalOlder;
    entry.older = entry.newer = entry.globalOlder = entry.globalNewer = null;
    this.count--;
    this.kept -= entry.bytes;
    if (--log.count === 0) this.logs.delete(log.instanceId);
  }
}
