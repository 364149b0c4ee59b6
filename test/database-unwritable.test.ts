import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { errors, toClerkError } from '../src/errors.js';
import { LIMITS } from '../src/http/limits.js';
import { startCli } from './built-cli.js';
import { build, buildLogged, call, clerkError, invite, KEY, type Reply } from './helper.js';
import { cannotMount, fillUp, openFolder, tinyFilesystem } from './storage-faults.js';

const unavailable = (long_message: string) => ({
  message: 'Service unavailable',
  long_message,
  code: 'service_unavailable',
});
const READ_ONLY = unavailable(
  'The database cannot be written: its file or file system is read-only; retry after 1 second.',
);
const FULL = unavailable('The database cannot be written: the disk is full; retry after 1 second.');

function retryable(t: Test, r: Reply, item: Record<string, unknown>): void {
  clerkError(t, r, 503, item);
  t.equal(r.headers['retry-after'], '1', 'Retry-After');
}

t.test(
  'a database made read-only while serving answers every write 503 with Retry-After, and reads go on',
  async (t) => {
    const app = await build(t, { databasePath: join(openFolder(t), 'emulator.db') });
    const inv = await invite(app, { email_address: 'before@example.com', redirect_url: 'https://app.test/welcome' });
    const link = new URL(inv.url as string);
    // SQLite's own read-only switch: the same SQLITE_READONLY a file made read-only under a running server gives.
    app.db.pragma('query_only = ON');

    const create = { email_address: 'a@example.com' };
    retryable(t, await call(app, { method: 'POST', url: '/v1/invitations', payload: create }), READ_ONLY);
    retryable(t, await call(app, { method: 'POST', url: `/v1/invitations/${inv.id}/revoke` }), READ_ONLY);
    retryable(t, await call(app, { method: 'POST', url: '/_emulator/reset' }), READ_ONLY);
    retryable(t, await call(app, { method: 'GET', url: link.pathname + link.search, key: null }), READ_ONLY);
    const list = await call(app, { method: 'GET', url: '/v1/invitations' });
    t.same([list.status, (list.body as { id: string }[]).map((i) => i.id)], [200, [inv.id]], 'reads still work');

    app.db.pragma('query_only = OFF');
    const again = await call(app, { method: 'GET', url: link.pathname + link.search, key: null });
    t.equal(again.status, 303, 'the link was not spent by the refused click');
  },
);

t.test(
  'a disk that fills up while serving answers writes 503 with Retry-After; once space is freed the retry works',
  async (t) => {
    const mount = tinyFilesystem(t, 512);
    const app = await build(t, { databasePath: join(mount ?? openFolder(t), 'emulator.db') });
    await invite(app, { email_address: 'before@example.com' });
    let free: () => void;
    if (mount) {
      const filler = fillUp(mount);
      free = () => rmSync(filler);
    } else {
      // Where mounting is not allowed, SQLite's own size cap raises the same SQLITE_FULL.
      t.comment('no tmpfs: the disk is filled with PRAGMA max_page_count');
      app.db.exec('VACUUM'); // no free pages left to reuse under the cap
      app.db.pragma(`max_page_count = ${app.db.pragma('page_count', { simple: true }) as number}`);
      free = () => app.db.pragma('max_page_count = 1073741823');
    }
    // Metadata near its limit, so that the write needs new pages whatever room the last page had left.
    const big = { email_address: 'full@example.com', public_metadata: { blob: 'x'.repeat(8000) } };
    retryable(t, await call(app, { method: 'POST', url: '/v1/invitations', payload: big }), FULL);
    const bulk = [1, 2, 3].map((n) => ({
      email_address: `bulk-${n}@example.com`,
      public_metadata: { blob: 'y'.repeat(8000) },
    }));
    retryable(t, await call(app, { method: 'POST', url: '/v1/invitations/bulk', payload: bulk }), FULL);
    const list = await call(app, { method: 'GET', url: '/v1/invitations' });
    t.same([list.status, (list.body as unknown[]).length], [200, 1], 'reads still work, and nothing refused was kept');

    free();
    const retried = await call(app, { method: 'POST', url: '/v1/invitations', payload: big });
    t.equal(retried.status, 200, 'the retry succeeds');
  },
);

