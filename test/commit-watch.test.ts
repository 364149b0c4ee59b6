import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import t from 'tap';
import { CommitWatch } from '../src/db/commit-watch.js';
import { closeDatabase, openDatabase } from '../src/db/open.js';

t.test('on a WAL file: a commit by this connection or another is seen, reads are not', async (t) => {
  const path = join(t.testdir(), 'watched.db');
  const db = openDatabase(path);
  const watch = new CommitWatch(db);
  t.teardown(() => {
    watch.close();
    closeDatabase(db);
  });
  db.exec('CREATE TABLE t (k INTEGER)');
  t.equal(watch.moved(), true, 'the first call always says moved');
  t.equal(watch.moved(), false);
  db.prepare('SELECT count(*) FROM t').get();
  t.equal(watch.moved(), false, 'a read commits nothing');
  db.prepare('INSERT INTO t VALUES (1)').run();
  t.equal(watch.moved(), true, 'this connection committed');
  t.equal(watch.moved(), false);

  const other = new Database(path);
  t.teardown(() => other.close());
  await nextTurn();
  t.equal(watch.moved(), false, 'a new turn: the header is read again, unchanged');
  other.prepare('INSERT INTO t VALUES (2)').run();
  t.equal(watch.moved(), false, "another connection's commit in the same turn: the turn's first answer stands");
  await nextTurn();
  t.equal(watch.moved(), true, 'the next turn: another connection (as another process) committed');
  t.equal(watch.moved(), false);
  await nextTurn();
  for (let i = 0; i < 3; i++) other.prepare('INSERT INTO t VALUES (?)').run(i);
  t.equal(watch.moved(), true, 'several commits between two calls');
  db.pragma('wal_checkpoint(TRUNCATE)');
  await nextTurn();
  watch.moved(); // the checkpoint reset the WAL, which rewrites the header: at most a needless re-read
  await nextTurn();
  t.equal(watch.moved(), false);
  other.prepare('INSERT INTO t VALUES (9)').run();
  await nextTurn();
  t.equal(watch.moved(), true, 'a commit into a WAL that restarted after a checkpoint');
  t.equal(watch.moved(), false);
  other.prepare('INSERT INTO t VALUES (10)').run();
  db.prepare('INSERT INTO t VALUES (11)').run();
  t.equal(watch.moved(), true, "this connection's own commit is seen within the turn, and reads the header again");
  await nextTurn();
  t.equal(watch.moved(), false, "which saw the other connection's commit too");
});

t.test("in memory: this connection's changes are seen", async (t) => {
  const db = openDatabase(':memory:');
  const watch = new CommitWatch(db);
  t.teardown(() => {
    watch.close();
    closeDatabase(db);
  });
  db.exec('CREATE TABLE t (k INTEGER)');
  t.equal(watch.moved(), true);
  t.equal(watch.moved(), false);
  db.prepare('INSERT INTO t VALUES (1)').run();
  t.equal(watch.moved(), true);
  t.equal(watch.moved(), false);
});

t.test('without a -shm file to read, every call says moved: always read the database', async (t) => {
  const path = join(t.testdir(), 'rollback-journal.db');
  const db = new Database(path);
  t.teardown(() => db.close());
  db.pragma('journal_mode = DELETE');
  const watch = new CommitWatch(db);
  t.teardown(() => watch.close());
  t.same([watch.moved(), watch.moved(), watch.moved()], [true, true, true]);
});
