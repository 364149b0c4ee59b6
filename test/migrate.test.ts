import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { defaultConfig } from '../src/config.js';
import { digestKey } from '../src/db/instances.js';
import { migrate, readMigrations, SchemaTooNewError } from '../src/db/migrate.js';
import { closeDatabase, openDatabase } from '../src/db/open.js';
import { buildApp } from '../src/http/app.js';
import { call, invite, KEY, OTHER_KEY } from './helper.js';

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'cim-migrate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const tables = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];

t.test('a fresh database gets every migration and PRAGMA user_version set to the latest', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const all = readMigrations();
  t.ok(all.length >= 1);
  t.same(
    migrate(db),
    all.map((m) => m.version),
  );
  t.equal(db.pragma('user_version', { simple: true }), all.at(-1)!.version);
  t.same(tables(db), [
    'instances',
    'invitation_counts',
    'invitations',
    'users',
    'webhook_endpoints',
    'webhook_messages',
  ]);
});

t.test('migrating again is a no-op', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  migrate(db);
  const version = db.pragma('user_version', { simple: true });
  t.same(migrate(db), []);
  t.equal(db.pragma('user_version', { simple: true }), version);
});

t.test('only files named <number>-<name>.sql are migrations, applied in numeric order', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, '010-later.sql'), 'CREATE TABLE later (x);');
  writeFileSync(join(dir, '2-first.sql'), 'CREATE TABLE first (x);');
  writeFileSync(join(dir, 'README.md'), 'not sql');
  writeFileSync(join(dir, 'notes.sql'), 'not a migration');
  const found = readMigrations(dir);
  t.same(
    found.map((m) => [m.version, m.name]),
    [
      [2, '2-first.sql'],
      [10, '010-later.sql'],
    ],
  );
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  t.same(migrate(db, found), [2, 10]);
  t.equal(db.pragma('user_version', { simple: true }), 10);
});

t.test('a failing migration file rolls back whole and leaves user_version at the last good one', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, '001-good.sql'), 'CREATE TABLE good (x);');
  writeFileSync(
    join(dir, '002-bad.sql'),
    'CREATE TABLE half (x);\nINSERT INTO good VALUES (1);\nCREATE TABLE broken (;',
  );
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  t.throws(() => migrate(db, readMigrations(dir)), /syntax error/);
  t.equal(db.pragma('user_version', { simple: true }), 1);
  t.same(tables(db), ['good'], 'the half of the failed file is gone');
  t.equal(db.prepare('SELECT count(*) FROM good').pluck().get(), 0);
  writeFileSync(join(dir, '002-bad.sql'), 'CREATE TABLE fixed (x);');
  t.same(migrate(db, readMigrations(dir)), [2], 'a fixed file applies on the next start');
});

t.test('a database newer than the migrations is refused with a clear message', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const latest = readMigrations().at(-1)!.version;
  db.pragma(`user_version = ${latest + 5}`);
  t.throws(() => migrate(db), new SchemaTooNewError(latest + 5, latest));
  t.throws(() => migrate(db), {
    name: 'SchemaTooNewError',
    message:
      `database schema version ${latest + 5} is newer than this version of clerk-invitations-mock understands (${latest}); ` +
      'upgrade clerk-invitations-mock or use another database file',
  });
});

t.test('start-up refuses a newer database file in one line naming the path, and leaves it untouched', async (t) => {
  const path = join(tempDir(t), 'newer.db');
  const db = new Database(path);
  db.pragma('user_version = 999');
  db.close();
  const latest = readMigrations().at(-1)!.version;
  await t.rejects(buildApp(defaultConfig({ databasePath: path })), {
    name: 'DatabaseOpenError',
    message: `DATABASE_PATH ${path}: ${new SchemaTooNewError(999, latest).message}`,
    cause: { name: 'SchemaTooNewError' },
  });
  const again = new Database(path);
  t.equal(again.pragma('user_version', { simple: true }), 999);
  t.same(tables(again), []);
  again.close();
});

