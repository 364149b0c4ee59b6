import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface Hotspot {
  percent: number;
  fn: string;
  where: string;
}

/** A function's key: its name and where it is (a package's path from node_modules, ours from dist/). */
function frameKey(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'}\t${where}`;
}

/** Hits per key, largest first, as percentages of all hits. */
function ranked(hitsByKey: Map<string, number>, all: number, top: number): Hotspot[] {
  return [...hitsByKey.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => {
      const [fn = '', where = ''] = key.split('\t');
      return { percent: Math.round((hits / all) * 1000) / 10, fn, where };
    });
}

/** Self time per function (summed over call sites) from a V8 .cpuprofile, largest first. */
export function hotspots(file: string, top = 25): Hotspot[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + hits);
    total += hits;
  }
  return ranked(self, total, top);
}

export const latestProfile = (dir: string): string | undefined =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => join(dir, f))
    .at(-1);

/** Inclusive time per function (self time plus every callee's, each function counted once per stack), largest first. */
export function inclusive(file: string, top = 40): Hotspot[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: (ProfileNode & { children?: number[] })[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  let all = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    all += hits;
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const key = frameKey(byId.get(id)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + hits);
    }
  }
  return ranked(total, all, top);
}
