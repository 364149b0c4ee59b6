// npm run bench [-- --smoke] [--out file.json] [--seconds N] [--rounds N] [--driver wrk|autocannon] [--profile]
//                 [--skip-million] [--only create,list] [--configs file-1x100k]   (a subset, e.g. to profile one operation)
//                 [--configs file-1x100k,file-1x100k-journal-off]   (the journal's cost: the main configuration with it off)
//                 [--configs per-test,tenants]   (what a test pays; many tenants: bench/per-test.ts, bench/tenants.ts)
//                 [--soak [--soak-minutes N | --soak-seconds N] [--soak-interval S] [--soak-errors-only]]   (bench/soak.ts instead)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fillDatabase, fillThroughApi } from './fill.js';
import { type LoadOptions, load, type Operation, pickDriver } from './load.js';
import { perTest } from './per-test.js';
import { hotspots, latestProfile } from './profile.js';
import { type BenchResult, type ConfigResult, loadNow, machineInfo, table, targets } from './report.js';
import { ROOT, type Server, startBaseline, startEmulator } from './servers.js';
import { soakCommand } from './soak.js';
import { manyTenants } from './tenants.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    out: { type: 'string' },
    seconds: { type: 'string' },
    driver: { type: 'string' },
    profile: { type: 'boolean' },
    'skip-million': { type: 'boolean' },
    only: { type: 'string' },
    configs: { type: 'string' },
    rounds: { type: 'string' },
    soak: { type: 'boolean' },
    'soak-minutes': { type: 'string' },
    'soak-seconds': { type: 'string' },
    'soak-interval': { type: 'string' },
    'soak-errors-only': { type: 'boolean' },
  },
});
if (args.soak) process.exit(await soakCommand(args));
const smoke = args.smoke === true;
const rows = smoke ? 20_000 : 100_000;
const seconds = Number(args.seconds ?? (smoke ? 1 : 5));
const warmup = smoke ? 0 : 1;
/**
 * The operations with a ratio target are measured in rounds on the main configuration, each round the
 * baseline and then the operation, seconds apart; their ratio is the median of the rounds' ratios, so a
 * burst of load from elsewhere on the machine moves one round, not the result.
 */
const rounds = Number(args.rounds ?? (smoke ? 1 : 5));
const TARGET_OPS = ['list', 'list status=pending', 'create'];
const driver = pickDriver(args.driver);
const connections = 50;
const tag = Date.now().toString(36);
const resultsDir = join(ROOT, 'bench/results');
const work = mkdtempSync(join(tmpdir(), 'clerk-mock-bench-'));
mkdirSync(resultsDir, { recursive: true });
if (!existsSync(join(ROOT, 'dist/cli.js')))
  throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const keysFor = (name: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `sk_test_bench_${name}_${i}`);

const UNCACHED_PAGES = Array.from({ length: 4096 }, (_, i) => `limit=${10 + (i % 8)}&offset=${Math.floor(i / 8)}`);

const UNCACHED_QUERIES = Array.from({ length: 4096 }, (_, i) => String(4000 + i));
const offsets = (from: number): string[] => Array.from({ length: 4096 }, (_, i) => String(from + i));

