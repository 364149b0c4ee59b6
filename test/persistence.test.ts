import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { readMigrations } from '../src/db/migrate.js';
import { startEmulator } from '../src/index.js';
import { runCli, startCli } from './built-cli.js';

const KEY = 'sk_test_persistence';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function create(url: string, email: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/v1/invitations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email_address: email }),
  });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function list(url: string): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${url}/v1/invitations?paginated=true`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

t.test('with a file database, invitations survive closing and starting again', async (t) => {
  const databasePath = join(t.testdir(), 'emulator.db');
  const first = await startEmulator({ databasePath, secretKey: KEY, publicUrl: 'http://localhost:4010' });
  const invitation = await create(first.url, 'ada@example.com');
  await first.close();

  const second = await startEmulator({ databasePath, secretKey: KEY, publicUrl: 'http://localhost:4010' });
  t.teardown(() => second.close());
  t.same(await list(second.url), {
    status: 200,
    type: 'application/json',
    body: { data: [invitation], total_count: 1 },
  });
});

t.test('the command closes a file database cleanly on SIGTERM and finds its data on the next start', async (t) => {
  const db = join(t.testdir(), 'cli.db');
  const args = ['--db', db, '--port', '0', '--log-level', 'warn', '--public-url', 'http://localhost:4010'];
  const first = await startCli(args);
  t.teardown(() => void first.child.kill('SIGKILL'));
  t.equal(first.banner[2], `  data:  ${db}`);
  const invitation = await create(first.url, 'grace@example.com');
  first.child.kill('SIGTERM');
  const end = await first.exited;
  t.same({ code: end.code, signal: end.signal, stderr: end.stderr }, { code: 0, signal: null, stderr: '' });
  t.notOk(existsSync(`${db}-wal`), 'the write-ahead log was checkpointed and removed on close');

  const second = await startCli(args);
  t.teardown(() => void second.child.kill('SIGKILL'));
  t.same(await list(second.url), {
    status: 200,
    type: 'application/json',
    body: { data: [invitation], total_count: 1 },
  });
  second.child.kill('SIGTERM');
  t.equal((await second.exited).code, 0);
});

t.test(
  'a database written by a newer schema refuses to start with one line naming the flag and the path',
  async (t) => {
    const db = join(t.testdir(), 'future.db');
    const future = new Database(db);
    future.pragma('user_version = 999');
    future.close();
    const r = await runCli(['--db', db, '--port', '0']);
    const known = readMigrations().at(-1)?.version;
    t.same(r, {
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        `clerk-invitations-mock: --db ${db}: database schema version 999 is newer than this version of clerk-invitations-mock ` +
        `understands (${known}); upgrade clerk-invitations-mock or use another database file\n`,
    });
  },
);
