import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fillDatabase } from './fill.js';
import { type BenchResult, loadNow, machineInfo } from './report.js';
import { ROOT, type Server, startEmulator } from './servers.js';

/** One kind of request in the soak's mix. */
export type SoakAction = 'list' | 'list pending' | 'create' | 'bulk of 10' | 'revoke' | 'accept link' | 'reset';

/**
 * Each action's share of requests, in percent: a test suite's traffic on many keys. A revoke takes the
 * key's newest invitation it created and an accept link its oldest one still pending; with none, it creates.
 */
export const SOAK_MIX: Record<SoakAction, number> = {
  list: 50,
  'list pending': 10,
  create: 15,
  'bulk of 10': 5,
  revoke: 10,
  'accept link': 8,
  reset: 2,
};

/**
 * Invitations per key at the mix's steady state (rows added per request over the resets' share), put in
 * the database before the start so that the first interval already runs on a database of its final size.
 */
export const SOAK_ROWS_PER_KEY = Math.round((SOAK_MIX.create + 10 * SOAK_MIX['bulk of 10']) / SOAK_MIX.reset);

export interface SoakOptions {
  seconds: number;
  intervalSeconds: number;
  connections: number;
  keys: number;
  /** Fail on errors and non-2xx only, not on p99 or RSS growth (a short run, as in CI). */
  errorsOnly: boolean;
}

export interface SoakInterval {
  /** Seconds from the start of the load to the end of this interval. */
  endSeconds: number;
  requests: number;
  rps: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
  /** The server's RSS at the end of the interval. */
  rssMiB: number;
  /** The highest of the server's RSS read every second of the interval. */
  rssMaxMiB: number;
  /** The database file and its WAL at the end of the interval. */
  dbMiB: number;
}

export interface Flatness {
  first: number;
  last: number;
  /** The most `last` may be. */
  limit: number;
  met: boolean;
}

export interface SoakResult {
  date: string;
  machine: BenchResult['machine'];
  driver: 'autocannon';
  options: SoakOptions;
  mix: Record<SoakAction, number>;
  rowsPerKey: number;
  intervals: SoakInterval[];
  /** Over the whole run; latency from the request's setup to its response, as seen by the bench process. */
  byAction: Record<SoakAction, { requests: number; non2xx: number; p50: number; p99: number }>;
  /** The first few failed responses, to see why. */
  failures: { action: string; status: number; body: string }[];
  rule: string;
  /** Intervals of the warm-up, at the start of `intervals`. */
  warmupIntervals: number;
  p99: Flatness;
  rss: Flatness;
  ok: boolean;
}

/** The warm-up, not judged: time for the request journal and the heap to fill under this mix (BENCHMARKS.md). */
export const SOAK_WARMUP_SECONDS = 120;

export const FLATNESS_RULE =
  `the first ${SOAK_WARMUP_SECONDS} s (at most a third of the run, at least one interval) are a warm-up; of the other intervals, ` +
  'the median p99 of the last three is at most 1.5 × that of the first three ' +
  '(halves when fewer than six), and the highest server RSS read (every second) in the last three is at most 1.1 × the highest in the first three';

interface KeyState {
  key: string;
  /** Invitations this run created on the key and left pending: id and the link's path. */
  pending: { id: string; link: string }[];
}