function operations(keys: string[], perInstance: number, ids: string[], writes: boolean): Operation[] {
  const list = '/v1/invitations?paginated=true&limit=10';
  const offset = Math.floor(perInstance * 0.9);
  return [
    { name: 'list', method: 'GET', path: list, keys },
    { name: 'list 1 connection', method: 'GET', path: list, keys, connections: 1 },
    // Repeated pages are served from the list cache; this one asks 4,096 different pages near the start in
    // turn (limit 10-17, offset 0-511), eight times what the cache holds: at most 1 in 8 is served from it.
    { name: 'list uncached', method: 'GET', path: '/v1/invitations?paginated=true&{id}', ids: UNCACHED_PAGES, keys },
    { name: 'list status=pending', method: 'GET', path: `${list}&status=pending`, keys },
    { name: 'list order_by=email_address', method: 'GET', path: `${list}&order_by=email_address`, keys },
    { name: 'list query=substring', method: 'GET', path: `${list}&query=ser4242`, keys },
    { name: `list offset=${offset}`, method: 'GET', path: `${list}&offset=${offset}`, keys },
    // The two linear shapes again, each request a different one, so none is served from the cache.
    {
      name: 'list query=substring uncached',
      method: 'GET',
      path: `${list}&query=ser{id}`,
      ids: UNCACHED_QUERIES,
      keys,
    },
    { name: `list offset=${offset}+ uncached`, method: 'GET', path: `${list}&offset={id}`, ids: offsets(offset), keys },
    ...(writes
      ? ([
          { name: 'bulk of 10', method: 'POST', path: '/v1/invitations/bulk', body: 'bulk10', keys },
          { name: 'revoke', method: 'POST', path: '/v1/invitations/{id}/revoke', ids, keys },
          // Last: on the main configuration its rounds add a few hundred thousand rows.
          { name: 'create', method: 'POST', path: '/v1/invitations', body: 'create', keys },
        ] satisfies Operation[])
      : []),
  ];
}

async function measure(server: Server, op: Operation, config: string, round?: number) {
  const options: LoadOptions = {
    url: server.url,
    connections,
    seconds,
    tag: `${tag}-${config}${round ? `-r${round}` : ''}`,
  };
  if (warmup > 0 && !op.ids && !round) {
    await load(driver, op, { ...options, seconds: warmup, tag: `${options.tag}-warm` });
    await settle(server);
  }
  const result = await load(driver, op, options);
  await settle(server);
  return result;
}

/** Requests still queued when the load generator stops would slow the next operation: wait them out. */
async function settle(server: Server): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const began = performance.now();
    await fetch(`${server.url}/_emulator/health`, { headers: { authorization: 'Bearer sk_test_bench' } });
    if (performance.now() - began < 20) return;
  }
}

const BASELINE_OP: Operation = {
  name: 'baseline',
  method: 'GET',
  path: '/v1/invitations?paginated=true&limit=10',
  keys: ['sk_test_bench'],
};

interface Plan {
  name: string;
  db: 'file' | ':memory:';
  instances: number;
  perInstance: number;
  writes: boolean;
  profile?: boolean;
  /** More flags for the emulator's command. */
  flags?: string[];
  /** Clerk's production rate limits on every instance; the load is spread so that no key goes over them. */
  rateLimit?: 'prod';
  /** Only these operations. */
  ops?: string[];
}

