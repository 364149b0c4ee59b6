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

/**
 * The request journals of every instance, bounded: at most `perInstance` entries per instance and
 * JOURNAL_TOTAL_FACTOR × `perInstance` in all, each entry in two doubly linked lists (its instance's and one
 * global list in arrival order), so recording and evicting one entry are O(1) and an instance whose journal
 * empties is forgotten.
 */
export class JournalStore {
  private readonly logs = new Map<number, Log>();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  private count = 0;
  readonly total: number;

  constructor(readonly perInstance: number) {
    this.total = JOURNAL_TOTAL_FACTOR * perInstance;
  }

  /** Entries kept in all instances. */
  get size(): number {
    return this.count;
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
    const entry: Entry = { recorded, log, older: log.newest, newer: null, globalOlder: this.newest, globalNewer: null };
    if (log.newest) log.newest.newer = entry;
    else log.oldest = entry;
    log.newest = entry;
    log.count++;
    if (this.newest) this.newest.globalNewer = entry;
    else this.oldest = entry;
    this.newest = entry;
    this.count++;
    if (log.count > this.perInstance) this.evict(log.oldest as Entry);
    if (this.count > this.total) this.evict(this.oldest as Entry);
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
    if (--log.count === 0) this.logs.delete(log.instanceId);
  }
}