interface Sent {
  state?: KeyState;
  action?: SoakAction;
  began?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const percentile = (sorted: number[], q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;

/** A seeded generator of numbers in [0, 1): every run draws the same sequence of actions. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixed traffic over many keys against the built CLI on a file database, measured interval by interval.
 * No two requests on one key are ever in flight together (each key waits in a queue between its
 * requests), so no request depends on a race and any non-2xx is a failure.
 */
export async function soak(o: SoakOptions): Promise<SoakResult> {
  if (o.keys < 2 * o.connections) throw new Error('the soak needs at least two keys per connection');
  const loadBefore = loadNow();
  const work = mkdtempSync(join(tmpdir(), 'clerk-mock-soak-'));
  const file = join(work, 'soak.db');
  const states: KeyState[] = Array.from({ length: o.keys }, (_, i) => ({ key: `sk_test_soak_${i}`, pending: [] }));
  fillDatabase(
    file,
    states.map((s) => s.key),
    SOAK_ROWS_PER_KEY,
    0,
  );
  let server: Server | undefined;
  try {
    server = await startEmulator({ db: file });
    const run = await drive(server, file, o, states);
    const warmupIntervals = Math.max(1, Math.floor(Math.min(SOAK_WARMUP_SECONDS, o.seconds / 3) / o.intervalSeconds));
    const measured = run.intervals.slice(warmupIntervals);
    const w = Math.max(1, Math.min(3, Math.floor(measured.length / 2)));
    const p99First = median(measured.slice(0, w).map((i) => i.p99));
    const p99Last = median(measured.slice(-w).map((i) => i.p99));
    // The highest reading, not one at an instant: RSS swings with garbage collection, a leak raises its ceiling.
    const rssFirst = Math.max(0, ...measured.slice(0, w).map((i) => i.rssMaxMiB));
    const rssLast = Math.max(0, ...measured.slice(-w).map((i) => i.rssMaxMiB));
    const p99 = { first: p99First, last: p99Last, limit: 1.5 * p99First, met: p99Last <= 1.5 * p99First };
    const rss = { first: rssFirst, last: rssLast, limit: 1.1 * rssFirst, met: rssLast <= 1.1 * rssFirst };
    // Every action made requests, and none failed.
    const clean =
      run.intervals.every((i) => i.errors === 0 && i.non2xx === 0) &&
      Object.values(run.byAction).every((a) => a.requests > 0);
    return {
      date: new Date().toISOString(),
      machine: machineInfo(loadBefore),
      driver: 'autocannon',
      options: o,
      mix: SOAK_MIX,
      rowsPerKey: SOAK_ROWS_PER_KEY,
      ...run,
      rule: FLATNESS_RULE,
      warmupIntervals,
      p99,
      rss,
      ok: clean && measured.length > 0 && (o.errorsOnly || (p99.met && rss.met)),
    };
  } finally {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function drive(server: Server, file: string, o: SoakOptions, states: KeyState[]) {
  const random = mulberry32(20);
  const actions = Object.entries(SOAK_MIX) as [SoakAction, number][];
  const total = actions.reduce((n, [, share]) => n + share, 0);
  const byAction = Object.fromEntries(
    actions.map(([a]) => [a, { requests: 0, non2xx: 0, p50: 0, p99: 0 }]),
  ) as SoakResult['byAction'];
  const latencies = Object.fromEntries(actions.map(([a]) => [a, [] as number[]])) as Record<SoakAction, number[]>;
  const failures: SoakResult['failures'] = [];
  // Keys between requests, oldest first: each request takes the key that has waited longest.
  const idle = [...states];
  const tag = Date.now().toString(36);
  let emails = 0;
  const email = (): string => `soak-${tag}-${emails++}@example.com`;

  let current = { requests: 0, errors: 0, non2xx: 0, latencies: [] as number[], rssMax: 0 };
  const intervals: SoakInterval[] = [];

  const pick = (state: KeyState): SoakAction => {
    let r = random() * total;
    for (const [action, share] of actions) {
      r -= share;
      if (r < 0)
        return (action === 'revoke' || action === 'accept link') && state.pending.length === 0 ? 'create' : action;
    }
    return 'list';
  };

  const setupRequest = (req: autocannon.Request, context: object): autocannon.Request => {
    const sent = context as Sent;
    const state = idle.shift();
    // Only when requests lost to errors have kept their keys out of the queue: a request with no key state.
    if (!state) return { ...req, method: 'GET', path: '/_emulator/health' };
    const action = pick(state);
    sent.state = state;
    sent.action = action;
    sent.began = performance.now();
    const auth = { authorization: `Bearer ${state.key}` };
    const json = { ...auth, 'content-type': 'application/json' };
    switch (action) {
      case 'list':
        return { ...req, method: 'GET', path: '/v1/invitations?paginated=true&limit=10', headers: auth };
      case 'list pending':
        return {
          ...req,
          method: 'GET',
          path: '/v1/invitations?paginated=true&limit=10&status=pending',
          headers: auth,
        };
      case 'create':
        return {
          ...req,
          method: 'POST',
          path: '/v1/invitations',
          headers: json,
          body: JSON.stringify({ email_address: email() }),
        };
      case 'bulk of 10':
        return {
          ...req,
          method: 'POST',
          path: '/v1/invitations/bulk',
          headers: json,
          body: JSON.stringify(Array.from({ length: 10 }, () => ({ email_address: email() }))),
        };
      case 'revoke':
        return { ...req, method: 'POST', path: `/v1/invitations/${state.pending.pop()!.id}/revoke`, headers: auth };
      // What the invitee clicks: no key, the ticket in the link is the credential.
      case 'accept link':
        return { ...req, method: 'GET', path: state.pending.shift()!.link, headers: {} };
      case 'reset':
        state.pending = [];
        return { ...req, method: 'POST', path: '/_emulator/reset', headers: auth };
    }
  };

  const keep = (state: KeyState, body: string): void => {
    const parsed = JSON.parse(body) as { id: string; url: string } | { id: string; url: string }[];
    for (const inv of Array.isArray(parsed) ? parsed : [parsed]) {
      const link = new URL(inv.url);
      state.pending.push({ id: inv.id, link: `${link.pathname}${link.search}` });
    }
    // The newest 20 are enough to revoke and accept from; older ones stay pending in the database.
    if (state.pending.length > 20) state.pending.splice(0, state.pending.length - 20);
  };

  const onResponse = (status: number, body: string, context: object): void => {
    const { state, action, began } = context as Sent;
    if (!state || !action || began === undefined) return;
    const ok = status >= 200 && status < 300;
    byAction[action].requests++;
    latencies[action].push(performance.now() - began);
    if (!ok) {
      byAction[action].non2xx++;
      if (failures.length < 10) failures.push({ action, status, body: body.slice(0, 300) });
    } else if (action === 'create' || action === 'bulk of 10') keep(state, body);
    idle.push(state);
  };

  const started = performance.now();
  const dbMiB = (): number =>
    [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0) / 2 ** 20;
  const count = Math.max(1, Math.round(o.seconds / o.intervalSeconds));

  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: o.connections,
        // Stopped by the last interval; the duration is only a bound.
        duration: o.seconds + 60,
        timeout: 20,
        requests: [{ setupRequest, onResponse }],
      },
      (err) => (err ? reject(err) : resolve()),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      current.requests++;
      if (status < 200 || status >= 300) current.non2xx++;
      current.latencies.push(ms);
    });
    instance.on('reqError', () => {
      current.errors++;
    });
    const sampler = setInterval(() => {
      current.rssMax = Math.max(current.rssMax, server.rssMiB());
    }, 1000);
    const timer = setInterval(() => {
      const ended = current;
      current = { requests: 0, errors: 0, non2xx: 0, latencies: [], rssMax: 0 };
      const sorted = ended.latencies.sort((a, b) => a - b);
      const endSeconds = (performance.now() - started) / 1000;
      const previous = intervals.at(-1)?.endSeconds ?? 0;
      intervals.push({
        endSeconds,
        requests: ended.requests,
        rps: ended.requests / (endSeconds - previous),
        errors: ended.errors,
        non2xx: ended.non2xx,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        rssMiB: server.rssMiB(),
        rssMaxMiB: Math.max(ended.rssMax, server.rssMiB()),
        dbMiB: dbMiB(),
      });
      console.error(`  soak ${soakRow(intervals.at(-1)!)}`);
      if (intervals.length === count) {
        clearInterval(timer);
        clearInterval(sampler);
        instance.stop();
      }
    }, o.intervalSeconds * 1000);
  });
  for (const [action] of actions) {
    const sorted = latencies[action].sort((a, b) => a - b);
    byAction[action].p50 = percentile(sorted, 0.5);
    byAction[action].p99 = percentile(sorted, 0.99);
  }
  return { intervals, byAction, failures };
}