t.test('every storage failure of SQLite maps to a retryable 503 that says what is wrong, never a 500', async (t) => {
  const cases: [string, string][] = [
    ['SQLITE_READONLY', 'The database cannot be written: its file or file system is read-only'],
    ['SQLITE_READONLY_DBMOVED', 'The database cannot be written: its file or file system is read-only'],
    ['SQLITE_READONLY_DIRECTORY', 'The database cannot be written: its file or file system is read-only'],
    ['SQLITE_FULL', 'The database cannot be written: the disk is full'],
    ['SQLITE_IOERR', 'The database cannot be read or written: the disk reported an I/O error'],
    ['SQLITE_IOERR_WRITE', 'The database cannot be read or written: the disk reported an I/O error'],
    ['SQLITE_IOERR_SHMSIZE', 'The database cannot be read or written: the disk reported an I/O error'],
    ['SQLITE_CANTOPEN', 'The database file cannot be opened'],
  ];
  for (const [code, what] of cases) {
    const e = toClerkError(Object.assign(new Error(code), { code }), LIMITS.bodyBytes);
    t.same(
      [e.statusCode, e.item, e.headers],
      [503, unavailable(`${what}; retry after 1 second.`), { 'retry-after': '1' }],
      code,
    );
  }
  t.same(
    toClerkError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }), LIMITS.bodyBytes),
    errors.internal(),
    'a bug stays a 500',
  );
});

/** A running server's database on a disk that then fills up; `free` gives the space back. */
function fullDisk(t: Test, kib: number): { dir: string; fill: () => () => void } | undefined {
  const dir = tinyFilesystem(t, kib);
  if (!dir) return undefined;
  return {
    dir,
    fill: () => {
      const filler = fillUp(dir);
      return () => rmSync(filler);
    },
  };
}

t.test('closing on a full disk logs one warning line, closes, and keeps every commit for the next start', async (t) => {
  const disk = fullDisk(t, 1024);
  const databasePath = join(disk?.dir ?? openFolder(t), 'emulator.db');
  const { app, logs } = await buildLogged(t, { databasePath });
  const inv = await invite(app, { email_address: 'kept@example.com' });
  let free = (): void => {};
  if (disk) free = disk.fill();
  else {
    // Where mounting is not allowed, the checkpoint fails as SQLite fails it on a full disk.
    t.comment('no tmpfs: the checkpoint is made to fail with SQLITE_FULL');
    const pragma = app.db.pragma.bind(app.db);
    app.db.pragma = ((source: string, options?: Database.PragmaOptions) => {
      if (source.startsWith('wal_checkpoint'))
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return pragma(source, options);
    }) as typeof app.db.pragma;
  }
  await app.close();
  t.equal(app.db.open, false, 'the database is closed');
  t.same(
    logs.lines.filter((l) => (l.level as number) >= 40).map((l) => [l.level, l.code, l.msg, 'err' in l]),
    [
      [
        40,
        'SQLITE_FULL',
        'the database could not be checkpointed at close (database or disk is full); its WAL is kept and replayed at the next start',
        false,
      ],
    ],
  );
  free();
  const again = await build(t, { databasePath });
  t.same(
    (await call(again, { method: 'GET', url: '/v1/invitations' })).body,
    [inv],
    'the invitation committed before is there',
  );
});

t.test('SIGTERM on a full disk exits 0 with one warning line, no stack trace', { skip: cannotMount }, async (t) => {
  const disk = fullDisk(t, 1024)!;
  const cli = await startCli(['--db', join(disk.dir, 'emulator.db'), '--port', '0']);
  t.teardown(() => void cli.child.kill('SIGKILL'));
  const created = await fetch(`${cli.url}/v1/invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: 'a@example.com' }),
  });
  t.equal(created.status, 200);
  disk.fill();
  cli.child.kill('SIGTERM');
  const end = await cli.exited;
  t.same({ code: end.code, signal: end.signal, stderr: end.stderr }, { code: 0, signal: null, stderr: '' });
  const warnings = end.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => (l.level as number) >= 40);
  t.same(
    warnings.map((l) => [l.code, l.msg]),
    [
      [
        'SQLITE_FULL',
        'the database could not be checkpointed at close (database or disk is full); its WAL is kept and replayed at the next start',
      ],
    ],
  );
});