t.test(
  "a newer version's file with tables this version does not know is refused as too new, not as foreign",
  async (t) => {
    const path = join(tempDir(t), 'newer-tables.db');
    const db = new Database(path);
    db.exec('CREATE TABLE dashboard_sessions (id TEXT)');
    db.pragma('user_version = 999');
    db.close();
    const latest = readMigrations().at(-1)!.version;
    await t.rejects(buildApp(defaultConfig({ databasePath: path })), {
      name: 'DatabaseOpenError',
      message: `DATABASE_PATH ${path}: ${new SchemaTooNewError(999, latest).message}`,
      cause: { name: 'SchemaTooNewError' },
    });
  },
);

t.test('a DATABASE_PATH file uses WAL and keeps data across restarts', async (t) => {
  const path = join(tempDir(t), 'data.db');
  const db = openDatabase(path);
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  closeDatabase(db);
  closeDatabase(db);

  const first = await buildApp(defaultConfig({ databasePath: path }));
  const inv = await invite(first, { email_address: 'ada@example.com' });
  await first.close();
  const second = await buildApp(defaultConfig({ databasePath: path }));
  t.teardown(() => second.close());
  t.same((await call(second, { method: 'GET', url: '/v1/invitations' })).body, [inv]);
});

t.test(':memory: keeps nothing between apps', async (t) => {
  const first = await buildApp(defaultConfig());
  await invite(first, { email_address: 'ada@example.com' });
  await first.close();
  const second = await buildApp(defaultConfig());
  t.teardown(() => second.close());
  t.same((await call(second, { method: 'GET', url: '/v1/invitations' })).body, []);
});

t.test('two apps on one database file share the duplicate rule', async (t) => {
  const path = join(tempDir(t), 'shared.db');
  const a = await buildApp(defaultConfig({ databasePath: path }));
  const b = await buildApp(defaultConfig({ databasePath: path }));
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  await invite(a, { email_address: 'ada@example.com' });
  const r = await call(b, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'ada@example.com' } });
  t.equal(r.status, 400);
  t.equal((r.body as { errors: { code: string }[] }).errors[0]?.code, 'duplicate_record');
});

