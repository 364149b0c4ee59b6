import t from 'tap';
import {
  build,
  call,
  clerkError,
  DAY_MS,
  expectInvitation,
  insertUser,
  invite,
  JSON_TYPE,
  outbox,
  setClockOffset,
  setStoredStatus,
} from './helper.js';

const create = (app: Awaited<ReturnType<typeof build>>, payload: unknown) =>
  call(app, { method: 'POST', url: '/v1/invitations', payload: payload as Record<string, unknown> });

const list = async (app: Awaited<ReturnType<typeof build>>) =>
  (
    await call(app, {
      method: 'GET',
      url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
    })
  ).body as Record<string, any>[];

t.test('create with only email_address answers a pending invitation with every default', async (t) => {
  const app = await build(t);
  const before = Date.now();
  const r = await create(app, { email_address: 'ada@example.com' });
  t.equal(r.status, 200);
  t.equal(r.type, JSON_TYPE);
  const inv = r.body as Record<string, any>;
  expectInvitation(t, inv, { email_address: 'ada@example.com' });
  t.ok(inv['created_at'] >= before && inv['created_at'] <= Date.now(), 'created_at is now, in ms');
  t.same(
    outbox(app),
    [
      {
        to_email_address: 'ada@example.com',
        template_slug: 'invitation',
        invitation_id: inv['id'],
        url: inv['url'],
        redirect_url: null,
        created_at: inv['created_at'],
      },
    ],
    'notify defaults to true: one email in the outbox',
  );
});

t.test('create trims and lower-cases the email address', async (t) => {
  const app = await build(t);
  const r = await create(app, { email_address: '  Ada.Lovelace+X@Example.COM ' });
  expectInvitation(t, r.body as Record<string, any>, { email_address: 'ada.lovelace+x@example.com' });
});

t.test('create keeps public_metadata exactly as sent, nested keys included', async (t) => {
  const app = await build(t);
  const public_metadata = { plan: 'pro', camelCase: { Nested_Key: [1, 'two', null, { deep: true }] }, n: 1.5 };
  const r = await create(app, { email_address: 'ada@example.com', public_metadata });
  expectInvitation(t, r.body as Record<string, any>, { email_address: 'ada@example.com', public_metadata });
});

t.test('create honours expires_in_days, template_slug and redirect_url', async (t) => {
  const app = await build(t);
  const r = await create(app, {
    email_address: 'ada@example.com',
    expires_in_days: 7,
    template_slug: 'waitlist_invitation',
    redirect_url: 'https://app.example.com/welcome?from=invite',
    notify: true,
    ignore_existing: false,
  });
  const inv = r.body as Record<string, any>;
  expectInvitation(t, inv, { email_address: 'ada@example.com', expires_in_days: 7 });
  t.same(outbox(app), [
    {
      to_email_address: 'ada@example.com',
      template_slug: 'waitlist_invitation',
      invitation_id: inv['id'],
      url: inv['url'],
      redirect_url: 'https://app.example.com/welcome?from=invite',
      created_at: inv['created_at'],
    },
  ]);
});

t.test('expires_in_days accepts the bounds 1 and 365', async (t) => {
  const app = await build(t);
  for (const days of [1, 365]) {
    const r = await create(app, { email_address: `d${days}@example.com`, expires_in_days: days });
    expectInvitation(t, r.body as Record<string, any>, {
      email_address: `d${days}@example.com`,
      expires_in_days: days,
    });
  }
});

t.test('notify false sends no email but the invitation keeps its url', async (t) => {
  const app = await build(t);
  const r = await create(app, { email_address: 'ada@example.com', notify: false });
  expectInvitation(t, r.body as Record<string, any>, { email_address: 'ada@example.com' });
  t.same(outbox(app), []);
});

t.test('null for an optional field means not given', async (t) => {
  const app = await build(t);
  const r = await create(app, {
    email_address: 'ada@example.com',
    public_metadata: null,
    redirect_url: null,
    notify: null,
    ignore_existing: null,
    expires_in_days: null,
    template_slug: null,
  });
  const inv = r.body as Record<string, any>;
  expectInvitation(t, inv, { email_address: 'ada@example.com' });
  t.equal(outbox(app).length, 1, 'notify null is the default true');
});

