import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { DECAY_PERIOD, LIST_CACHE_LIMITS, PageCache } from '../src/invitations/list/page-cache.js';
import { build, call, DAY_MS, invite, JSON_TYPE, type Reply, setClockOffset } from './helper.js';

const LIST = '/v1/invitations?paginated=true&limit=2';
const PENDING = '/v1/invitations?paginated=true&limit=1&status=pending';

/** Invites at a clock 10 s later than the previous one, so that the newest-first order is certain. */
async function inviteInTurn(app: FastifyInstance, email: string, extra: Record<string, unknown> = {}, key?: string) {
  turn += 10_000;
  setClockOffset(app, turn, key);
  return invite(app, { email_address: email, ...extra }, key);
}
let turn = 0;

type Page = { data: { id: string; email_address: string; status: string; updated_at: number }[]; total_count: number };

/** Two servers on one file: `app` serves from its cache; `fresh` is started anew for each check, with none. */
async function pair(t: Test) {
  const databasePath = join(t.testdir(), 'shared.db');
  const app = await build(t, { databasePath });
  const list = async (url: string): Promise<Reply> => {
    const r = await call(app, { method: 'GET', url });
    const fresh = await build(t, { databasePath });
    const truth = await call(fresh, { method: 'GET', url });
    await fresh.close();
    t.same(
      { status: r.status, type: r.type, body: r.body },
      { status: 200, type: JSON_TYPE, body: truth.body },
      `${url}: the same as a server that has cached nothing`,
    );
    return r;
  };
  return { app, databasePath, list };
}

t.test('a write by this server changes the next page', async (t) => {
  const { app, list } = await pair(t);
  await inviteInTurn(app, 'a@example.com');
  t.equal(((await list(LIST)).body as Page).total_count, 1);
  await list(LIST);
  await inviteInTurn(app, 'b@example.com');
  const after = (await list(LIST)).body as Page;
  t.same(
    after.data.map((i) => i.email_address),
    ['b@example.com', 'a@example.com'],
  );
  await call(app, { method: 'POST', url: `/v1/invitations/${after.data[0]!.id}/revoke` });
  t.same(
    ((await list(LIST)).body as Page).data.map((i) => i.email_address),
    ['a@example.com'],
    'revoked left out',
  );
  await call(app, { method: 'DELETE', url: `/v1/invitations/${after.data[1]!.id}` });
  t.same((await list(LIST)).body, { data: [], total_count: 0 }, 'deleted');
});

/**
 * Over HTTP, a request sent after another server's answer is read in a later turn of the event loop than
 * any request before it (CommitWatch reads the other servers' commits once per turn); inject() has no
 * sockets, so this test waits for that turn (nextTurn).
 */
t.test('a write by another server on the same file changes the next page', async (t) => {
  const { app, databasePath, list } = await pair(t);
  await inviteInTurn(app, 'a@example.com');
  await list(LIST);
  const other = await build(t, { databasePath });
  await inviteInTurn(other, 'b@example.com');
  await nextTurn();
  t.equal(((await list(LIST)).body as Page).total_count, 2);
  await call(other, { method: 'POST', url: '/_emulator/reset' });
  await nextTurn();
  t.same((await list(LIST)).body, { data: [], total_count: 0 }, 'reset by the other server');
  await inviteInTurn(other, 'c@example.com');
  await inviteInTurn(other, 'd@example.com');
  await nextTurn();
  t.same(
    ((await list(LIST)).body as Page).data.map((i) => i.email_address),
    ['d@example.com', 'c@example.com'],
    'as many changes as before the reset still change the page',
  );
});

t.test('any update of a row changes the page, not only a status change', async (t) => {
  const { app, list } = await pair(t);
  const inv = await inviteInTurn(app, 'a@example.com');
  await list(LIST);
  app.db.prepare('UPDATE invitations SET updated_at = updated_at + 5 WHERE id = ?').run(inv['id']);
  t.equal(((await list(LIST)).body as Page).data[0]!.updated_at, inv['updated_at'] + 5);
});

t.test(
  'a row on the page turns expired when the clock passes its expires_at, and back when the clock returns',
  async (t) => {
    const { app, list } = await pair(t);
    await inviteInTurn(app, 'a@example.com', { expires_in_days: 1 });
    t.equal(((await list(LIST)).body as Page).data[0]!.status, 'pending');
    setClockOffset(app, turn + DAY_MS + 1000);
    t.equal(((await list(LIST)).body as Page).data[0]!.status, 'expired');
    setClockOffset(app, turn);
    t.equal(((await list(LIST)).body as Page).data[0]!.status, 'pending', 'the clock moved back');
  },
);

t.test('with status=pending, a row expiring off the page still changes total_count', async (t) => {
  const { app, list } = await pair(t);
  await inviteInTurn(app, 'old@example.com', { expires_in_days: 1 });
  await inviteInTurn(app, 'b@example.com');
  await inviteInTurn(app, 'new@example.com');
  const before = (await list(PENDING)).body as Page;
  t.same({ first: before.data[0]!.email_address, total: before.total_count }, { first: 'new@example.com', total: 3 });
  setClockOffset(app, turn + DAY_MS + 1000);
  const after = (await list(PENDING)).body as Page;
  t.same({ first: after.data[0]!.email_address, total: after.total_count }, { first: 'new@example.com', total: 2 });
  const expired = (await list('/v1/invitations?paginated=true&status=expired')).body as Page;
  t.same(
    expired.data.map((i) => i.email_address),
    ['old@example.com'],
  );
});

