import t from 'tap';
import { build, call, invite, OTHER_KEY } from './helper.js';

t.test('reset empties only the calling instance and returns the counts', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'a@example.com' });
  await invite(app, { email_address: 'b@example.com', notify: false });
  await invite(app, { email_address: 'c@example.com' }, OTHER_KEY);

  const r = await call(app, { method: 'POST', url: '/_emulator/reset' });
  t.same(
    { status: r.status, type: r.type, body: r.body },
    {
      status: 200,
      type: 'application/json',
      body: {
        object: 'reset',
        invitations: 2,
        users: 0,
        emails: 1,
        clock_reset: false,
        webhook_endpoints: 0,
        webhook_messages: 0,
      },
    },
  );

  const mine = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same(mine.body, []);
  const theirs = await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
  t.same(
    (theirs.body as { email_address: string }[]).map((i) => i.email_address),
    ['c@example.com'],
  );
});

t.test(
  'reset also empties users and the outbox and returns the clock to real time, for that instance only',
  async (t) => {
    const app = await build(t);
    for (const key of [undefined, OTHER_KEY]) {
      const k = key ? { key } : {};
      await call(app, {
        method: 'POST',
        url: '/_emulator/users',
        payload: { email_address: 'user@example.com' },
        ...k,
      });
      const inv = await invite(app, { email_address: 'ada@example.com' }, key);
      await call(app, { method: 'POST', url: `/_emulator/invitations/${inv.id}/accept`, ...k });
      await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 3_600_000 }, ...k });
    }
    const r = await call(app, { method: 'POST', url: '/_emulator/reset' });
    t.same(r.body, {
      object: 'reset',
      invitations: 1,
      users: 2,
      emails: 1,
      clock_reset: true,
      webhook_endpoints: 0,
      webhook_messages: 0,
    });

    t.same((await call(app, { method: 'GET', url: '/_emulator/users' })).body, { data: [], total_count: 0 });
    t.same((await call(app, { method: 'GET', url: '/_emulator/emails' })).body, { data: [], total_count: 0 });
    t.equal(((await call(app, { method: 'GET', url: '/_emulator/clock' })).body as { offset_ms: number }).offset_ms, 0);

    t.equal(
      ((await call(app, { method: 'GET', url: '/_emulator/users', key: OTHER_KEY })).body as { total_count: number })
        .total_count,
      2,
    );
    t.equal(
      ((await call(app, { method: 'GET', url: '/_emulator/emails', key: OTHER_KEY })).body as { total_count: number })
        .total_count,
      1,
    );
    t.equal(
      ((await call(app, { method: 'GET', url: '/_emulator/clock', key: OTHER_KEY })).body as { offset_ms: number })
        .offset_ms,
      3_600_000,
    );

    const again = await call(app, { method: 'POST', url: '/_emulator/reset' });
    t.same(again.body, {
      object: 'reset',
      invitations: 0,
      users: 0,
      emails: 0,
      clock_reset: false,
      webhook_endpoints: 0,
      webhook_messages: 0,
    });
  },
);

t.test('after a reset the old links are dead and the emails free', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  await call(app, { method: 'POST', url: '/_emulator/reset' });
  const u = new URL(inv.url);
  const link = await call(app, { method: 'GET', url: u.pathname + u.search, key: null });
  t.same([link.status, link.type], [404, 'text/html; charset=utf-8']);
  t.equal((await invite(app, { email_address: 'ada@example.com' })).status, 'pending');
});