t.test('invitation urls are built from PUBLIC_URL when it is set', async (t) => {
  const app = await build(t, { publicUrl: 'https://invites.test:8443/base' });
  const r = await create(app, { email_address: 'ada@example.com' });
  expectInvitation(
    t,
    r.body as Record<string, any>,
    { email_address: 'ada@example.com' },
    /^https:\/\/invites\.test:8443\/base\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_-]{43}$/,
  );
});

t.test('created_at and expires_at come from the instance clock', async (t) => {
  const app = await build(t);
  setClockOffset(app, 10 * DAY_MS);
  const before = Date.now() + 10 * DAY_MS;
  const inv = (await create(app, { email_address: 'ada@example.com' })).body as Record<string, any>;
  t.ok(inv['created_at'] >= before && inv['created_at'] <= Date.now() + 10 * DAY_MS, 'created_at is the instance time');
  expectInvitation(t, inv, { email_address: 'ada@example.com' });
});

t.test('a JSON content type with a charset parameter is accepted', async (t) => {
  const app = await build(t);
  const r = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: JSON.stringify({ email_address: 'ada@example.com' }),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  expectInvitation(t, r.body as Record<string, any>, { email_address: 'ada@example.com' });
});

t.test('an email of an existing user answers form_identifier_exists, case-insensitively', async (t) => {
  const app = await build(t);
  insertUser(app, 'ada@example.com');
  clerkError(t, await create(app, { email_address: 'ADA@Example.com' }), 422, {
    message: 'That email address is taken. Please try another.',
    long_message: 'That email address is taken. Please try another.',
    code: 'form_identifier_exists',
    meta: { param_name: 'email_address' },
  });
  t.same(await list(app), []);
});

t.test('the existing-user check comes before the duplicate check', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'ada@example.com' });
  insertUser(app, 'ada@example.com');
  const r = await create(app, { email_address: 'ada@example.com' });
  t.equal((r.body as { errors: { code: string }[] }).errors[0]?.code, 'form_identifier_exists');
});

t.test('a pending invitation for the email answers duplicate_record and creates nothing', async (t) => {
  const app = await build(t);
  const first = await invite(app, { email_address: 'ada@example.com' });
  clerkError(t, await create(app, { email_address: ' Ada@EXAMPLE.com' }), 400, {
    message: 'duplicate invitation',
    long_message: 'There are already pending invitations for the following email addresses: ada@example.com',
    code: 'duplicate_record',
    meta: { email_addresses: ['ada@example.com'] },
  });
  t.same(
    (await list(app)).map((i) => i['id']),
    [first['id']],
  );
  t.equal(outbox(app).length, 1);
});

t.test('ignore_existing skips both checks and keeps the older invitation as it is', async (t) => {
  const app = await build(t);
  const first = await invite(app, { email_address: 'ada@example.com' });
  insertUser(app, 'ada@example.com');
  const r = await create(app, {
    email_address: 'ada@example.com',
    ignore_existing: true,
    public_metadata: { second: true },
  });
  const second = r.body as Record<string, any>;
  expectInvitation(t, second, { email_address: 'ada@example.com', public_metadata: { second: true } });
  t.not(second['id'], first['id']);
  const all = await list(app);
  t.same(
    all.find((i) => i['id'] === first['id']),
    first,
    'the older invitation is unchanged',
  );
  t.equal(all.length, 2);
});

t.test('an expired, revoked or accepted invitation does not block a new one', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'expired@example.com', expires_in_days: 1 });
  const revoked = await invite(app, { email_address: 'revoked@example.com' });
  await call(app, { method: 'POST', url: `/v1/invitations/${revoked['id']}/revoke` });
  const accepted = await invite(app, { email_address: 'accepted@example.com' });
  setStoredStatus(app, accepted['id'], 'accepted');
  setClockOffset(app, DAY_MS);
  for (const email of ['expired@example.com', 'revoked@example.com', 'accepted@example.com']) {
    const r = await create(app, { email_address: email });
    t.equal(r.status, 200, email);
  }
});

t.test('an invitation expires exactly at expires_at, and then no longer blocks', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', expires_in_days: 1 });
  // Clock just before expiry: still a duplicate.
  setClockOffset(app, inv['expires_at'] - Date.now() - 60_000);
  t.equal((await create(app, { email_address: 'ada@example.com' })).status, 400);
  setClockOffset(app, inv['expires_at'] - Date.now());
  t.equal((await create(app, { email_address: 'ada@example.com' })).status, 200);
});
