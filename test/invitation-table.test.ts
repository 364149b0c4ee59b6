import t from 'tap';
import { openDatabase } from '../src/db/open.js';
import {
  EMAIL_SELECT,
  newRow,
  ROW_COLUMNS,
  ROW_SELECT,
  RowInserter,
  rowFromArray,
  rowSelect,
} from '../src/invitations/table.js';

// table.ts is the one owner of the invitation row's columns: these tests pin its pieces to each other
// and to the schema the migrations build, so that adding a column cannot leave one of them behind.
const NOW = 1_790_718_468_757;

function setup() {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO instances (id, key_digest, created_at) VALUES (1, x'01', 0)").run();
  t.teardown(() => db.close());
  return db;
}

t.test('rowFromArray reads each column at its place in ROW_COLUMNS', async (t) => {
  t.same(rowFromArray([...ROW_COLUMNS]), Object.fromEntries(ROW_COLUMNS.map((c) => [c, c])));
  t.same(ROW_SELECT, ROW_COLUMNS.join(', '));
  t.same(rowSelect('i'), ROW_COLUMNS.map((c) => `i.${c}`).join(', '));
});

t.test('ROW_COLUMNS are every column of the table but its keys and the outbox email id', async (t) => {
  const db = setup();
  const columns = (db.prepare('PRAGMA table_info(invitations)').all() as { name: string }[]).map((c) => c.name);
  t.same(columns.filter((c) => !['seq', 'instance_id', 'email_id'].includes(c)).sort(), [...ROW_COLUMNS].sort());
});

t.test('a row inserted with RowInserter reads back the same, as an object and in raw mode', async (t) => {
  const db = setup();
  const rows = [
    newRow({
      email_address: 'ada@example.com',
      public_metadata: { plan: 'pro' },
      redirect_url: 'https://app.test/welcome',
      template_slug: 'invitation',
      notify: true,
      created_at: NOW,
      expires_at: NOW + 1000,
    }),
    newRow({
      id: 'inv_2zZ9mJ1XJ4o4Vb3fS2dOYBNkLWe',
      email_address: 'grace@example.com',
      public_metadata: {},
      status: 'accepted',
      redirect_url: null,
      template_slug: 'waitlist_invitation',
      notify: false,
      created_at: NOW - 5,
      expires_at: NOW + 5,
      updated_at: NOW,
    }),
  ];
  const insert = new RowInserter(db);
  for (const row of rows) insert.run(1, row);
  const select = `SELECT ${ROW_SELECT} FROM invitations ORDER BY seq`;
  t.same(db.prepare(select).all(), rows, 'as objects');
  t.same((db.prepare(select).raw().all() as unknown[][]).map(rowFromArray), rows, 'raw, through rowFromArray');
  t.match(rows[0], { status: 'pending', notify: 1, public_metadata: '{"plan":"pro"}', updated_at: NOW });
  t.equal(rows[1]!.id, 'inv_2zZ9mJ1XJ4o4Vb3fS2dOYBNkLWe', 'a given id is kept');
  const emails = db.prepare(`SELECT ${EMAIL_SELECT} FROM invitations ORDER BY seq`).all() as Record<string, unknown>[];
  t.match(emails[0], {
    id: /^ema_[0-9A-Za-z]{27}$/,
    to_email_address: 'ada@example.com',
    template_slug: 'invitation',
    invitation_id: rows[0]!.id,
    ticket: rows[0]!.ticket,
    redirect_url: 'https://app.test/welcome',
    created_at: NOW,
  });
  t.equal(emails[1]!['id'], null, 'no email without notify');
});

t.test(
  'RowInserter counts each row under its status in the same transaction; a failed insert counts nothing',
  async (t) => {
    const db = setup();
    db.prepare("INSERT INTO instances (id, key_digest, created_at) VALUES (2, x'02', 0)").run();
    const insert = new RowInserter(db);
    const row = (status: 'pending' | 'accepted' | 'revoked', i: number) =>
      newRow({
        email_address: `u${i}@example.com`,
        public_metadata: {},
        status,
        redirect_url: null,
        template_slug: 'invitation',
        notify: false,
        created_at: NOW + i,
        expires_at: NOW + 1000,
      });
    const statuses = ['pending', 'pending', 'accepted', 'revoked', 'pending'] as const;
    for (const [i, status] of statuses.entries()) insert.run(1, row(status, i));
    insert.run(2, row('accepted', 9));
    const duplicate = row('pending', 10);
    insert.run(2, duplicate);
    t.throws(() => db.transaction(() => insert.run(2, duplicate))(), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const counts = 'SELECT instance_id, status, n, changes FROM invitation_counts ORDER BY 1, 2';
    t.same(db.prepare(counts).all(), [
      { instance_id: 1, status: 'accepted', n: 1, changes: 1 },
      { instance_id: 1, status: 'pending', n: 3, changes: 3 },
      { instance_id: 1, status: 'revoked', n: 1, changes: 1 },
      { instance_id: 2, status: 'accepted', n: 1, changes: 1 },
      { instance_id: 2, status: 'pending', n: 1, changes: 1 },
    ]);
    t.same(
      db
        .prepare(counts.replace('n, changes FROM invitation_counts', 'count(*) AS n FROM invitations GROUP BY 1, 2'))
        .all(),
      [
        { instance_id: 1, status: 'accepted', n: 1 },
        { instance_id: 1, status: 'pending', n: 3 },
        { instance_id: 1, status: 'revoked', n: 1 },
        { instance_id: 2, status: 'accepted', n: 1 },
        { instance_id: 2, status: 'pending', n: 1 },
      ],
      'the counts are the rows',
    );
  },
);
