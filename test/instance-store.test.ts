import t from 'tap';
import { HOT_INSTANCES, InstanceStore } from '../src/db/instances.js';
import { openDatabase } from '../src/db/open.js';

t.test('byId keeps up to HOT_INSTANCES instances between commits, then starts again', async (t) => {
  const db = openDatabase(':memory:');
  const store = new InstanceStore(db);
  t.teardown(() => {
    store.close();
    db.close();
  });
  const add = db.prepare('INSERT INTO instances (id, key_digest, created_at, public_id) VALUES (?, ?, 0, ?)');
  db.transaction(() => {
    for (let id = 1; id <= HOT_INSTANCES + 5; id++) add.run(id, Buffer.from(String(id)), `ins_${id}`);
  })();
  store.byId(1); // the commit above is seen once, then nothing commits
  for (let id = 1; id < HOT_INSTANCES; id++) store.byId(id);
  t.equal(store.kept, HOT_INSTANCES - 1, 'every instance used in turn is kept');
  for (let id = 1; id < HOT_INSTANCES; id++) store.byId(id);
  t.equal(store.kept, HOT_INSTANCES - 1, 'a second round over them keeps them');
  for (let id = HOT_INSTANCES; id <= HOT_INSTANCES + 5; id++)
    t.same(store.byId(id), { id, clockOffsetMs: 0, publicId: `ins_${id}`, webhookEndpoints: 0, listVersion: 0 });
  t.ok(store.kept <= HOT_INSTANCES, `at most ${HOT_INSTANCES} kept (${store.kept})`);
});
