import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { closeDatabase, type DB, openDatabase } from '../src/db/open.js';
import { batchWriter } from '../src/db/transactions.js';
import { build, call, clerkError, serve } from './helper.js';

function table(t: Test, path = ':memory:'): DB {
  const db = openDatabase(path);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  t.teardown(() => closeDatabase(db));
  return db;
}
const keys = (db: DB): string[] => db.prepare('SELECT k FROM t ORDER BY k').pluck().all() as string[];

t.test('writes queued in one turn commit together; one refused before writing leaves the others', async (t) => {
  const db = table(t);
  const write = batchWriter(db);
  t.equal(batchWriter(db), write, 'one writer per database');
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const runs: string[] = [];
  const item = (k: string, refuse = false) =>
    write(() => {
      runs.push(k);
      if (refuse) throw new Error(`${k} refused`);
      return insert.run(k).changes;
    });
  const results = await Promise.allSettled([item('a'), item('b', true), item('a'), item('c')]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  t.equal((results[1] as PromiseRejectedResult).reason.message, 'b refused');
  t.equal(
    (results[2] as PromiseRejectedResult).reason.code,
    'SQLITE_CONSTRAINT_PRIMARYKEY',
    'a failed statement wrote nothing',
  );
  t.same(keys(db), ['a', 'c']);
  t.same(runs, ['a', 'b', 'a', 'c'], 'each item ran once, all in the one transaction');
  t.equal(db.inTransaction, false);
});

t.test('an item that throws after writing undoes the batch, and every item runs again alone', async (t) => {
  const db = table(t);
  const write = batchWriter(db);
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const runs: string[] = [];
  const results = await Promise.allSettled([
    write(() => runs.push('a') && insert.run('a').changes),
    write(() => {
      runs.push('b');
      insert.run('b');
      throw new Error('b fails after its insert');
    }),
    write(() => runs.push('c') && insert.run('c').changes),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  t.equal((results[1] as PromiseRejectedResult).reason.message, 'b fails after its insert');
  t.same(keys(db), ['a', 'c'], 'nothing of b is kept');
  t.same(runs, ['a', 'b', 'a', 'b', 'c'], 'the batch stopped at b, then each item ran in its own transaction');
  t.equal(db.inTransaction, false);
});

t.test('nothing is answered before its transaction commits', async (t) => {
  const db = table(t);
  const write = batchWriter(db);
  const seen: boolean[] = [];
  const done = Promise.all(
    [1, 2, 3].map((i) =>
      write(() => db.prepare('INSERT INTO t (k) VALUES (?)').run(String(i))).then(() => seen.push(db.inTransaction)),
    ),
  );
  t.same(keys(db), [], 'queued, not yet written');
  await done;
  t.same(seen, [false, false, false], 'every promise settled outside the transaction');
  t.same(keys(db), ['1', '2', '3']);
});

t.test('a batch whose transaction cannot start fails as a whole and keeps nothing', async (t) => {
  const path = join(t.testdir(), 'busy.db');
  const db = table(t, path);
  const other = new Database(path);
  t.teardown(() => other.close());
  db.pragma('busy_timeout = 20');
  other.prepare('BEGIN IMMEDIATE').run();
  const write = batchWriter(db);
  const results = await Promise.allSettled(
    ['x', 'y'].map((k) => write(() => db.prepare('INSERT INTO t (k) VALUES (?)').run(k))),
  );
  t.same(
    results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code),
    ['SQLITE_BUSY', 'SQLITE_BUSY'],
  );
  other.prepare('COMMIT').run();
  t.same(keys(db), []);
  await write(() => db.prepare('INSERT INTO t (k) VALUES (?)').run('z'));
  t.same(keys(db), ['z'], 'the next batch writes once the lock is free');
});

t.test('closing the database writes what is still queued', async (t) => {
  const path = join(t.testdir(), 'close.db');
  const db = openDatabase(path);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const pending = batchWriter(db)(() => db.prepare('INSERT INTO t (k) VALUES (?)').run('kept'));
  closeDatabase(db);
  await pending;
  const reopened = new Database(path, { readonly: true });
  t.teardown(() => reopened.close());
  t.same(reopened.prepare('SELECT k FROM t').pluck().all(), ['kept']);
});

t.test('concurrent creates over HTTP: each answered alone, duplicates refused, all others stored', async (t) => {
  const { url } = await serve(t);
  const post = (email: string) =>
    fetch(`${url}/v1/invitations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_batch', 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: email }),
    });
  const emails = Array.from({ length: 30 }, (_, i) => `u${i % 25}@example.com`);
  const replies = await Promise.all(emails.map(post));
  t.same(
    replies.map((r) => r.headers.get('content-type')),
    emails.map(() => 'application/json'),
  );
  const statuses = replies.map((r) => r.status).sort();
  t.same(statuses, [...Array(25).fill(200), ...Array(5).fill(400)], '25 created, the 5 repeats refused');
  const refused = await Promise.all(
    replies.filter((r) => r.status === 400).map((r) => r.json() as Promise<{ errors: { code: string }[] }>),
  );
  t.same(
    refused.map((b) => b.errors[0]!.code),
    Array(5).fill('duplicate_record'),
  );
  const list = await fetch(`${url}/v1/invitations?limit=100`, { headers: { authorization: 'Bearer sk_test_batch' } });
  const stored = ((await list.json()) as { email_address: string }[]).map((i) => i.email_address).sort();
  t.same(stored, [...new Set(emails)].sort(), 'exactly one invitation per address');
});

t.test('a busy database answers every queued create 503, and none is stored', async (t) => {
  const databasePath = join(t.testdir(), 'shared.db');
  const app = await build(t, { databasePath });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  const other = new Database(databasePath);
  t.teardown(() => other.close());
  app.db.pragma('busy_timeout = 20');
  other.prepare('BEGIN IMMEDIATE').run();
  const replies = await Promise.all(
    ['a', 'b', 'c'].map((n) =>
      call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: `${n}@example.com` } }),
    ),
  );
  for (const r of replies) {
    clerkError(t, r, 503, {
      message: 'Service unavailable',
      long_message: 'The database is busy with another writer; retry after 1 second.',
      code: 'service_unavailable',
    });
  }
  other.prepare('COMMIT').run();
  const read = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same({ status: read.status, body: read.body }, { status: 200, body: [] });
});
