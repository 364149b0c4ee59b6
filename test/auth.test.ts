import { createHash } from 'node:crypto';
import t from 'tap';
import { build, buildLogged, call, clerkError, invite, JSON_TYPE, KEY, OTHER_KEY } from './helper.js';

const formatInvalid = {
  message: 'Invalid Authorization header format',
  long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
  code: 'authorization_header_format_invalid',
};
const keyInvalid = {
  message: 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
  long_message: 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
  code: 'clerk_key_invalid',
};

t.test('a missing or non-Bearer Authorization header answers authorization_header_format_invalid', async (t) => {
  const app = await build(t);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/invitations', key: null }), 401, formatInvalid);
  for (const authorization of [
    'Basic c2tfdGVzdF94Og==',
    'Bearer',
    'Bearer ',
    `Token ${KEY}`,
    KEY,
    `Bearer ${KEY} extra`,
  ]) {
    clerkError(
      t,
      await call(app, { method: 'GET', url: '/v1/invitations', key: null, headers: { authorization } }),
      401,
      formatInvalid,
    );
  }
});

t.test('open mode accepts any sk_test_ or sk_live_ key and rejects anything else with clerk_key_invalid', async (t) => {
  const app = await build(t);
  for (const key of ['sk_test_a', 'sk_live_Z9-_x', `sk_test_${'k'.repeat(128)}`]) {
    t.equal((await call(app, { method: 'GET', url: '/v1/invitations', key })).status, 200, key);
  }
  t.equal(
    (await call(app, { method: 'GET', url: '/v1/invitations', key: null, headers: { authorization: `bearer ${KEY}` } }))
      .status,
    200,
    'the scheme is case-insensitive',
  );
  for (const key of [
    'sk_test_',
    'pk_test_abc',
    'sk_prod_abc',
    'sk_test_a.b',
    `sk_test_${'k'.repeat(129)}`,
    'whatever',
  ]) {
    clerkError(t, await call(app, { method: 'GET', url: '/v1/invitations', key }), 401, keyInvalid);
  }
});

t.test('locked mode accepts exactly the configured keys', async (t) => {
  const app = await build(t, { secretKeys: ['sk_test_alpha', 'sk_live_beta'] });
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations', key: 'sk_test_alpha' })).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations', key: 'sk_live_beta' })).status, 200);
  for (const key of ['sk_test_alph', 'sk_test_alphaa', KEY, 'sk_test_ALPHA']) {
    clerkError(
      t,
      await call(app, { method: 'POST', url: '/v1/invitations', key, payload: { email_address: 'a@example.com' } }),
      401,
      keyInvalid,
    );
  }
  clerkError(t, await call(app, { method: 'GET', url: '/v1/invitations', key: null }), 401, formatInvalid);
  t.equal(app.db.prepare('SELECT count(*) FROM invitations').pluck().get(), 0, 'a rejected request changed nothing');
});

t.test('authentication happens before routing: an unauthenticated unknown /v1 path is a 401', async (t) => {
  const app = await build(t);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/nope', key: null }), 401, formatInvalid);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/users?limit=1', key: 'sk_bad' }), 401, keyInvalid);
  clerkError(t, await call(app, { method: 'GET', url: '/v1', key: null }), 401, formatInvalid);
  clerkError(t, await call(app, { method: 'POST', url: '/_emulator/nope', key: null }), 401, formatInvalid);
});

t.test('an authenticated unknown /v1 path is a 404 resource_not_found', async (t) => {
  const app = await build(t);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/users' }), 404, {
    message: 'not found',
    long_message: 'The requested resource was not found.',
    code: 'resource_not_found',
  });
});

t.test('each key is its own instance: lists, creates and duplicates never cross', async (t) => {
  const app = await build(t);
  const mine = await invite(app, { email_address: 'ada@example.com' });
  const theirs = await invite(app, { email_address: 'ada@example.com' }, OTHER_KEY);
  t.not(mine['id'], theirs['id'], 'the same email is not a duplicate in another instance');
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, [mine]);
  t.same((await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY })).body, [theirs]);
});

t.test('keys are stored only as SHA-256 digests', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'ada@example.com' });
  await invite(app, { email_address: 'bob@example.com' }, OTHER_KEY);
  const rows = app.db.prepare('SELECT * FROM instances ORDER BY id').all() as Record<string, unknown>[];
  t.same(
    rows.map((r) => (r['key_digest'] as Buffer).toString('hex')),
    [KEY, OTHER_KEY].map((k) => createHash('sha256').update(k).digest('hex')),
  );
  const dump = JSON.stringify(app.db.prepare('SELECT * FROM instances').raw().all(), (_k, v: unknown) =>
    v && typeof v === 'object' && 'type' in v && v.type === 'Buffer'
      ? Buffer.from((v as unknown as { data: number[] }).data).toString('latin1')
      : v,
  );
  t.notMatch(dump, KEY);
  t.notMatch(dump, OTHER_KEY);
});

t.test('logs never print a whole key', async (t) => {
  const { app, logs } = await buildLogged(t);
  await call(app, { method: 'GET', url: '/v1/invitations' });
  await call(app, { method: 'GET', url: '/v1/invitations', key: 'sk_test_not_well.formed' });
  t.ok(logs.lines.length > 0, 'something was logged');
  const text = JSON.stringify(logs.lines);
  t.notMatch(text, KEY);
  t.notMatch(text, 'sk_test_not_well.formed');
});

t.test('a date-shaped Clerk-API-Version is ignored and anything else answers api_version_invalid', async (t) => {
  const app = await build(t);
  for (const version of ['2021-02-05', '2026-05-12']) {
    const r = await call(app, { method: 'GET', url: '/v1/invitations', headers: { 'clerk-api-version': version } });
    t.same({ status: r.status, type: r.type, body: r.body }, { status: 200, type: JSON_TYPE, body: [] }, version);
  }
  for (const version of ['v1', '2021-2-5', 'latest', '2021-02-05x', '']) {
    clerkError(
      t,
      await call(app, { method: 'GET', url: '/v1/invitations', headers: { 'clerk-api-version': version } }),
      400,
      {
        message: 'invalid API version',
        long_message: `The Clerk-API-Version header "${version}" is invalid. Use a date of the form YYYY-MM-DD, e.g. 2025-04-10.`,
        code: 'api_version_invalid',
      },
    );
  }
});

t.test('health needs no key and ignores a bad one', async (t) => {
  const app = await build(t, { secretKeys: ['sk_test_alpha'] });
  for (const key of [null, 'sk_test_wrong']) {
    const r = await call(app, { method: 'GET', url: '/_emulator/health', key });
    t.same({ status: r.status, type: r.type, body: r.body }, { status: 200, type: JSON_TYPE, body: { status: 'ok' } });
  }
});

t.test('a rejected request creates no instance', async (t) => {
  const open = await build(t);
  await call(open, { method: 'GET', url: '/v1/invitations', key: 'pk_test_nope' });
  await call(open, { method: 'GET', url: '/v1/invitations', key: null });
  t.equal(open.db.prepare('SELECT count(*) FROM instances').pluck().get(), 0);
  const locked = await build(t, { secretKeys: ['sk_test_alpha'] });
  await call(locked, { method: 'GET', url: '/v1/invitations', key: 'sk_test_other' });
  t.equal(locked.db.prepare('SELECT count(*) FROM instances').pluck().get(), 0);
});
