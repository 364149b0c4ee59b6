import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const newSpaceBytes = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Stops V8's young generation from growing past `semiSpaceMiB` per semi-space (it has two). Under load V8
 * doubles it up to 16 MiB, 32 MiB resident, and keeps it while busy; at 4 MiB the server keeps its speed
 * (A/B of the bench's operations, CPU time per request) with about 24 MiB less memory.
 * --max-semi-space-size counts only when node starts, and `node dist/cli.js` takes no flags, but the
 * growth factor is read at every growth: set to 1 once the cap is reached, growth stops.
 * GC entries reach the observer late, after some more GCs: the cap can be overshot by a doubling (busy
 * servers grow it slowly, one doubling needs a whole young generation of survivors, so they stop at it).
 */
export function capYoungGeneration(semiSpaceMiB: number): void {
  const cap = 2 * semiSpaceMiB * 2 ** 20;
  const observer = new PerformanceObserver(() => {
    if (newSpaceBytes() < cap) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
