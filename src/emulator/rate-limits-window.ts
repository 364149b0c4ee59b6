/**
 * The instants (instance clock) of the requests one sliding window has accepted, in time order; a request
 * is counted while its instant is after now minus the window, so advancing the clock frees it.
 */
export class Window {
  private times: number[] = [];
  private head = 0;

  /** Forgets the requests that have left the window at `now` and returns how many are still counted. */
  used(now: number, windowMs: number): number {
    const cutoff = now - windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= cutoff) this.head++;
    // Dropping the forgotten prefix once it is half the array keeps this amortised O(1) and the array bounded.
    if (this.head > 0 && this.head * 2 >= this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** The instant of the n-th oldest counted request (0: the oldest); call after used(). */
  at(n: number): number {
    return this.times[this.head + n] as number;
  }

  /** Counts a request at `now`; an instant before the newest (the clock moved back) is slotted in order. */
  add(now: number): void {
    let i = this.times.length;
    while (i > this.head && (this.times[i - 1] as number) > now) i--;
    if (i === this.times.length) this.times.push(now);
    else this.times.splice(i, 0, now);
  }
}
