import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const newSpaceBytes = (): number =>
  v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/** V8's own --semi-space-growth-factor (a node started with another value gets this one back after a shrink). */
export const DEFAULT_GROWTH_FACTOR = 2;

/**
 * What to set the young generation's growth factor to after a GC, given its size now: 1 (no growth) at or
 * past the cap, V8's default again below it, undefined when the last setting still holds.
 */
export function youngGenerationPolicy(capBytes: number): (newSpace: number) => number | undefined {
  let growth = DEFAULT_GROWTH_FACTOR;
  return (newSpace) => {
    const wanted = newSpace >= capBytes ? 1 : DEFAULT_GROWTH_FACTOR;
    if (wanted === growth) return undefined;
    growth = wanted;
    return wanted;
  };
}

/**
 * Stops V8's young generation from growing past `semiSpaceMiB` per semi-space (it has two), where V8 would
 * grow it under load to 16 MiB each (BENCHMARKS.md: the memory saved, at the same speed).
 * --max-semi-space-size counts only when node starts, and `node dist/cli.js` takes no flags, but the
 * growth factor is read at every growth: it is 1 while the young generation is at the cap, and V8's
 * default again once V8 has shrunk it (it does when the process idles), so that a server that idled
 * once does not stay on the smallest young generation.
 * GC entries reach the observer late, after some more GCs: the cap can be overshot by a doubling.
 */
export function capYoungGeneration(semiSpaceMiB: number): void {
  const next = youngGenerationPolicy(2 * semiSpaceMiB * 2 ** 20);
  const observer = new PerformanceObserver(() => {
    const factor = next(newSpaceBytes());
    if (factor !== undefined) v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  });
  observer.observe({ entryTypes: ['gc'] });
}