t.test('pages are per instance, per query and per link base', async (t) => {
  const { app, list } = await pair(t);
  await inviteInTurn(app, 'a@example.com');
  await inviteInTurn(app, 'b@example.com', {}, 'sk_test_other');
  await list(LIST);
  const other = await call(app, { method: 'GET', url: LIST, key: 'sk_test_other' });
  t.same(
    (other.body as Page).data.map((i) => i.email_address),
    ['b@example.com'],
    'another key, another instance',
  );
  t.same(((await list(`${LIST}&query=zzz`)).body as Page).total_count, 0);
  t.same(Array.isArray((await list('/v1/invitations?limit=2')).body), true, 'unpaginated: a bare array');
  app.publicUrl = 'http://emulator.test:9999';
  const moved = await call(app, { method: 'GET', url: LIST });
  t.match((moved.body as Page).data[0], { url: /^http:\/\/emulator\.test:9999\/v1\/tickets\/accept\?ticket=/ });
});

t.test('a full cache takes a new page only if it is asked for more often than the oldest', async (t) => {
  const cache = new PageCache();
  const page = (body: string) => ({ version: 0, from: 0, until: 10, body });
  for (let i = 0; i < LIST_CACHE_LIMITS.pages; i++) cache.set(`k${i}`, page(`[${i}]`));
  t.equal(cache.size, LIST_CACHE_LIMITS.pages);
  cache.set('cold', page('[cold]'));
  t.equal(cache.get('cold', 0, 5), undefined, 'asked for no more than the oldest: not taken');
  t.equal(cache.size, LIST_CACHE_LIMITS.pages);
  t.equal(cache.get('k0', 0, 5), '[0]', 'the oldest stayed');
  for (let i = 0; i < 3; i++) t.equal(cache.get('hot', 0, 5), undefined);
  cache.set('hot', page('[hot]'));
  t.equal(cache.get('hot', 0, 5), '[hot]', 'asked for three times: taken');
  t.equal(cache.get('k0', 0, 5), undefined, 'in place of the oldest');
  t.equal(cache.size, LIST_CACHE_LIMITS.pages);
  t.equal(cache.get('hot', 1, 5), undefined, 'another version');
  t.equal(cache.get('hot', 0, 10), undefined, 'at until');
  t.equal(cache.get('hot', 0, -1), undefined, 'before from');
  cache.set('hot', { version: 1, from: 0, until: 10, body: '[hot v1]' });
  t.equal(cache.get('hot', 1, 5), '[hot v1]', 'a page replaces its own stale one without any admission');
});

t.test('a page hot long ago gives way to a page hot now within about a second of requests', async (t) => {
  const cache = new PageCache();
  const page = (body: string) => ({ version: 0, from: 0, until: 10, body });
  // The first pages in are hot (each asked for hundreds of times), then a scan fills the rest of the cache.
  for (let i = 0; i < 8; i++) cache.set(`hot${i}`, page(`[hot${i}]`));
  for (let n = 0; n < 4000; n++) cache.get(`hot${n % 8}`, 0, 5);
  for (let i = 0; cache.size < LIST_CACHE_LIMITS.pages; i++) {
    cache.get(`scan${i}`, 0, 5);
    cache.set(`scan${i}`, page(`[scan${i}]`));
  }
  // Now 8 other pages are asked for, round-robin, each set whenever it misses (as ListReader.json does), for 20k lookups.
  let lastMiss = -1;
  for (let n = 0; n < 20_000; n++) {
    const key = `now${n % 8}`;
    if (cache.get(key, 0, 5) === undefined) {
      lastMiss = n;
      cache.set(key, page(`[${key}]`));
    }
  }
  t.ok(
    lastMiss >= 0 && lastMiss < 6000,
    `every one cached from lookup ${lastMiss + 1} on (a decay period is ${DECAY_PERIOD})`,
  );
  t.equal(cache.get('hot0', 0, 5), undefined, 'a formerly hot page made room');
});

t.test('the cache keeps within its byte bound, oldest out first', async (t) => {
  const cache = new PageCache();
  const big = 'x'.repeat(LIST_CACHE_LIMITS.bytes / 5);
  for (let i = 0; i < 6; i++) cache.set(`big${i}`, { version: 0, from: 0, until: 10, body: big });
  t.equal(cache.size, 5);
  t.equal(cache.get('big0', 0, 5), undefined, 'the first big page left');
  t.equal(cache.get('big5', 0, 5), big);
  cache.set('huge', { version: 0, from: 0, until: 10, body: 'x'.repeat(LIST_CACHE_LIMITS.bytes / 2) });
  t.equal(cache.get('huge', 0, 5), undefined, 'a page over a quarter of the bound is not kept');
});
