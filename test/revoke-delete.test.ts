import t from 'tap';
import {
  build,
  call,
  clerkError,
  DAY_MS,
  expectInvitation,
  invite,
  JSON_TYPE,
  OTHER_KEY,
  outbox,
  setClockOffset,
  setStoredStatus,
} from './helper.js';

type App = Awaited<ReturnType<typeof build>>;

const revoke = (app: App, id: string, key?: string) =>
  call(app, {
    method: 'POST',
    url: `/v1/invitations/${id}/revoke`,
    headers: { 'content-type': 'application/json' },
    ...(key ? { key } : {}),
  });
const remove = (app: App, id: string, key?: string) =>
  call(app, { method: 'DELETE', url: `/v1/invitations/${id}`, ...(key ? { key } : {}) });
const everything = async (app: App, key?: string) =>
  (
    await call(app, {
      method: 'GET',
      url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
      ...(key ? { key } : {}),
    })
  ).body as Record<string, any>[];

const notFound = (id: string) => ({
  message: 'not found',
  long_message: `No invitation was found with id ${id}.`,
  code: 'resource_not_found',
});

t.test('revoking a pending invitation answers it revoked, without url, with updated_at bumped', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { k: 'v' } });
  setClockOffset(app, 5000);
  const r = await revoke(app, inv['id']);
  t.equal(r.status, 200);
  t.equal(r.type, JSON_TYPE);
  const body = r.body as Record<string, any>;
  t.ok(body['updated_at'] >= inv['created_at'] + 5000, 'updated_at is the revoke time');
  expectInvitation(t, body, {
    email_address: 'ada@example.com',
    public_metadata: { k: 'v' },
    status: 'revoked',
    updated_at: body['updated_at'],
  });
  t.equal(body['id'], inv['id']);
  t.equal(body['created_at'], inv['created_at']);
  t.same(await everything(app), [body], 'the list shows the same revoked invitation');
});

t.test('revoke accepts a request with no Content-Type and no body, and one with an empty JSON body', async (t) => {
  const app = await build(t);
  const a = await invite(app, { email_address: 'a@example.com' });
  const b = await invite(app, { email_address: 'b@example.com' });
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${a['id']}/revoke` })).status, 200);
  const r = await call(app, {
    method: 'POST',
    url: `/v1/invitations/${b['id']}/revoke`,
    payload: '',
    headers: { 'content-type': 'application/json' },
  });
  t.equal(r.status, 200);
  t.equal((r.body as { status: string }).status, 'revoked');
});

t.test('revoking an expired invitation works', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', expires_in_days: 1 });
  setClockOffset(app, 2 * DAY_MS);
  t.equal((await everything(app))[0]?.['status'], 'expired');
  const r = await revoke(app, inv['id']);
  t.equal(r.status, 200);
  t.equal((r.body as { status: string }).status, 'revoked');
});

t.test('revoking twice answers invitation_already_revoked', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  const first = (await revoke(app, inv['id'])).body;
  clerkError(t, await revoke(app, inv['id']), 400, {
    message: 'Invitation is already revoked.',
    long_message: 'Invitation is already revoked.',
    code: 'invitation_already_revoked',
  });
  t.same(await everything(app), [first], 'unchanged');
});

t.test('revoking an accepted invitation answers invitation_already_accepted', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  setStoredStatus(app, inv['id'], 'accepted');
  clerkError(t, await revoke(app, inv['id']), 400, {
    message: 'Invitation is already accepted, try signing in instead.',
    long_message: 'Invitation is already accepted, try signing in instead.',
    code: 'invitation_already_accepted',
  });
  t.equal((await everything(app))[0]?.['status'], 'accepted');
});

t.test('revoking or deleting an unknown id answers resource_not_found naming the id', async (t) => {
  const app = await build(t);
  clerkError(
    t,
    await revoke(app, 'inv_2xUnknown0000000000000000000'),
    404,
    notFound('inv_2xUnknown0000000000000000000'),
  );
  clerkError(t, await remove(app, 'inv_nope'), 404, notFound('inv_nope'));
});

t.test("another instance's invitation is a 404 for revoke and delete and invisible in its lists", async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  clerkError(t, await revoke(app, inv['id'], OTHER_KEY), 404, notFound(inv['id']));
  clerkError(t, await remove(app, inv['id'], OTHER_KEY), 404, notFound(inv['id']));
  t.same(await everything(app, OTHER_KEY), []);
  t.same(
    (await call(app, { method: 'GET', url: `/v1/invitations?paginated=true&query=${inv['id']}`, key: OTHER_KEY })).body,
    { data: [], total_count: 0 },
  );
  t.same(await everything(app), [inv], 'the owner still has it, untouched');
});

t.test('delete answers the deleted object for every status, and the invitation is gone from every list', async (t) => {
  const app = await build(t);
  const pending = await invite(app, { email_address: 'pending@example.com' });
  const revoked = await invite(app, { email_address: 'revoked@example.com' });
  await revoke(app, revoked['id']);
  const accepted = await invite(app, { email_address: 'accepted@example.com' });
  setStoredStatus(app, accepted['id'], 'accepted');
  const expired = await invite(app, { email_address: 'expired@example.com', expires_in_days: 1 });
  setClockOffset(app, 2 * DAY_MS);
  for (const inv of [pending, revoked, accepted, expired]) {
    const r = await remove(app, inv['id']);
    t.same(
      { status: r.status, type: r.type, body: r.body },
      {
        status: 200,
        type: JSON_TYPE,
        body: { object: 'invitation', id: inv['id'], deleted: true },
      },
    );
    t.same(Object.keys(r.body as object), ['object', 'id', 'deleted']);
  }
  t.same(await everything(app), []);
  t.same(outbox(app), [], 'the copies of its emails are gone too');
  clerkError(t, await remove(app, pending['id']), 404, notFound(pending['id']));
});

t.test('a deleted invitation no longer blocks a new one for its email', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  await remove(app, inv['id']);
  t.equal(
    (await call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'ada@example.com' } })).status,
    200,
  );
});