async function runConfig(p: Plan): Promise<ConfigResult> {
  // Started first and measured alone; it then idles beside the emulator, for the rounds.
  const baselineServer = await startBaseline();
  const baselines = [(await measure(baselineServer, BASELINE_OP, 'baseline')).rps];
  const keys = keysFor(p.name, p.instances);
  const file = join(work, `${p.name}.db`);
  const began = performance.now();
  let byKey: string[][] = [];
  if (p.db === 'file') byKey = [...fillDatabase(file, keys, p.perInstance, 120_000).values()];
  const profileDir = p.profile ? join(resultsDir, `profile-${tag}`) : undefined;
  const server = await startEmulator({
    db: p.db === 'file' ? file : ':memory:',
    ...(profileDir ? { profileDir } : {}),
    ...(p.flags ? { flags: p.flags } : {}),
    ...(p.rateLimit ? { rateLimit: p.rateLimit } : {}),
  });
  try {
    if (p.db === ':memory:') {
      for (const key of keys) byKey.push(await fillThroughApi(server.url, key, p.perInstance, tag));
    }
    const fillSeconds = (performance.now() - began) / 1000;
    // Interleave the instances' ids so that rotating keys and ids stay in step (id i belongs to key i mod n).
    const striped = Array.from({ length: Math.min(...byKey.map((b) => b.length)) }, (_, i) =>
      byKey.map((b) => b[i]!),
    ).flat();
    const ops = [];
    const only = args.only?.split(',');
    const chosen = operations(keys, p.perInstance, striped, p.writes).filter(
      (o) => (!only || only.includes(o.name)) && (!p.ops || p.ops.includes(o.name)),
    );
    for (const op of chosen) {
      if ((p !== main && p !== journalOff) || !TARGET_OPS.includes(op.name)) {
        const r = await measure(server, op, p.name);
        ops.push({ name: op.name, ...r, ratio: Number.NaN });
        console.error(
          `  ${p.name} ${op.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99.toFixed(2)} ms, non-2xx ${r.non2xx}`,
        );
        continue;
      }
      const measured = [];
      for (let round = 1; round <= rounds; round++) {
        const base = (await measure(baselineServer, BASELINE_OP, 'baseline', round)).rps;
        baselines.push(base);
        const r = await measure(server, op, p.name, round);
        measured.push({ ...r, baselineRps: base, ratio: r.rps / base });
        console.error(
          `  ${p.name} ${op.name} round ${round}: ${Math.round(r.rps)} req/s against ${Math.round(base)}, ratio ${(r.rps / base).toFixed(2)}`,
        );
      }
      // The round with the median ratio stands for the operation; every round is kept in the JSON.
      const mid = [...measured].sort((a, b) => a.ratio - b.ratio)[Math.floor(measured.length / 2)]!;
      const { baselineRps: _, ...stands } = mid;
      ops.push({
        name: op.name,
        ...stands,
        non2xx: measured.reduce((n, r) => n + r.non2xx, 0),
        errors: measured.reduce((n, r) => n + r.errors, 0),
        rounds: measured.map((r) => ({ rps: r.rps, baselineRps: r.baselineRps, ratio: r.ratio })),
      });
    }
    const rssMiB = server.rssMiB();
    const baseline = median(baselines);
    // Operations measured once are set against the median of every baseline measurement of this configuration.
    for (const op of ops) if (Number.isNaN(op.ratio)) op.ratio = op.rps / baseline;
    return {
      name: p.name,
      db: p.db,
      instances: p.instances,
      rowsPerInstance: p.perInstance,
      fillSeconds,
      baselineRps: baseline,
      rssMiB,
      ops,
    };
  } finally {
    await server.stop();
    await baselineServer.stop();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
}

async function coldStarts(n: number): Promise<number[]> {
  const file = join(work, 'cold.db');
  fillDatabase(file, ['sk_test_bench_cold'], rows, 0);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const server = await startEmulator({ db: file });
    samples.push(server.startMs);
    await server.stop();
  }
  return samples;
}

/**
 * Round trips of two 1 MiB bodies the emulator refuses with 400: one of nested `[` (refused by the depth
 * check) and one flat JSON string (parsed whole), so the transfer's own cost is beside the deep body's.
 */
