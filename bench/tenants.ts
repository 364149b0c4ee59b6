// Many tenants: one server on a file database, 10,000 keys filled through the API as test suites fill them, then
// list and create spread over 64 keys and over every key, each beside the same operation on one key, in rounds;
// the whole measurement twice, with the server's RSS after each pass. Alone:
//   node --import tsx bench/tenants.ts [--keys 10000] [--seconds 5] [--rounds 3] [--driver wrk|autocannon]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Driver, type LoadResult, load, type Operation, pickDriver } from './load.js';
import { type Server, startEmulator } from './servers.js';

/** Keys a large CI farm's parallel workers use at once, one key each. */
export const FARM_KEYS = 64;
/** Invitations each key holds after the fill. */
const PER_KEY = 10;

export interface SpreadResult {
  /** req/s of the operation on one key, over 64 keys and over every key, each the median of the rounds. */
  oneRps: number;
  farmRps: number;
  allRps: number;
  /** Medians of the rounds' ratios (each round: one key, 64 keys, every key, back to back). */
  farmRatio: number;
  allRatio: number;
  rounds: { one: LoadResult; farm: LoadResult; all: LoadResult }[];
}

export interface TenantsResult {
  keys: number;
  perKey: number;
  fillSeconds: number;
  /** Requests the fill made: bulk creates, revokes, resets and refills. */
  fillRequests: number;
  /** RSS after the fill, then after each pass of measurements. */
  rssMiB: { filled: number; passes: number[] };
  passes: Record<'list' | 'create', SpreadResult>[];
}

export interface TenantsOptions {
  keys: number;
  seconds: number;
  rounds: number;
  driver: Driver;
  connections: number;
  tag: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const keyOf = (tag: string, i: number): string => `sk_test_tenant_${tag}_${i}`;

/**
 * The fill, as test suites leave an instance: every key gets a bulk of PER_KEY invitations; every 10th key
 * then has 3 of them revoked; every 50th is reset and filled again.
 */
async function fill(url: string, keys: string[], tag: string): Promise<number> {
  let requests = 0;
  const call = async (key: string, method: string, path: string, body?: unknown): Promise<unknown> => {
    requests++;
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`tenants fill: ${method} ${path} answered ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const bulk = (key: string, k: number, round: number) =>
    call(
      key,
      'POST',
      '/v1/invitations/bulk',
      Array.from({ length: PER_KEY }, (_, j) => ({
        email_address: `fill-${tag}-${k}-${round}-${j}@example${j}.com`,
        notify: j % 2 === 0,
      })),
    ) as Promise<{ id: string }[]>;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const k = next++;
      const key = keys[k]!;
      const made = await bulk(key, k, 0);
      if (k % 10 === 0) for (const inv of made.slice(0, 3)) await call(key, 'POST', `/v1/invitations/${inv.id}/revoke`);
      if (k % 50 === 0) {
        await call(key, 'POST', '/_emulator/reset');
        await bulk(key, k, 1);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return requests;
}

const OPS = {
  list: (keys: string[]): Operation => ({
    name: 'list',
    method: 'GET',
    path: '/v1/invitations?paginated=true&limit=10',
    keys,
  }),
  create: (keys: string[]): Operation => ({
    name: 'create',
    method: 'POST',
    path: '/v1/invitations',
    body: 'create',
    keys,
  }),
};

async function spread(server: Server, name: 'list' | 'create', keys: string[], o: TenantsOptions, pass: number) {
  const sets = { one: keys.slice(0, 1), farm: keys.slice(1, 1 + FARM_KEYS), all: keys };
  const rounds: SpreadResult['rounds'] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const measured = {} as SpreadResult['rounds'][number];
    for (const [set, ks] of Object.entries(sets) as [keyof typeof sets, string[]][]) {
      const options = {
        url: server.url,
        connections: o.connections,
        seconds: o.seconds,
        tag: `${o.tag}-${pass}-${round}-${set}`,
      };
      if (round === 1 && pass === 1)
        await load(o.driver, OPS[name](ks), { ...options, seconds: 1, tag: `${options.tag}-warm` });
      measured[set] = await load(o.driver, OPS[name](ks), options);
      if (measured[set].non2xx > 0 || measured[set].errors > 0)
        throw new Error(
          `tenants: ${name} over ${ks.length} key(s) had ${measured[set].non2xx} non-2xx answers and ${measured[set].errors} errors`,
        );
      console.error(
        `  tenants pass ${pass} ${name} over ${ks.length} key(s), round ${round}: ${Math.round(measured[set].rps)} req/s, p99 ${measured[set].p99.toFixed(2)} ms`,
      );
    }
    rounds.push(measured);
  }
  return {
    oneRps: median(rounds.map((r) => r.one.rps)),
    farmRps: median(rounds.map((r) => r.farm.rps)),
    allRps: median(rounds.map((r) => r.all.rps)),
    farmRatio: median(rounds.map((r) => r.farm.rps / r.one.rps)),
    allRatio: median(rounds.map((r) => r.all.rps / r.one.rps)),
    rounds,
  };
}

export async function manyTenants(o: TenantsOptions): Promise<TenantsResult> {
  const work = mkdtempSync(join(tmpdir(), 'clerk-mock-tenants-'));
  const server = await startEmulator({ db: join(work, 'tenants.db') });
  try {
    const keys = Array.from({ length: o.keys }, (_, i) => keyOf(o.tag, i));
    const began = performance.now();
    const fillRequests = await fill(server.url, keys, o.tag);
    const fillSeconds = (performance.now() - began) / 1000;
    const filled = server.rssMiB();
    const passes: TenantsResult['passes'] = [];
    const rss: number[] = [];
    for (let pass = 1; pass <= 2; pass++) {
      passes.push({
        list: await spread(server, 'list', keys, o, pass),
        create: await spread(server, 'create', keys, o, pass),
      });
      rss.push(server.rssMiB());
    }
    return { keys: o.keys, perKey: PER_KEY, fillSeconds, fillRequests, rssMiB: { filled, passes: rss }, passes };
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      driver: { type: 'string' },
    },
  });
  const r = await manyTenants({
    keys: Number(values.keys ?? 10_000),
    seconds: Number(values.seconds ?? 5),
    rounds: Number(values.rounds ?? 3),
    driver: pickDriver(values.driver),
    connections: 50,
    tag: Date.now().toString(36),
  });
  console.log(
    JSON.stringify(
      {
        ...r,
        passes: r.passes.map((p) => ({
          list: { ...p.list, rounds: undefined },
          create: { ...p.create, rounds: undefined },
        })),
      },
      null,
      2,
    ),
  );
}