t.test(
  'migration 004 moves the outbox into the invitations: same emails, ids and order; nothing else changes',
  async (t) => {
    const path = join(tempDir(t), 'v3.db');
    const old = new Database(path);
    migrate(
      old,
      readMigrations().filter((m) => m.version <= 3),
    );
    old
      .prepare('INSERT INTO instances (id, key_digest, created_at) VALUES (1, ?, 0), (2, ?, 0)')
      .run(digestKey(KEY), digestKey(OTHER_KEY));
    const insert =
      old.prepare(`INSERT INTO invitations (instance_id, id, email_address, status, template_slug, notify, ticket,
    redirect_url, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const email =
      old.prepare(`INSERT INTO emails (instance_id, id, to_email_address, template_slug, invitation_id, url, redirect_url, created_at)
    VALUES (?, ?, ?, ?, ?, 'http://old.example/v1/tickets/accept?ticket=x', ?, ?)`);
    const ticket = (n: number) => `${String(n).padStart(2, '0')}${'t'.repeat(41)}`;
    const far = 4_000_000_000_000;
    // Two sent at the same instant (a bulk): the one written later is listed first.
    const rows: [number, string, string, string, string, number, string | null, number][] = [
      [1, 'inv_a', 'a@example.com', 'pending', 'invitation', 1, null, 1000],
      [1, 'inv_b', 'b@example.com', 'accepted', 'waitlist_invitation', 1, 'https://app.example.com/in', 2000],
      [1, 'inv_c', 'c@example.com', 'pending', 'invitation', 1, null, 2000],
      [1, 'inv_d', 'd@example.com', 'pending', 'invitation', 0, null, 3000],
      [2, 'inv_e', 'e@example.com', 'revoked', 'invitation', 1, null, 1500],
    ];
    rows.forEach(([instance, id, address, status, slug, notify, redirect, at], n) => {
      insert.run(instance, id, address, status, slug, notify, ticket(n), redirect, far, at, at);
      if (notify) email.run(instance, `ema_${id}`, address, slug, id, redirect, at);
    });
    const listVersion = old
      .prepare('SELECT instance_id, status, n, changes FROM invitation_counts ORDER BY 1, 2')
      .all();
    old.close();

    const app = await buildApp(defaultConfig({ databasePath: path }));
    t.teardown(() => app.close());
    t.same(tables(app.db), [
      'instances',
      'invitation_counts',
      'invitations',
      'users',
      'webhook_endpoints',
      'webhook_messages',
    ]);
    t.same(
      app.db.prepare('SELECT instance_id, status, n, changes FROM invitation_counts ORDER BY 1, 2').all(),
      listVersion,
      'counts and list versions are untouched',
    );
    const sent = (id: string, address: string, slug: string, redirect: string | null, at: number, n: number) => ({
      object: 'email',
      id: `ema_${id}`,
      to_email_address: address,
      template_slug: slug,
      invitation_id: id,
      url: `http://localhost:4010/v1/tickets/accept?ticket=${ticket(n)}`,
      redirect_url: redirect,
      created_at: at,
    });
    const r = await call(app, { method: 'GET', url: '/_emulator/emails' });
    t.same(
      { status: r.status, type: r.type, body: r.body },
      {
        status: 200,
        type: 'application/json',
        body: {
          data: [
            sent('inv_c', 'c@example.com', 'invitation', null, 2000, 2),
            sent('inv_b', 'b@example.com', 'waitlist_invitation', 'https://app.example.com/in', 2000, 1),
            sent('inv_a', 'a@example.com', 'invitation', null, 1000, 0),
          ],
          total_count: 3,
        },
      },
    );
    t.same((await call(app, { method: 'GET', url: '/_emulator/emails', key: OTHER_KEY })).body, {
      data: [sent('inv_e', 'e@example.com', 'invitation', null, 1500, 4)],
      total_count: 1,
    });
    const all = (
      await call(app, { method: 'GET', url: '/v1/invitations?status=pending&status=accepted&status=revoked' })
    ).body as { id: string }[];
    t.same(
      all.map((i) => i.id),
      ['inv_d', 'inv_c', 'inv_b', 'inv_a'],
      'every invitation is still there',
    );
  },
);

t.test('migration 005 gives every existing instance its own stable ins_ id and no endpoints', async (t) => {
  const path = join(tempDir(t), 'v4.db');
  const old = new Database(path);
  migrate(
    old,
    readMigrations().filter((m) => m.version <= 4),
  );
  old
    .prepare('INSERT INTO instances (id, key_digest, created_at) VALUES (1, ?, 0), (2, ?, 0)')
    .run(digestKey(KEY), digestKey(OTHER_KEY));
  old.close();
  const app = await buildApp(defaultConfig({ databasePath: path }));
  t.teardown(() => app.close());
  const rows = app.db.prepare('SELECT id, public_id, webhook_endpoints FROM instances ORDER BY id').all() as {
    public_id: string;
  }[];
  t.match(rows, [
    { id: 1, public_id: /^ins_[0-9a-f]{27}$/, webhook_endpoints: 0 },
    { id: 2, public_id: /^ins_[0-9a-f]{27}$/, webhook_endpoints: 0 },
  ]);
  t.not(rows[0]!.public_id, rows[1]!.public_id);
  const fresh = app.instances.resolve(digestKey('sk_test_new_one'), Date.now());
  t.match(fresh.publicId, /^ins_[0-9A-Za-z]{27}$/, 'a new instance gets a KSUID');
  await call(app, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: 'http://127.0.0.1:9/' } });
  await call(app, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: 'http://127.0.0.1:9/' } });
  t.equal(app.instances.byId(1)!.webhookEndpoints, 2, 'the count kept by the triggers');
});
