import t from 'tap';
import { build, call, clerkError, expectInvitation, insertUser, invite, JSON_TYPE, outbox } from './helper.js';

type App = Awaited<ReturnType<typeof build>>;

const bulk = (app: App, payload: unknown) =>
  call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });

const stored = async (app: App) =>
  ((await call(app, { method: 'GET', url: '/v1/invitations?status=pending' })).body as { email_address: string }[])
    .map((i) => i.email_address)
    .sort();

t.test('bulk creates every invitation and answers them in request order', async (t) => {
  const app = await build(t);
  const r = await bulk(app, [
    { email_address: 'Zed@Example.com' },
    { email_address: 'ada@example.com', public_metadata: { role: 'admin' }, expires_in_days: 3, notify: false },
    {
      email_address: 'mid@example.com',
      template_slug: 'waitlist_invitation',
      redirect_url: 'https://app.example.com/in',
    },
  ]);
  t.equal(r.status, 200);
  t.equal(r.type, JSON_TYPE);
  const [a, b, c] = r.body as Record<string, any>[];
  t.equal((r.body as unknown[]).length, 3);
  expectInvitation(t, a!, { email_address: 'zed@example.com' });
  expectInvitation(t, b!, { email_address: 'ada@example.com', public_metadata: { role: 'admin' }, expires_in_days: 3 });
  expectInvitation(t, c!, { email_address: 'mid@example.com' });
  t.same(
    outbox(app).map((e) => [e['to_email_address'], e['template_slug'], e['redirect_url'], e['invitation_id']]),
    [
      ['zed@example.com', 'invitation', null, a!['id']],
      ['mid@example.com', 'waitlist_invitation', 'https://app.example.com/in', c!['id']],
    ],
    'one email per notified item, none for notify: false',
  );
});

t.test('bulk accepts exactly ten items', async (t) => {
  const app = await build(t);
  const items = Array.from({ length: 10 }, (_, i) => ({ email_address: `u${i}@example.com` }));
  const r = await bulk(app, items);
  t.equal(r.status, 200);
  t.same(
    (r.body as { email_address: string }[]).map((i) => i.email_address),
    items.map((i) => i.email_address),
  );
});

t.test('bulk with more than ten items answers bulk_size_exceeded and creates nothing', async (t) => {
  const app = await build(t);
  const r = await bulk(
    app,
    Array.from({ length: 11 }, (_, i) => ({ email_address: `u${i}@example.com` })),
  );
  clerkError(t, r, 400, {
    message: 'bulk size exceeded',
    long_message: 'Parameters exceed the maximum allowed bulk processing size of 10.',
    code: 'bulk_size_exceeded',
  });
  t.same(await stored(app), []);
});

t.test('a bulk body that is not a non-empty array answers request_body_invalid', async (t) => {
  const app = await build(t);
  const item = {
    message: 'Request body invalid',
    long_message: 'The request body must be a JSON array of 1 to 10 invitations.',
    code: 'request_body_invalid',
  };
  clerkError(t, await bulk(app, []), 400, item);
  clerkError(t, await bulk(app, { email_address: 'ada@example.com' }), 400, item);
  clerkError(t, await call(app, { method: 'POST', url: '/v1/invitations/bulk' }), 400, item);
});

t.test('an item that is not an object answers request_body_invalid', async (t) => {
  const app = await build(t);
  clerkError(t, await bulk(app, [{ email_address: 'ada@example.com' }, null]), 400, {
    message: 'Request body invalid',
    long_message: 'The request body must be a JSON object.',
    code: 'request_body_invalid',
  });
  t.same(await stored(app), []);
});

t.test('an invalid item fails the whole request with the item error naming the parameter', async (t) => {
  const app = await build(t);
  clerkError(t, await bulk(app, [{ email_address: 'ok@example.com' }, { email_address: 'not-an-email' }]), 422, {
    message: 'is invalid',
    long_message: 'email_address must be a valid email address.',
    code: 'form_param_format_invalid',
    meta: { param_name: 'email_address' },
  });
  clerkError(
    t,
    await bulk(app, [{ email_address: 'ok@example.com' }, { expires_in_days: 400, email_address: 'b@example.com' }]),
    422,
    {
      message: 'is invalid',
      long_message: 'expires_in_days is invalid. Expected an integer from 1 to 365.',
      code: 'form_param_value_invalid',
      meta: { param_name: 'expires_in_days' },
    },
  );
  clerkError(t, await bulk(app, [{ email_address: 'ok@example.com' }, { emails: ['b@example.com'] }]), 422, {
    message: 'is unknown',
    long_message: 'emails is not a valid parameter for this request.',
    code: 'form_param_unknown',
    meta: { param_name: 'emails' },
  });
  clerkError(t, await bulk(app, [{ email_address: 'ok@example.com' }, {}]), 422, {
    message: 'is missing',
    long_message: 'email_address must be included.',
    code: 'form_param_missing',
    meta: { param_name: 'email_address' },
  });
  t.same(await stored(app), [], 'nothing created');
  t.same(outbox(app), [], 'nothing sent');
});

t.test('every duplicate, stored or within the request, is reported in one duplicate_record error', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'stored@example.com' });
  const r = await bulk(app, [
    { email_address: 'new@example.com' },
    { email_address: 'Twice@example.com' },
    { email_address: 'STORED@example.com' },
    { email_address: 'twice@EXAMPLE.com' },
  ]);
  clerkError(t, r, 400, {
    message: 'duplicate invitations',
    long_message:
      'There are already pending invitations for the following email addresses: stored@example.com, twice@example.com',
    code: 'duplicate_record',
    meta: { email_addresses: ['stored@example.com', 'twice@example.com'] },
  });
  t.same(await stored(app), ['stored@example.com'], 'all or nothing: new@example.com was not created');
  t.equal(outbox(app).length, 1);
});

t.test('a single bulk duplicate uses the singular message', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'stored@example.com' });
  clerkError(t, await bulk(app, [{ email_address: 'stored@example.com' }]), 400, {
    message: 'duplicate invitation',
    long_message: 'There are already pending invitations for the following email addresses: stored@example.com',
    code: 'duplicate_record',
    meta: { email_addresses: ['stored@example.com'] },
  });
});

t.test('an existing user fails the whole bulk with form_identifier_exists', async (t) => {
  const app = await build(t);
  insertUser(app, 'user@example.com');
  clerkError(t, await bulk(app, [{ email_address: 'new@example.com' }, { email_address: 'user@example.com' }]), 422, {
    message: 'That email address is taken. Please try another.',
    long_message: 'That email address is taken. Please try another.',
    code: 'form_identifier_exists',
    meta: { param_name: 'email_address' },
  });
  t.same(await stored(app), []);
});

t.test('in bulk, ignore_existing bypasses the duplicate check but never the existing-user check', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'stored@example.com' });
  insertUser(app, 'user@example.com');
  const ok = await bulk(app, [{ email_address: 'stored@example.com', ignore_existing: true }]);
  t.equal(ok.status, 200);
  expectInvitation(t, (ok.body as Record<string, any>[])[0]!, { email_address: 'stored@example.com' });
  const r = await bulk(app, [{ email_address: 'user@example.com', ignore_existing: true }]);
  t.equal((r.body as { errors: { code: string }[] }).errors[0]?.code, 'form_identifier_exists');
  t.same(await stored(app), ['stored@example.com', 'stored@example.com']);
});
