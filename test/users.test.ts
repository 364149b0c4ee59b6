import t from 'tap';
import { build, call, clerkError, invite, OTHER_KEY } from './helper.js';

const USER_ID = /^user_[0-9A-Za-z]{27}$/;

t.test('creating a user answers the User, trimmed and lower-cased, with its metadata', async (t) => {
  const app = await build(t);
  const r = await call(app, {
    method: 'POST',
    url: '/_emulator/users',
    payload: { email_address: '  Ada@Example.COM ', public_metadata: { role: 'admin', nested: { camelCase: 1 } } },
  });
  const body = r.body as Record<string, any>;
  t.match(body.id, USER_ID);
  t.ok(Number.isInteger(body.created_at));
  t.same(
    { status: r.status, type: r.type, body },
    {
      status: 200,
      type: 'application/json',
      body: {
        object: 'user',
        id: body.id,
        email_address: 'ada@example.com',
        public_metadata: { role: 'admin', nested: { camelCase: 1 } },
        created_at: body.created_at,
        updated_at: body.created_at,
      },
    },
  );
});

t.test('public_metadata defaults to {} and null means not given', async (t) => {
  const app = await build(t);
  const a = await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'a@example.com' } });
  const b = await call(app, {
    method: 'POST',
    url: '/_emulator/users',
    payload: { email_address: 'b@example.com', public_metadata: null },
  });
  t.same([(a.body as any).public_metadata, (b.body as any).public_metadata], [{}, {}]);
});

t.test('a second user with the same email is form_identifier_exists and changes nothing', async (t) => {
  const app = await build(t);
  await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'ada@example.com' } });
  const r = await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'ADA@example.com' } });
  clerkError(t, r, 422, {
    message: 'That email address is taken. Please try another.',
    long_message: 'That email address is taken. Please try another.',
    code: 'form_identifier_exists',
    meta: { param_name: 'email_address' },
  });
  const list = await call(app, { method: 'GET', url: '/_emulator/users' });
  t.equal((list.body as any).total_count, 1);
});

t.test('user bodies are validated like Clerk bodies', async (t) => {
  const app = await build(t);
  const post = (payload: unknown) => call(app, { method: 'POST', url: '/_emulator/users', payload: payload as object });
  clerkError(t, await post({ email_address: 'a@example.com', name: 'Ada' }), 422, {
    message: 'is unknown',
    long_message: 'name is not a valid parameter for this request.',
    code: 'form_param_unknown',
    meta: { param_name: 'name' },
  });
  clerkError(t, await post({}), 422, {
    message: 'is missing',
    long_message: 'email_address must be included.',
    code: 'form_param_missing',
    meta: { param_name: 'email_address' },
  });
  clerkError(t, await post({ email_address: 'not-an-email' }), 422, {
    message: 'is invalid',
    long_message: 'email_address must be a valid email address.',
    code: 'form_param_format_invalid',
    meta: { param_name: 'email_address' },
  });
  clerkError(t, await post({ email_address: 'a@example.com', public_metadata: [1] }), 422, {
    message: 'is invalid',
    long_message: 'public_metadata is invalid. Expected a JSON object.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'public_metadata' },
  });
  clerkError(t, await call(app, { method: 'POST', url: '/_emulator/users' }), 422, {
    message: 'is missing',
    long_message: 'email_address must be included.',
    code: 'form_param_missing',
    meta: { param_name: 'email_address' },
  });
  const list = await call(app, { method: 'GET', url: '/_emulator/users' });
  t.same(list.body, { data: [], total_count: 0 });
});

t.test("users list newest first with limit and offset, and only the caller's instance", async (t) => {
  const app = await build(t);
  for (const e of ['a', 'b', 'c'])
    await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: `${e}@example.com` } });
  await call(app, {
    method: 'POST',
    url: '/_emulator/users',
    payload: { email_address: 'x@example.com' },
    key: OTHER_KEY,
  });
  const all = await call(app, { method: 'GET', url: '/_emulator/users' });
  t.equal(all.type, 'application/json');
  t.same(
    (all.body as any).data.map((u: any) => u.email_address),
    ['c@example.com', 'b@example.com', 'a@example.com'],
  );
  t.equal((all.body as any).total_count, 3);
  const page = await call(app, { method: 'GET', url: '/_emulator/users?limit=1&offset=1' });
  t.same(
    { emails: (page.body as any).data.map((u: any) => u.email_address), total: (page.body as any).total_count },
    { emails: ['b@example.com'], total: 3 },
  );
  clerkError(t, await call(app, { method: 'GET', url: '/_emulator/users?limit=0' }), 422, {
    message: 'is invalid',
    long_message: 'limit is invalid. Expected an integer from 1 to 500.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'limit' },
  });
});

t.test('a user blocks invitations to their email unless ignore_existing, and bulk never bypasses it', async (t) => {
  const app = await build(t);
  await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'ada@example.com' } });
  const exists = {
    message: 'That email address is taken. Please try another.',
    long_message: 'That email address is taken. Please try another.',
    code: 'form_identifier_exists',
    meta: { param_name: 'email_address' },
  };
  clerkError(
    t,
    await call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: 'ada@example.com' } }),
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
  const ok = await invite(app, { email_address: 'ada@example.com', ignore_existing: true });
  t.equal(ok.status, 'pending');
  t.ok(await invite(app, { email_address: 'ada@example.com' }, OTHER_KEY), 'another instance has no such user');
});

t.test('user routes need the bearer key', async (t) => {
  const app = await build(t);
  const r = await call(app, { method: 'GET', url: '/_emulator/users', key: null });
  clerkError(t, r, 401, {
    message: 'Invalid Authorization header format',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    code: 'authorization_header_format_invalid',
  });
});
