import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { build, buildLogged, call, clerkError } from './helper.js';

t.test('a write lock held past busy_timeout by another process answers 503 with Retry-After, not 500', async (t) => {
  const databasePath = join(t.testdir(), 'shared.db');
  const app = await build(t, { databasePath });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  // Stands in for a second server process on the same file holding the write lock.
  const other = new Database(databasePath);
  t.teardown(() => other.close());
  app.db.pragma('busy_timeout = 20');
  other.prepare('BEGIN IMMEDIATE').run();

  const r = await call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'a@example.com' } });
  clerkError(t, r, 503, {
    message: 'Service unavailable',
    long_message: 'The database is busy with another writer; retry after 1 second.',
    code: 'service_unavailable',
  });
  t.equal(r.headers['retry-after'], '1');

  const read = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same(
    { status: read.status, body: read.body },
    { status: 200, body: [] },
    'readers are not blocked by a writer in WAL mode',
  );

  other.prepare('COMMIT').run();
  const retried = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com' },
  });
  t.equal(retried.status, 200, 'the retry succeeds once the lock is free');
});

t.test('a 503 is logged as one warn line with its SQLite code, not as an unexpected error with a stack', async (t) => {
  const databasePath = join(t.testdir(), 'shared.db');
  const { app, logs } = await buildLogged(t, { databasePath });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  const other = new Database(databasePath);
  t.teardown(() => other.close());
  app.db.pragma('busy_timeout = 20');
  other.prepare('BEGIN IMMEDIATE').run();
  const r = await call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'a@example.com' } });
  other.prepare('COMMIT').run();
  t.equal(r.status, 503);
  const lines = logs.lines.filter((l) => l['msg'] !== 'request completed' && l['msg'] !== 'incoming request');
  t.same(
    lines.map(({ level, msg, code, cause, err }) => ({ level, msg, code, cause, err })),
    [{ level: 40, msg: 'service unavailable', code: 'service_unavailable', cause: 'SQLITE_BUSY', err: undefined }],
  );
});
