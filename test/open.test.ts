import { join } from 'node:path';
import t from 'tap';
import { closeDatabase, type DB, openDatabase } from '../src/db/open.js';

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
