import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { closeDatabase, type DB, openDatabase } from '../src/db/open.js';
import { DatabaseOpenError, openFailure } from '../src/db/open-error.js';

const settings = (db: DB) => ({
  journal_mode: db.pragma('journal_mode', { simple: true }),
  synchronous: db.pragma('synchronous', { simple: true }),
  wal_autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }),
  temp_store: db.pragma('temp_store', { simple: true }),
  cache_size: db.pragma('cache_size', { simple: true }),
  foreign_keys: db.pragma('foreign_keys', { simple: true }),
  busy_timeout: db.pragma('busy_timeout', { simple: true }),
});

t.test('a database file: WAL, NORMAL sync, a checkpoint every 10,000 frames, 2 MB of page cache', async (t) => {
  const db = openDatabase(join(t.testdir(), 'emulator.db'));
  t.teardown(() => closeDatabase(db));
  t.same(settings(db), {
    journal_mode: 'wal',
    synchronous: 1,
    wal_autocheckpoint: 10000,
    temp_store: 2,
    cache_size: -2000,
    foreign_keys: 1,
    busy_timeout: 5000,
  });
});

t.test(':memory: keeps its memory journal (its pages are never evicted, whatever cache_size says)', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => closeDatabase(db));
  t.same(settings(db), {
    journal_mode: 'memory',
    synchronous: 2,
    wal_autocheckpoint: 1000,
    temp_store: 2,
    cache_size: -2000,
    foreign_keys: 1,
    busy_timeout: 5000,
  });
});

t.test('a new database file and its -wal and -shm are readable and writable by their owner only (0600)', async (t) => {
  const path = join(t.testdir(), 'new.db');
  const db = openDatabase(path);
  t.teardown(() => closeDatabase(db));
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
  t.same([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)], ['600', '600', '600']);
});

t.test('an existing file keeps the mode it has', async (t) => {
  const path = join(t.testdir(), 'old.db');
  writeFileSync(path, '');
  chmodSync(path, 0o640);
  closeDatabase(openDatabase(path));
  t.equal((statSync(path).mode & 0o777).toString(8), '640');
});

t.test('each opening failure is one line naming DATABASE_PATH, the path and what is wrong', async (t) => {
  const path = '/data/emulator.db';
  const cases: [unknown, string][] = [
    [{ code: 'ENOENT' }, 'cannot be created: the folder /data does not exist'],
    [{ code: 'EACCES' }, 'cannot be created: no permission to write in /data'],
    [{ code: 'EPERM' }, 'cannot be created: no permission to write in /data'],
    [{ code: 'EROFS' }, 'cannot be created: the file system is read-only'],
    [{ code: 'ENOSPC' }, 'cannot be written: the disk is full'],
    [{ code: 'SQLITE_FULL' }, 'cannot be written: the disk is full'],
    [{ code: 'SQLITE_NOTADB' }, 'is not a SQLite database'],
    [
      { code: 'SQLITE_READONLY_DIRECTORY' },
      'cannot be written: its folder is read-only (the -wal and -shm files live beside it)',
    ],
    [{ code: 'SQLITE_READONLY' }, 'cannot be written: the file or its file system is read-only'],
    [{ code: 'SQLITE_READONLY_CANTINIT' }, 'cannot be written: the file or its file system is read-only'],
    [
      { code: 'SQLITE_IOERR_SHMSIZE' },
      'cannot be read or written: the disk failed (SQLITE_IOERR_SHMSIZE); is it full?',
    ],
    [{ code: 'SQLITE_CANTOPEN' }, 'cannot be opened (SQLITE_CANTOPEN): is it, or its folder, unreadable?'],
    [new Error('something else'), 'something else'],
    ['a string', 'a string'],
  ];
  for (const [err, reason] of cases) {
    const e = openFailure(path, err);
    t.same(
      [e.name, e.message, e.path, e.reason, e.cause],
      ['DatabaseOpenError', `DATABASE_PATH ${path}: ${reason}`, path, reason, err],
    );
  }
  const already = new DatabaseOpenError(path, 'is a folder, not a database file');
  t.equal(openFailure(path, already), already, 'an error that already says it is kept');
});

t.test('a folder is refused before SQLite sees it, and a failed open closes what it opened', async (t) => {
  const dir = t.testdir();
  t.throws(() => openDatabase(dir), {
    name: 'DatabaseOpenError',
    message: `DATABASE_PATH ${dir}: is a folder, not a database file`,
  });
  const path = join(dir, 'text.db');
  writeFileSync(path, 'x'.repeat(4096));
  t.throws(() => openDatabase(path), {
    message: `DATABASE_PATH ${path}: is not a SQLite database`,
    cause: { code: 'SQLITE_NOTADB' },
  });
});
