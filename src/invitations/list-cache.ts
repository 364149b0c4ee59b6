interface Page {
  version: number;
  /** The page is right for instance clocks in [from, until): a row on it, or in its filter, expires at until. */
  from: number;
  until: number;
  body: string;
}

/** Bounds on what the cache keeps: pages are a few KiB each; a 500-row page is about 250 KiB. */
export const LIST_CACHE_LIMITS = { pages: 512, bytes: 8 * 1024 * 1024 };

/**
 * Rendered list pages, reused while nothing in the instance has changed. The version is read from the
 * database with the instance on every request (InstanceState.listVersion: the sum of the instance's
 * counters' `changes`, bumped by triggers inside every writing transaction), so a write by this process
 * or any other on the same file makes every cached page of that instance stale at once. The clock is an input too: a page is
 * kept only for the span of instance time in which none of its statuses, nor its filter's matches, change.
 */
export class ListCache {
  private readonly pages = new Map<string, Page>();
  private bytes = 0;

  get(key: string, version: number, now: number): string | undefined {
    const page = this.pages.get(key);
    return page && page.version === version && now >= page.from && now < page.until ? page.body : undefined;
  }

  set(key: string, page: Page): void {
    this.delete(key);
    if (page.body.length > LIST_CACHE_LIMITS.bytes / 4) return;
    this.pages.set(key, page);
    this.bytes += page.body.length;
    // Oldest first: Map keeps insertion order.
    for (const [oldest] of this.pages) {
      if (this.pages.size <= LIST_CACHE_LIMITS.pages && this.bytes <= LIST_CACHE_LIMITS.bytes) break;
      this.delete(oldest);
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