async function oneMiBRefusals(n: number): Promise<NonNullable<BenchResult['oneMiBRefusalMs']>> {
  const bytes = 1024 * 1024;
  const bodies = { deep: '['.repeat(bytes), flat: `[${JSON.stringify('x'.repeat(bytes - 4))}]` };
  const server = await startEmulator({ db: ':memory:' });
  try {
    const result = { deep: { median: 0, samples: [] as number[] }, flat: { median: 0, samples: [] as number[] } };
    // Alternated, after one unmeasured pair, so neither body pays the fresh server's warm-up alone.
    for (let i = 0; i <= n; i++) {
      for (const [name, body] of Object.entries(bodies) as ['deep' | 'flat', string][]) {
        const began = performance.now();
        const res = await fetch(`${server.url}/v1/invitations`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk_test_bench', 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 400) throw new Error(`the ${name} 1 MiB body answered ${res.status}, not 400`);
        if (i > 0) result[name].samples.push(performance.now() - began);
      }
    }
    result.deep.median = median(result.deep.samples);
    result.flat.median = median(result.flat.samples);
    return result;
  } finally {
    await server.stop();
  }
}

const k = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
const more: Plan[] = [
  { name: `memory-1x${k(rows)}`, db: ':memory:', instances: 1, perInstance: rows, writes: true },
  { name: 'file-100x1k', db: 'file', instances: 100, perInstance: 1000, writes: true },
  { name: 'memory-100x1k', db: ':memory:', instances: 100, perInstance: 1000, writes: true },
];
// Rate limits on but not exceeded: prod's limits per key, with requests rotated over 5,000 keys (each key's
// budget: 1,000 requests per 10 s, 100 creates and 25 bulks per hour), set against the same load with them off.
const RATE_LIMITED_OPS = ['list', 'bulk of 10', 'create'];
for (const rateLimit of [undefined, 'prod'] as const)
  more.push({
    name: `file-5kx20-rate-limit-${rateLimit ?? 'off'}`,
    db: 'file',
    instances: 5000,
    perInstance: 20,
    writes: true,
    ops: RATE_LIMITED_OPS,
    ...(rateLimit ? { rateLimit } : {}),
  });
if (!args['skip-million'])
  more.push({ name: 'file-1x1M', db: 'file', instances: 1, perInstance: 1_000_000, writes: false });
const main: Plan = {
  name: `file-1x${k(rows)}`,
  db: 'file',
  instances: 1,
  perInstance: rows,
  writes: true,
  profile: args.profile === true,
};
// The main configuration with the request journal off, measured in rounds too: the journal's cost is the ratio of the two.
const journalOff: Plan = { ...main, name: `${main.name}-journal-off`, flags: ['--journal-size', '0'], profile: false };
/** A configuration or scenario is run when --configs is not given or names it. */
const chosen = (name: string): boolean => !args.configs || args.configs.split(',').includes(name);
const TENANTS = 'tenants';
const plans: Plan[] = [main, ...(smoke ? [] : [journalOff, ...more])].filter((p) => chosen(p.name));

const loadBefore = loadNow();
console.error(
  `bench: ${driver}, ${seconds} s per operation, ${[...plans.map((p) => p.name), ...['per-test', TENANTS].filter(chosen)].join(', ')}`,
);
try {
  const samples = await coldStarts(smoke ? 3 : 7);
  const oneMiBRefusalMs = await oneMiBRefusals(smoke ? 10 : 30);
  const perTestResult = chosen('per-test') ? await perTest(smoke) : undefined;
  const configs: ConfigResult[] = [];
  for (const p of plans) configs.push(await runConfig(p));
  const tenantsResult = chosen(TENANTS)
    ? await manyTenants({
        keys: smoke ? 500 : 10_000,
        seconds,
        rounds: smoke ? 1 : 3,
        driver,
        connections,
        tag,
      })
    : undefined;
  const partial = {
    date: new Date().toISOString(),
    machine: machineInfo(loadBefore),
    driver,
    connections,
    seconds,
    rounds,
    coldStartMs: { median: median(samples), samples },
    oneMiBRefusalMs,
    configs,
    ...(perTestResult ? { perTest: perTestResult } : {}),
    ...(tenantsResult ? { tenants: tenantsResult } : {}),
  };
  const result: BenchResult = {
    ...partial,
    targets: targets(partial, main.name, plans.some((p) => p.name === 'file-1x1M') ? 'file-1x1M' : undefined),
  };
  const out = args.out ?? join(resultsDir, `${smoke ? 'smoke' : 'bench'}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(table(result));
  console.log(`\nwritten to ${out}`);
  const profile = args.profile ? latestProfile(join(resultsDir, `profile-${tag}`)) : undefined;
  if (profile)
    console.log(
      `\nCPU profile ${profile}, self time:\n${hotspots(profile)
        .map((h) => `${String(h.percent).padStart(5)}%  ${h.fn}  ${h.where}`)
        .join('\n')}`,
    );
  const failed = configs.flatMap((c) =>
    c.ops.filter((o) => o.non2xx > 0 || o.errors > 0).map((o) => `${c.name} ${o.name}`),
  );
  if (failed.length > 0) {
    console.error(`requests failed in: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
