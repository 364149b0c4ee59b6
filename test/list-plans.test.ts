import t from 'tap';
import { openDatabase } from '../src/db/open.js';
import { OUTBOX_SQL } from '../src/emulator/outbox-store.js';
import { listSql, listWhere, type OrderColumn, statusFilter } from '../src/invitations/list/queries.js';
import { STATUSES, type Status } from '../src/invitations/model.js';
import { DUPLICATE_CHECK_SQL } from '../src/invitations/store.js';

// Every list shape must walk an index in the requested order: a temp b-tree would sort every match
// and a SCAN would read every row of every instance. Only the substring query reads the whole
// instance range (stated in BENCHMARKS.md), and it too must not sort.
const db = openDatabase(':memory:');
t.teardown(() => db.close());

const plan = (sql: string, params: Record<string, unknown>): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');

const params = { instance: 1, now: 1_700_000_000_000, limit: 10, offset: 0, like: '%ada%', q: 'ada' };
const statusSets: Status[][] = [[]];
for (let mask = 1; mask < 1 << STATUSES.length; mask++) statusSets.push(STATUSES.filter((_, i) => mask & (1 << i)));
const orders: OrderColumn[] = ['created_at', 'email_address', 'expires_at'];

t.test('every list shape reads an index in order, without a temp b-tree or a full scan', async (t) => {
  let shapes = 0;
  for (const statuses of statusSets) {
    for (const withQuery of [false, true]) {
      for (const orderBy of orders) {
        for (const descending of [true, false]) {
          const sql = listSql(listWhere(statusFilter(statuses), withQuery), orderBy, descending);
          const detail = plan(sql, params);
          const shape = `status=[${statuses.join(',')}] query=${withQuery} order_by=${descending ? '-' : '+'}${orderBy}`;
          if (
            /TEMP B-TREE/.test(detail) ||
            /^SCAN/m.test(detail) ||
            !/^SEARCH invitations USING (COVERING )?INDEX/m.test(detail)
          ) {
            t.fail(shape, { detail });
          }
          shapes++;
        }
      }
    }
  }
  t.equal(shapes, 16 * 2 * 3 * 2, 'all shapes checked');
});

t.test('the default list and status=pending walk the created_at indexes', async (t) => {
  const defaultList = plan(listSql(listWhere(statusFilter([]), false), 'created_at', true), params);
  t.equal(defaultList, 'SEARCH invitations USING INDEX invitations_created (instance_id=?)');
  const pending = plan(listSql(listWhere(statusFilter(['pending']), false), 'created_at', true), params);
  t.equal(pending, 'SEARCH invitations USING INDEX invitations_status_created (instance_id=? AND status=?)');
});

t.test('the counts behind total_count are index lookups, never scans', async (t) => {
  t.equal(
    plan('SELECT status, n, changes FROM invitation_counts WHERE instance_id = @instance', params),
    'SEARCH invitation_counts USING INDEX sqlite_autoindex_invitation_counts_1 (instance_id=?)',
  );
  t.equal(
    plan(
      `SELECT count(*) FROM invitations WHERE instance_id = @instance AND status = 'pending' AND expires_at <= @now`,
      params,
    ),
    'SEARCH invitations USING COVERING INDEX invitations_status_expires (instance_id=? AND status=? AND expires_at<?)',
  );
  t.equal(
    plan(
      `SELECT count(*) FROM invitations WHERE instance_id = @instance AND status = 'pending' AND expires_at > @now`,
      params,
    ),
    'SEARCH invitations USING COVERING INDEX invitations_status_expires (instance_id=? AND status=? AND expires_at>?)',
  );
  t.equal(
    plan(
      `SELECT min(expires_at) FROM invitations WHERE instance_id = @instance AND status = 'pending' AND expires_at > @now`,
      params,
    ),
    'SEARCH invitations USING COVERING INDEX invitations_status_expires (instance_id=? AND status=? AND expires_at>?)',
  );
});

t.test('the duplicate check is an index lookup on the instance and the email', async (t) => {
  const detail = (
    db.prepare(`EXPLAIN QUERY PLAN ${DUPLICATE_CHECK_SQL}`).all(1, 'ada@example.com', 0) as { detail: string }[]
  )
    .map((r) => r.detail)
    .join('\n');
  t.match(
    detail,
    /^SEARCH invitations USING COVERING INDEX invitations_status_email \(instance_id=\? AND status=\? AND email_address=\?\)$/,
  );
});

t.test(
  'the outbox walks its own index newest first; by recipient, the address index and a sort of its few',
  async (t) => {
    const outbox = { ...params, to: 'ada@example.com' };
    t.equal(plan(OUTBOX_SQL.all.rows, outbox), 'SEARCH invitations USING INDEX invitations_outbox (instance_id=?)');
    t.equal(plan(OUTBOX_SQL.all.count, outbox), 'SEARCH invitations USING INDEX invitations_outbox (instance_id=?)');
    t.equal(
      plan(OUTBOX_SQL.to.rows, outbox),
      'SEARCH invitations USING INDEX invitations_email (instance_id=? AND email_address=?)\nUSE TEMP B-TREE FOR ORDER BY',
    );
    t.equal(
      plan(OUTBOX_SQL.to.count, outbox),
      'SEARCH invitations USING INDEX invitations_email (instance_id=? AND email_address=?)',
    );
  },
);
