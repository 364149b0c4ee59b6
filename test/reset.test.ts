import t from 'tap';
import { build, call, invite, OTHER_KEY } from './helper.js';

t.test('reset empties only the calling instance and returns the counts', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'a@example.com' });
  await invite(app, { email_address: 'b@example.com', notify: false });
  await invite(app, { email_address: 'c@example.com' }, OTHER_KEY);

  const r = await call(app, { method: 'POST', url: '/_emulator/reset' });
  t.same({ status: r.status, type: r.type, body: r.body }, {
    status: 200, type: 'application/json',
    body: { object: 'reset', invitations: 2, users: 0, emails: 1, clock_reset: false },
  });

  const mine = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same(mine.body, []);
  const theirs = await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
  t.same((theirs.body as { email_address: string }[]).map((i) => i.email_address), ['c@example.com']);
});
