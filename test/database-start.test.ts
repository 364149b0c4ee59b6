import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { closeDatabase, openDatabase } from '../src/db/open.js';
import { runCli } from './built-cli.js';
import { cannotMount, fillUp, openFolder, remountReadOnly, tinyFilesystem, UNPRIVILEGED } from './storage-faults.js';

/** What the command prints when start-up stops: one line on stderr, exit 1, nothing on stdout. */
const refused = (line: string) => ({ code: 1, signal: null, stdout: '', stderr: `clerk-invitations-mock: ${line}\n` });

/** A database of ours, migrated and checkpointed, its -wal and -shm gone. */
function ourDatabase(path: string): void {
  closeDatabase(openDatabase(path));
}

t.test('--db in a folder that does not exist stops start-up with one line naming the flag and the path', async (t) => {
  t.same(
    await runCli(['--db', '/no/such/dir/x.db', '--port', '0']),
    refused('--db /no/such/dir/x.db: cannot be created: the folder /no/such/dir does not exist'),
  );
});

t.test('DATABASE_PATH naming a folder stops start-up with one line naming the variable and the path', async (t) => {
  const dir = openFolder(t);
  t.same(
    await runCli(['--port', '0'], { DATABASE_PATH: dir }),
    refused(`DATABASE_PATH ${dir}: is a folder, not a database file`),
  );
});

t.test('a file that is not a database stops start-up and is left as it was', async (t) => {
  const path = join(openFolder(t), 'notes.txt');
  writeFileSync(path, 'not a database, but a good length for one to be mistaken for it\n'.repeat(100));
  t.same(await runCli(['--db', path, '--port', '0']), refused(`--db ${path}: is not a SQLite database`));
  t.same(readdirSync(join(path, '..')), ['notes.txt']);
});

t.test("a file holding another application's tables is refused and left as it was", async (t) => {
  const dir = openFolder(t);
  const path = join(dir, 'app.db');
  const other = new Database(path);
  other.exec(
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY); CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')",
  );
  other.close();
  const before = statSync(path);
  t.same(
    await runCli(['--db', path, '--port', '0'], { DATABASE_PATH: join(dir, 'unused.db') }),
    refused(
      `--db ${path}: holds tables that are not clerk-invitations-mock's (accounts, users); point it at a new file or one this emulator created`,
    ),
  );
  t.same(readdirSync(dir), ['app.db'], 'no -wal or -shm beside it, and the env path untouched');
  t.same([statSync(path).size, statSync(path).mtimeMs], [before.size, before.mtimeMs], 'not one byte written');
  const again = new Database(path, { readonly: true });
  t.teardown(() => again.close());
  t.same(
    [again.pragma('journal_mode', { simple: true }), again.pragma('user_version', { simple: true })],
    ['delete', 0],
  );
});

t.test('a file of ours with a table added by something else is refused too', async (t) => {
  const path = join(openFolder(t), 'ours.db');
  ourDatabase(path);
  const db = new Database(path);
  db.exec('CREATE TABLE audit (x)');
  db.close();
  t.same(
    await runCli(['--port', '0'], { DATABASE_PATH: path }),
    refused(
      `DATABASE_PATH ${path}: holds tables that are not clerk-invitations-mock's (audit); point it at a new file or one this emulator created`,
    ),
  );
});

t.test('a read-only database file stops start-up instead of serving reads and failing writes', async (t) => {
  const dir = openFolder(t);
  chmodSync(dir, 0o777);
  const path = join(dir, 'emulator.db');
  ourDatabase(path);
  chmodSync(path, 0o444);
  t.same(
    await runCli(['--db', path, '--port', '0'], {}, UNPRIVILEGED),
    refused(`--db ${path}: cannot be written: the file or its file system is read-only`),
  );
});

t.test('a database in a read-only folder stops start-up: its -wal and -shm cannot be made', async (t) => {
  const dir = join(openFolder(t), 'data');
  mkdirSync(dir);
  const path = join(dir, 'emulator.db');
  ourDatabase(path);
  chmodSync(path, 0o666);
  chmodSync(dir, 0o555);
  t.same(
    await runCli(['--db', path, '--port', '0'], {}, UNPRIVILEGED),
    refused(`--db ${path}: cannot be written: its folder is read-only (the -wal and -shm files live beside it)`),
  );
  t.same(
    await runCli(['--db', join(dir, 'new.db'), '--port', '0'], {}, UNPRIVILEGED),
    refused(`--db ${join(dir, 'new.db')}: cannot be created: no permission to write in ${dir}`),
    'a new file there cannot be created',
  );
});

t.test('a read-only file system stops start-up', { skip: cannotMount }, async (t) => {
  const mount = tinyFilesystem(t, 1024)!;
  const path = join(mount, 'emulator.db');
  ourDatabase(path);
  remountReadOnly(mount);
  t.same(
    await runCli(['--db', path, '--port', '0']),
    refused(`--db ${path}: cannot be written: the file or its file system is read-only`),
  );
  t.same(
    await runCli(['--db', join(mount, 'new.db'), '--port', '0']),
    refused(`--db ${join(mount, 'new.db')}: cannot be created: the file system is read-only`),
  );
});

t.test('a full disk stops start-up', { skip: cannotMount }, async (t) => {
  const mount = tinyFilesystem(t, 256)!;
  fillUp(mount);
  const path = join(mount, 'emulator.db');
  const r = await runCli(['--db', path, '--port', '0']);
  t.same(r, refused(`--db ${path}: cannot be written: the disk is full`));
  t.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
});
