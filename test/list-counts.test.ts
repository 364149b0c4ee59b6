import t, { type Test } from 'tap';
import { HOT_INSTANCES } from '../src/db/instances.js';
import { openDatabase } from '../src/db/open.js';
import { ResetStore } from '../src/emulator/reset-store.js';
import { EndpointStore } from '../src/emulator/webhooks-endpoints.js';
import { MessageStore } from '../src/emulator/webhooks-messages.js';
import { ListCounter } from '../src/invitations/list/counts.js';
import { statusFilter } from '../src/invitations/list/queries.js';
import { ListReader } from '../src/invitations/list/reader.js';
import { STATUSES, type Status } from '../src/invitations/model.js';
import type { CreateInput } from '../src/invitations/schemas.js';
import { InvitationStore } from '../src/invitations/store.js';

// total_count comes from counters kept by triggers (migration 002) and an index range for expiry;
// it must equal a plain COUNT(*) of the matching rows for every status set, clock and write path.
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;

const input = (email: string, days = 30): CreateInput => ({
  email_address: email,
  public_metadata: {},
  redirect_url: null,
  notify: false,
  ignore_existing: false,
  expires_in_days: days,
  template_slug: 'invitation',
});

const statusSets: Status[][] = [[]];
for (let mask = 1; mask < 1 << STATUSES.length; mask++) statusSets.push(STATUSES.filter((_, i) => mask & (1 << i)));

function setup() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO instances (id, key_digest, created_at) VALUES (1, x'01', 0), (2, x'02', 0)").run();
  return { db, store: new InvitationStore(db), reader: new ListReader(db) };
}

/** Every status set, at several clocks: the list's total_count against a brute-force count of its rows. */
function checkAll(t: Test, reader: ListReader, instance: number, nows: number[]): void {
  for (const now of nows) {
    for (const statuses of statusSets) {
      const q = {
        limit: 500,
        offset: 0,
        statuses,
        query: undefined,
        orderBy: 'created_at' as const,
        descending: true,
        withTotal: false,
      };
      const all = reader.list(instance, now, q).rows.length;
      const shape = `status=[${statuses.join(',')}] at +${(now - T0) / DAY}d`;
      // A full first page and a page past the end both need the counters; a short page is its own total.
      t.equal(reader.list(instance, now, { ...q, limit: 1, withTotal: true }).total, all, `${shape}, full page`);
      t.equal(
        reader.list(instance, now, { ...q, offset: all + 3, withTotal: true }).total,
        all,
        `${shape}, past the end`,
      );
    }
  }
}

t.test('total_count matches the rows for every status set, as invitations expire', async (t) => {
  const { db, store, reader } = setup();
  t.teardown(() => db.close());
  for (let i = 0; i < 40; i++) store.create(1, T0 + i, input(`a${i}@example.com`, 1 + (i % 5)));
  for (let i = 0; i < 7; i++) store.create(2, T0 + i, input(`b${i}@example.com`));
  const ids = reader
    .list(1, T0, {
      limit: 500,
      offset: 0,
      statuses: [],
      query: undefined,
      orderBy: 'email_address',
      descending: false,
      withTotal: false,
    })
    .rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 6) store.revoke(1, T0 + 100, ids[i]!);
  db.prepare(
    `UPDATE invitations SET status = 'accepted' WHERE instance_id = 1 AND email_address LIKE 'a1%' AND status = 'pending'`,
  ).run();
  checkAll(t, reader, 1, [T0, T0 + 1.5 * DAY, T0 + 2.5 * DAY, T0 + 3.5 * DAY, T0 + 10 * DAY]);
  // The clock can go back, and a write at the same instant changes the split: neither may reuse a stale count.
  checkAll(t, reader, 1, [T0 + 2.5 * DAY, T0]);
  store.create(1, T0 + 2.5 * DAY, input('late@example.com', 1));
  store.revoke(
    1,
    T0 + 2.5 * DAY,
    reader.list(1, T0, {
      limit: 1,
      offset: 0,
      statuses: ['pending'],
      query: undefined,
      orderBy: 'created_at',
      descending: true,
      withTotal: false,
    }).rows[0]!.id,
  );
  checkAll(t, reader, 1, [T0 + 2.5 * DAY, T0 + 3.6 * DAY]);
  db.prepare(
    `UPDATE invitations SET expires_at = ${T0} WHERE instance_id = 1 AND email_address = 'late@example.com'`,
  ).run();
  checkAll(t, reader, 1, [T0 + 3.6 * DAY]);
  checkAll(t, reader, 2, [T0, T0 + 40 * DAY]);
});

t.test('bulk creates, deletes and a reset keep the counts exact', async (t) => {
  const { db, store, reader } = setup();
  t.teardown(() => db.close());
  const rows = store.createBulk(
    1,
    T0,
    ['x@e.com', 'y@e.com', 'z@e.com'].map((e) => input(e, 2)),
  );
  store.delete(1, rows[1]!.id);
  checkAll(t, reader, 1, [T0, T0 + 3 * DAY]);
  new ResetStore(db, { endpoints: new EndpointStore(db), messages: new MessageStore(db) }).reset(1);
  checkAll(t, reader, 1, [T0]);
  t.same(db.prepare('SELECT status, n FROM invitation_counts WHERE instance_id = 1 AND n <> 0').all(), []);
});

t.test('a substring query is counted over its matches', async (t) => {
  const { db, store, reader } = setup();
  t.teardown(() => db.close());
  for (const e of ['ada@x.com', 'adam@x.com', 'bob@x.com']) store.create(1, T0, input(e));
  const q = {
    limit: 1,
    offset: 0,
    statuses: [],
    query: 'ADA',
    orderBy: 'created_at' as const,
    descending: true,
    withTotal: true,
  };
  const page = reader.list(1, T0, q);
  t.equal(page.total, 2);
  t.equal(page.rows.length, 1);
  t.same(reader.list(1, T0, { ...q, limit: 10 }).total, 2, 'a short page counts itself');
  t.same(reader.list(1, T0, { ...q, offset: 5 }), { rows: [], total: 2 }, 'past the end is still counted');
});

t.test('expired counts are kept for at most HOT_INSTANCES instances, and stay right past it', async (t) => {
  const db = openDatabase(':memory:');
  t.teardown(() => db.close());
  const instances = HOT_INSTANCES + 5;
  const store = new InvitationStore(db);
  const addInstance = db.prepare('INSERT INTO instances (id, key_digest, created_at) VALUES (?, ?, 0)');
  db.transaction(() => {
    for (let id = 1; id <= instances; id++) {
      addInstance.run(id, Buffer.from(String(id)));
      // One live and, two days on, one expired pending invitation per instance.
      store.create(id, T0, input(`live${id}@e.com`, 30));
      store.create(id, T0, input(`soon${id}@e.com`, 1));
    }
  })();
  const counter = new ListCounter(db);
  const pending = statusFilter(['expired']);
  let wrong = 0;
  for (let id = 1; id <= instances; id++) if (counter.total(id, T0 + 2 * DAY, pending) !== 1) wrong++;
  t.equal(wrong, 0, 'every instance counts its one expired invitation');
  t.ok(counter.kept <= HOT_INSTANCES, `kept ${counter.kept} of ${instances} instances`);
  t.ok(counter.kept > 0, 'the newest are kept');
});
