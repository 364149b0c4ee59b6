import t from 'tap';
import { build, call, clerkError, invite, OTHER_KEY } from './helper.js';

const accept = (app: Parameters<typeof call>[0], id: string, key?: string) =>
  call(app, { method: 'POST', url: `/_emulator/invitations/${id}/accept`, ...(key ? { key } : {}) });

t.test('accepting by id answers the accepted Invitation and creates the user', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { team: 'a' } });
  const r = await accept(app, inv.id);
  const body = r.body as Record<string, any>;
  t.ok(body.updated_at >= inv.updated_at);
  t.same(
    { status: r.status, type: r.type, body },
    {
      status: 200,
      type: 'application/json',
      body: { ...inv, status: 'accepted', updated_at: body.updated_at },
    },
  );
  const users = (await call(app, { method: 'GET', url: '/_emulator/users' })).body as any;
  t.same(
    users.data.map((u: any) => [u.email_address, u.public_metadata, u.created_at]),
    [['ada@example.com', { team: 'a' }, body.updated_at]],
  );
});

t.test(
  'accept refuses unknown, other-instance, revoked, accepted and expired invitations, changing nothing',
  async (t) => {
    const app = await build(t);
    const theirs = await invite(app, { email_address: 'x@example.com' }, OTHER_KEY);
    clerkError(t, await accept(app, 'inv_nope'), 404, {
      message: 'not found',
      long_message: 'No invitation was found with id inv_nope.',
      code: 'resource_not_found',
    });
    clerkError(t, await accept(app, theirs.id), 404, {
      message: 'not found',
      long_message: `No invitation was found with id ${theirs.id}.`,
      code: 'resource_not_found',
    });

    const revoked = await invite(app, { email_address: 'revoked@example.com' });
    await call(app, { method: 'POST', url: `/v1/invitations/${revoked.id}/revoke` });
    clerkError(t, await accept(app, revoked.id), 400, {
      message: 'Invitation is already revoked.',
      long_message: 'Invitation is already revoked.',
      code: 'invitation_already_revoked',
    });

    const done = await invite(app, { email_address: 'done@example.com' });
    t.equal((await accept(app, done.id)).status, 200);
    clerkError(t, await accept(app, done.id), 400, {
      message: 'Invitation is already accepted, try signing in instead.',
      long_message: 'Invitation is already accepted, try signing in instead.',
      code: 'invitation_already_accepted',
    });

    const old = await invite(app, { email_address: 'old@example.com', expires_in_days: 1 });
    await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 86_400_000 } });
    clerkError(t, await accept(app, old.id), 400, {
      message: 'Invitation has expired.',
      long_message: 'Invitation has expired.',
      code: 'invitation_expired',
    });

    const users = (await call(app, { method: 'GET', url: '/_emulator/users' })).body as any;
    t.same(
      users.data.map((u: any) => u.email_address),
      ['done@example.com'],
    );
    const theirUsers = (await call(app, { method: 'GET', url: '/_emulator/users', key: OTHER_KEY })).body as any;
    t.equal(theirUsers.total_count, 0);
  },
);

t.test('an accepted invitation cannot be revoked and its email now blocks new invitations', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  await accept(app, inv.id);
  clerkError(t, await call(app, { method: 'POST', url: `/v1/invitations/${inv.id}/revoke` }), 400, {
    message: 'Invitation is already accepted, try signing in instead.',
    long_message: 'Invitation is already accepted, try signing in instead.',
    code: 'invitation_already_accepted',
  });
  const exists = {
    message: 'That email address is taken. Please try another.',
    long_message: 'That email address is taken. Please try another.',
    code: 'form_identifier_exists',
    meta: { param_name: 'email_address' },
  };
  clerkError(
    t,
    await call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'ADA@example.com' } }),
    422,
    exists,
  );
  clerkError(
    t,
    await call(app, {
      method: 'POST',
      url: '/v1/invitations/bulk',
      payload: [{ email_address: 'ada@example.com', ignore_existing: true }],
    }),
    422,
    exists,
  );
  t.equal((await invite(app, { email_address: 'ada@example.com', ignore_existing: true })).status, 'pending');
});

t.test('accept needs the bearer key', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  clerkError(t, await call(app, { method: 'POST', url: `/_emulator/invitations/${inv.id}/accept`, key: null }), 401, {
    message: 'Invalid Authorization header format',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    code: 'authorization_header_format_invalid',
  });
});