const soakRow = (i: SoakInterval): string =>
  [
    `${Math.round(i.endSeconds)} s`.padStart(7),
    String(i.requests).padStart(9),
    String(Math.round(i.rps)).padStart(7),
    String(i.errors).padStart(6),
    String(i.non2xx).padStart(7),
    i.p50.toFixed(1).padStart(7),
    i.p99.toFixed(1).padStart(7),
    i.rssMiB.toFixed(1).padStart(7),
    i.rssMaxMiB.toFixed(1).padStart(7),
    i.dbMiB.toFixed(1).padStart(6),
  ].join(' ');

/** The per-interval table and the verdict, as printed. */
export function soakTable(r: SoakResult): string {
  const verdict = (name: string, f: Flatness, unit: string): string =>
    `${name}: ${f.first.toFixed(1)} → ${f.last.toFixed(1)} ${unit} (at most ${f.limit.toFixed(1)}): ${f.met ? 'flat' : 'GREW'}`;
  const actions = Object.entries(r.byAction).map(
    ([a, n]) =>
      `  ${a.padEnd(13)}${String(n.requests).padStart(9)}${String(n.non2xx).padStart(8)}${n.p50.toFixed(1).padStart(8)}${n.p99.toFixed(1).padStart(8)}`,
  );
  return [
    `soak: ${r.options.connections} connections over ${r.options.keys} keys (${r.rowsPerKey} invitations each at the start), ` +
      `${r.options.seconds} s in intervals of ${r.options.intervalSeconds} s, autocannon`,
    `    end  requests   req/s errors non-2xx p50 ms  p99 ms RSS MiB RSS max db MiB`,
    ...r.intervals.map((i, n) => `${soakRow(i)}${n < r.warmupIntervals ? '  warm-up' : ''}`),
    `  action        requests non-2xx  p50 ms  p99 ms`,
    ...actions,
    `rule: ${r.rule}`,
    verdict('p99', r.p99, 'ms'),
    verdict('RSS', r.rss, 'MiB'),
    ...r.failures.map((f) => `failed: ${f.action} ${f.status} ${f.body}`),
    `${r.ok ? 'PASS' : 'FAIL'}${r.options.errorsOnly ? ' (errors only: growth is reported, not judged)' : ''}`,
  ].join('\n');
}

/** `npm run bench -- --soak …`: runs the soak, prints its table, writes its JSON; the exit code, 1 when it failed. */
export async function soakCommand(args: {
  'soak-minutes'?: string | undefined;
  'soak-seconds'?: string | undefined;
  'soak-interval'?: string | undefined;
  'soak-errors-only'?: boolean | undefined;
  out?: string | undefined;
}): Promise<number> {
  if (!existsSync(join(ROOT, 'dist/cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)');
  const seconds = Number(args['soak-seconds'] ?? Number(args['soak-minutes'] ?? 10) * 60);
  const intervalSeconds = Number(args['soak-interval'] ?? Math.max(5, Math.round(seconds / 10)));
  if (!(seconds > 0 && intervalSeconds > 0))
    throw new Error('--soak-seconds, --soak-minutes and --soak-interval take a positive number');
  const result = await soak({
    seconds,
    intervalSeconds,
    connections: 50,
    keys: 1000,
    errorsOnly: args['soak-errors-only'] === true,
  });
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const out = args.out ?? join(dir, `soak-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(soakTable(result));
  console.log(`\nwritten to ${out}`);
  return result.ok ? 0 : 1;
}
