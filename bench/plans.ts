// Prints EXPLAIN QUERY PLAN for each benchmarked list shape, as markdown for BENCHMARKS.md:
//   node --import tsx bench/plans.ts
import { closeDatabase, openDatabase } from '../src/db/open.js';
import { OUTBOX_SQL } from '../src/emulator/outbox-store.js';
import { listSql, listWhere, type OrderColumn, statusFilter } from '../src/invitations/list/queries.js';
import type { Status } from '../src/invitations/model.js';
import { DUPLICATE_CHECK_SQL } from '../src/invitations/store.js';

const db = openDatabase(':memory:');
const params = { instance: 1, now: Date.now(), limit: 10, offset: 0, like: '%ser4242%', q: 'ser4242' };
const plan = (sql: string, p: unknown = params): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(p as Record<string, unknown>) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ');

const shapes: { name: string; statuses: Status[]; orderBy: OrderColumn; query?: boolean; total: string }[] = [
  {
    name: 'default (`-created_at`, non-revoked)',
    statuses: [],
    orderBy: 'created_at',
    total: 'counters: pending + accepted',
  },
  {
    name: '`status=pending`',
    statuses: ['pending'],
    orderBy: 'created_at',
    total: 'counters: pending, minus the expired range',
  },
  {
    name: '`status=expired`',
    statuses: ['expired'],
    orderBy: 'created_at',
    total: 'the expired range (or pending minus the live range)',
  },
  { name: '`status=revoked`', statuses: ['revoked'], orderBy: 'created_at', total: 'counters: revoked' },
  { name: '`order_by=email_address`', statuses: [], orderBy: 'email_address', total: 'counters: pending + accepted' },
  { name: '`order_by=expires_at`', statuses: [], orderBy: 'expires_at', total: 'counters: pending + accepted' },
  {
    name: '`status=pending&order_by=email_address`',
    statuses: ['pending'],
    orderBy: 'email_address',
    total: 'as `status=pending`',
  },
  {
    name: '`query=` substring',
    statuses: [],
    orderBy: 'created_at',
    query: true,
    total: 'COUNT(*) over the instance (stated cost)',
  },
];

const rows = ['| shape | rows query plan | total_count |', '|---|---|---|'];
for (const s of shapes) {
  const where = listWhere(statusFilter(s.statuses), s.query === true);
  const total = s.query ? `${s.total}: \`${plan(`SELECT count(*) FROM invitations WHERE ${where}`)}\`` : s.total;
  rows.push(`| ${s.name} | \`${plan(listSql(where, s.orderBy, true))}\` | ${total} |`);
}
console.log(rows.join('\n'));
console.log('\n| count and check statements | plan |\n|---|---|');
console.log(
  `| per-status counters | \`${plan('SELECT status, n, changes FROM invitation_counts WHERE instance_id = @instance')}\` |`,
);
console.log(
  `| expired range (capped) | \`${plan(`SELECT count(*) FROM (SELECT 1 FROM invitations WHERE instance_id = @instance AND status = 'pending' AND expires_at <= @now LIMIT 10)`)}\` |`,
);
console.log(
  `| live range | \`${plan(`SELECT count(*) FROM invitations WHERE instance_id = @instance AND status = 'pending' AND expires_at > @now`)}\` |`,
);
console.log(`| duplicate check on create | \`${plan(DUPLICATE_CHECK_SQL, [1, 'ada@example.com', 0])}\` |`);
const outbox = { ...params, to: 'ada@example.com' };
console.log(
  `| outbox (\`/_emulator/emails\`), page and count | \`${plan(OUTBOX_SQL.all.rows, outbox)}\` and \`${plan(OUTBOX_SQL.all.count, outbox)}\` |`,
);
console.log(
  `| outbox by recipient (\`?to=\`), page and count | \`${plan(OUTBOX_SQL.to.rows, outbox)}\` and \`${plan(OUTBOX_SQL.to.count, outbox)}\` |`,
);
closeDatabase(db);
