import t from 'tap';
import { build, call, clerkError, invite, OTHER_KEY } from './helper.js';

const EMAIL_ID = /^ema_[0-9A-Za-z]{27}$/;
const outbox = async (app: Parameters<typeof call>[0], query = '', key?: string) =>
  call(app, { method: 'GET', url: `/_emulator/emails${query}`, ...(key ? { key } : {}) });

t.test('an invitation with notify records one message in the outbox', async (t) => {
  const app = await build(t);
  const inv = await invite(app, {
    email_address: 'ada@example.com',
    redirect_url: 'https://app.example.com/welcome',
    template_slug: 'waitlist_invitation',
  });
  const r = await outbox(app);
  const body = r.body as { data: Record<string, unknown>[]; total_count: number };
  t.match(body.data[0]?.id, EMAIL_ID);
  t.same(
    { status: r.status, type: r.type, body },
    {
      status: 200,
      type: 'application/json',
      body: {
        data: [
          {
            object: 'email',
            id: body.data[0]?.id,
            to_email_address: 'ada@example.com',
            template_slug: 'waitlist_invitation',
            invitation_id: inv.id,
            url: inv.url,
            redirect_url: 'https://app.example.com/welcome',
            created_at: inv.created_at,
          },
        ],
        total_count: 1,
      },
    },
  );
});

t.test('notify false sends nothing; bulk sends one per notified item; newest first', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'quiet@example.com', notify: false });
  await invite(app, { email_address: 'first@example.com' });
  const bulk = await call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [
      { email_address: 'b1@example.com' },
      { email_address: 'b2@example.com', notify: false },
      { email_address: 'b3@example.com' },
    ],
  });
  t.equal(bulk.status, 200);
  const body = (await outbox(app)).body as {
    data: { to_email_address: string; redirect_url: unknown }[];
    total_count: number;
  };
  t.same(
    body.data.map((e) => e.to_email_address),
    ['b3@example.com', 'b1@example.com', 'first@example.com'],
  );
  t.same(
    body.data.map((e) => e.redirect_url),
    [null, null, null],
  );
  t.equal(body.total_count, 3);
});

t.test('?to= filters by recipient, trimmed and case-insensitive', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'ada@example.com' });
  await invite(app, { email_address: 'bob@example.com' });
  const r = await outbox(app, '?to=%20ADA@Example.com%20');
  const body = r.body as { data: { to_email_address: string }[]; total_count: number };
  t.same(
    { to: body.data.map((e) => e.to_email_address), total: body.total_count },
    { to: ['ada@example.com'], total: 1 },
  );
  t.same((await outbox(app, '?to=nobody@example.com')).body, { data: [], total_count: 0 });
  t.equal(((await outbox(app, '?to=')).body as { total_count: number }).total_count, 2, 'an empty filter is no filter');
});

t.test('limit and offset page the outbox, and bad values are Clerk errors', async (t) => {
  const app = await build(t);
  for (const n of [1, 2, 3]) await invite(app, { email_address: `u${n}@example.com` });
  const page = (await outbox(app, '?limit=1&offset=1')).body as {
    data: { to_email_address: string }[];
    total_count: number;
  };
  t.same(
    { to: page.data.map((e) => e.to_email_address), total: page.total_count },
    { to: ['u2@example.com'], total: 3 },
  );
  clerkError(t, await outbox(app, '?limit=501'), 422, {
    message: 'is invalid',
    long_message: 'limit is invalid. Expected an integer from 1 to 500.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'limit' },
  });
  clerkError(t, await outbox(app, '?offset=-1'), 422, {
    message: 'is invalid',
    long_message: 'offset is invalid. Expected an integer of 0 or more.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'offset' },
  });
  clerkError(t, await outbox(app, '?to=a@x.com&to=b@x.com'), 422, {
    message: 'is invalid',
    long_message: 'to is invalid. Expected one email address.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'to' },
  });
});

t.test('each instance sees only its own outbox; deleting an invitation removes its message', async (t) => {
  const app = await build(t);
  const mine = await invite(app, { email_address: 'ada@example.com' });
  await invite(app, { email_address: 'ada@example.com' }, OTHER_KEY);
  t.equal(((await outbox(app, '', OTHER_KEY)).body as { total_count: number }).total_count, 1);
  await call(app, { method: 'DELETE', url: `/v1/invitations/${mine.id}` });
  t.same((await outbox(app)).body, { data: [], total_count: 0 });
  t.equal(((await outbox(app, '', OTHER_KEY)).body as { total_count: number }).total_count, 1);
});

t.test('the outbox needs the bearer key', async (t) => {
  const app = await build(t);
  clerkError(t, await call(app, { method: 'GET', url: '/_emulator/emails', key: null }), 401, {
    message: 'Invalid Authorization header format',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    code: 'authorization_header_format_invalid',
  });
});
