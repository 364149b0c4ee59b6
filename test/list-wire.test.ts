import t from 'tap';
import { build, call, invite } from './helper.js';

// The list route writes its JSON by hand (the hot path): it must still be exactly what clients parse.
t.test('the paginated list answers application/json with the invitations, newest first, and total_count', async (t) => {
  const app = await build(t);
  const first = await invite(app, { email_address: 'ada@example.com', public_metadata: { role: { name: 'admin' } } });
  const second = await invite(app, { email_address: 'bob@example.com' });
  const r = await call(app, { method: 'GET', url: '/v1/invitations?paginated=true' });
  t.equal(r.status, 200);
  t.equal(r.type, 'application/json');
  // Two creates may share a millisecond: then the id breaks the tie, descending like the sort.
  const newestFirst = [first, second].sort((a, b) => b.created_at - a.created_at || (b.id > a.id ? 1 : -1));
  t.same(r.body, { data: newestFirst, total_count: 2 });
});

t.test('without paginated the list is a bare array, and a revoked invitation shows only when asked for', async (t) => {
  const app = await build(t);
  const kept = await invite(app, { email_address: 'ada@example.com' });
  const gone = await invite(app, { email_address: 'bob@example.com' });
  const revoked = await call(app, { method: 'POST', url: `/v1/invitations/${gone.id}/revoke` });
  const r = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.equal(r.type, 'application/json');
  t.same(r.body, [kept]);
  const onlyRevoked = await call(app, { method: 'GET', url: '/v1/invitations?status=revoked&paginated=true' });
  t.same(onlyRevoked.body, { data: [revoked.body], total_count: 1 });
});
