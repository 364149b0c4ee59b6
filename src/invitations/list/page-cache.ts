import { isFresh, type Stamp } from './freshness.js';

interface Page extends Stamp {
  body: string;
}

/** Bounds on what the cache keeps, in pages and in characters of rendered JSON. */
export const LIST_CACHE_LIMITS = { pages: 512, bytes: 8 * 1024 * 1024 };

const FREQUENCY_SLOTS = 4096;
/** Counts stop here (TinyLFU's 4-bit counters): a page that was hot long ago is back to 0 after four halvings. */
const MAX_COUNT = 15;
/** Counts halve every this many lookups (TinyLFU's sample: ten times the cache). */
export const DECAY_PERIOD = LIST_CACHE_LIMITS.pages * 10;

/** FNV-1a of the key, folded to a counter slot (a collision only shares a count). */
function slot(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (FREQUENCY_SLOTS - 1);
}

/**
 * Rendered list pages, served while fresh (freshness.ts).
 *
 * When full, a new page displaces the oldest only if it is asked for more often (TinyLFU's admission, with
 * a small table of decaying counts): a client paging through more pages than the cache holds would
 * otherwise replace every page before its next use, and each replaced page is garbage the heap must grow for.
 */
export class PageCache {
  private readonly pages = new Map<string, Page>();
  private bytes = 0;
  private readonly asked = new Uint8Array(FREQUENCY_SLOTS);
  private lookups = 0;

  get(key: string, version: number, now: number): string | undefined {
    this.count(key);
    const page = this.pages.get(key);
    return page && isFresh(page, version, now) ? page.body : undefined;
  }

  set(key: string, page: Page): void {
    this.delete(key);
    if (page.body.length > LIST_CACHE_LIMITS.bytes / 4) return;
    const oldest = this.pages.keys().next().value;
    if (this.pages.size >= LIST_CACHE_LIMITS.pages && oldest !== undefined) {
      if (this.asked[slot(key)]! <= this.asked[slot(oldest)]!) return;
      this.delete(oldest);
    }
    this.pages.set(key, page);
    this.bytes += page.body.length;
    // Oldest first (Map keeps insertion order) until within the byte bound.
    for (const [first] of this.pages) {
      if (this.bytes <= LIST_CACHE_LIMITS.bytes) break;
      this.delete(first);
    }
  }

  private count(key: string): void {
    const i = slot(key);
    if (this.asked[i]! < MAX_COUNT) this.asked[i]!++;
    // Counts decay, so that what was asked for often long ago gives way to what is asked for now: within
    // one period for a page asked for once in every 8 lookups (its count reaches the cap of a formerly hot
    // page halved once).
    if (++this.lookups >= DECAY_PERIOD) {
      this.lookups = 0;
      for (let j = 0; j < FREQUENCY_SLOTS; j++) this.asked[j]! >>= 1;
    }
  }

  get size(): number {
    return this.pages.size;
  }

  private delete(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.bytes -= page.body.length;
    this.pages.delete(key);
  }
}
