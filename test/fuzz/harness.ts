import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Test } from 'tap';
import type { z } from 'zod';
import type { DB } from '../../src/db/open.js';
import { errorEnvelope } from './shapes.js';

/** Cases per route: 1,000 by default, FUZZ_RUNS for more; FUZZ_SEED replays a reported failure. */
export const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const SEED = process.env['FUZZ_SEED'] === undefined ? {} : { seed: Number(process.env['FUZZ_SEED']) };

export interface DbState {
  digest: string;
  counts: Record<string, number>;
  lastInstance: number;
}

const statements = new WeakMap<DB, { table: string; rows: Statement }[]>();

function tableReaders(db: DB): { table: string; rows: Statement }[] {
  let readers = statements.get(db);
  if (!readers) {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .pluck()
      .all() as string[];
    readers = tables.map((table) => ({
      table,
      rows: (table === 'instances'
        ? db.prepare(
            'SELECT id, hex(key_digest), clock_offset_ms, created_at FROM instances WHERE id <= ? ORDER BY rowid',
          )
        : db.prepare(`SELECT * FROM "${table}" WHERE ? ORDER BY rowid`)
      ).raw(),
    }));
    readers.push({
      table: 'last instance',
      rows: db.prepare('SELECT coalesce(max(id), 0) FROM instances WHERE ?').raw(),
    });
    statements.set(db, readers);
  }
  return readers;
}

/**
 * Counts and a digest of every row of every table. Instances created after `upTo` are left out:
 * a well-formed key makes its instance on first use, even when the request is then rejected.
 */
export function dbState(db: DB, upTo = Number.MAX_SAFE_INTEGER): DbState {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let lastInstance = 0;
  for (const { table, rows } of tableReaders(db)) {
    const all = rows.all(upTo) as unknown[][];
    if (table === 'last instance') {
      lastInstance = all[0]![0] as number;
      continue;
    }
    counts[table] = all.length;
    hash.update(table).update(JSON.stringify(all));
  }
  return { digest: hash.digest('hex'), counts, lastInstance };
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | undefined;
}

export interface RouteSpec<T> {
  name: string;
  input: fc.Arbitrary<T>;
  /** Turns a sample into a request; may first top up fixtures (before the state is taken). */
  request: (sample: T) => FuzzRequest;
  /** The documented 200 body for each method the path serves (the fuzz varies the method too). */
  success: Partial<Record<string, z.ZodType>>;
  /** The ticket page answers HTML pages (200, 400, 404) and 303s; other rejections there are still envelopes. */
  html?: boolean;
  /** No input can succeed (unknown paths). */
  alwaysRejected?: boolean;
  /** POST creates invitations: each one's link is clicked at once, and must accept it (200 or 303), never a 5xx. */
  clicksLinks?: boolean;
  /** A success status other than 200, by method (POST /_emulator/faults answers 201). */
  successStatus?: Partial<Record<string, number>>;
  /** State kept outside the database (in memory), which a rejected request must leave as it was too. */
  memory?: () => string;
}

/** The `url` of each invitation in a create's or a bulk's answer. */
const linksIn = (body: unknown): string[] =>
  [body]
    .flat()
    .map((inv) => (inv as { url?: unknown }).url)
    .filter((url): url is string => typeof url === 'string');

/** The ticket page, as clicked right after a create: an HTML page or a 303. */
const linkSpec = (creator: string): RouteSpec<null> => ({
  name: `the link of an invitation from ${creator}`,
  input: fc.constant(null),
  request: () => ({ method: 'GET', url: '', headers: {} }),
  success: {},
  html: true,
});

const show = (req: FuzzRequest, status: number, body: string) =>
  `${req.method} ${req.url.slice(0, 300)} ${JSON.stringify(req.headers)} ${JSON.stringify(req.payload)?.slice(0, 300)} -> ${status} ${body.slice(0, 300)}`;

/** One request's properties: no 5xx, the exact Content-Type, an envelope or the success shape, no write when rejected. */
async function checkOne<T>(app: FastifyInstance, spec: RouteSpec<T>, req: FuzzRequest): Promise<'ok' | 'rejected'> {
  const before = dbState(app.db);
  const memoryBefore = spec.memory?.();
  const opts = {
    method: req.method,
    url: req.url,
    headers: req.headers,
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  };
  const res = await app.inject(opts as InjectOptions);
  const fail = (why: string): never => {
    throw new Error(`${spec.name}: ${why}\n  ${show(req, res.statusCode, res.body)}`);
  };
  if (res.statusCode >= 500) fail('a 5xx');
  const type = res.headers['content-type'];
  const rejected = res.statusCode >= 400;
  const page =
    spec.html === true && (res.statusCode === 303 || (typeof type === 'string' && type.startsWith('text/html')));
  if (page) {
    if (res.statusCode === 303 && !/[?&]__clerk_ticket=/.test(String(res.headers['location'])))
      fail('a 303 without the ticket');
    if (res.statusCode === 303 && !/^[\x21-\x7e]+$/.test(String(res.headers['location'])))
      fail('a Location that is not printable ASCII');
    if (res.statusCode !== 303 && (type !== 'text/html; charset=utf-8' || ![200, 400, 404].includes(res.statusCode)))
      fail('an unexpected page');
  } else {
    if (type !== 'application/json') fail(`Content-Type ${String(type)}`);
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      fail('a body that is not JSON');
    }
    const shape = rejected ? errorEnvelope : spec.success[req.method];
    if (!shape) fail(`a 200 to ${req.method}, which this path does not serve`);
    const expected = spec.successStatus?.[req.method] ?? 200;
    if (!rejected && res.statusCode !== expected) fail(`a success other than ${expected}`);
    const parsed = shape!.safeParse(body);
    if (!parsed.success)
      fail(`a body outside the ${rejected ? 'Clerk envelope' : 'success schema'}: ${parsed.error.message}`);
    if (!rejected && spec.clicksLinks === true && req.method === 'POST')
      for (const url of linksIn(body)) {
        const { pathname, search } = new URL(url);
        const click = { method: 'GET', url: pathname + search, headers: {} };
        if ((await checkOne(app, linkSpec(spec.name), click)) !== 'ok') fail(`its link ${click.url} refused it`);
      }
  }
  if (rejected) {
    const after = dbState(app.db, before.lastInstance);
    if (after.digest !== before.digest)
      fail(
        `a rejected request changed the database ${JSON.stringify(before.counts)} -> ${JSON.stringify(after.counts)}`,
      );
    const touched = app.db
      .prepare('SELECT count(*) FROM instances WHERE id > ? AND clock_offset_ms <> 0')
      .pluck()
      .get(before.lastInstance);
    if (touched !== 0) fail('a rejected request set a new instance clock');
    if (spec.memory?.() !== memoryBefore) fail('a rejected request changed the state kept in memory');
  }
  return rejected ? 'rejected' : 'ok';
}

/** Runs RUNS random requests against one route and reports how many succeeded and were rejected. */
export async function fuzzRoute<T>(t: Test, app: FastifyInstance, spec: RouteSpec<T>): Promise<void> {
  const seen = { ok: 0, rejected: 0 };
  await fc.assert(
    fc.asyncProperty(spec.input, async (sample) => {
      seen[await checkOne(app, spec, spec.request(sample))]++;
    }),
    { numRuns: RUNS, ...SEED },
  );
  t.ok(
    seen.rejected > 0 && seen.ok > 0 !== (spec.alwaysRejected === true),
    `${spec.name}: ${RUNS} cases, ${seen.ok} answered 200, ${seen.rejected} rejected leaving the database as it was`,
  );
}
