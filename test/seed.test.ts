import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { build, call } from './helper.js';

const EXAMPLE = new URL('../examples/seed.json', import.meta.url).pathname;
const all = '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired&order_by=email_address';

t.test('the example seed loads users, invitations of every status, and the outbox', async (t) => {
  const app = await build(t, { seedFile: EXAMPLE });
  const key = 'sk_test_local';
  const list = (await call(app, { method: 'GET', url: all, key })).body as any[];
  t.same(
    list.map((i) => [i.email_address, i.status, 'url' in i]),
    [
      ['ada@example.com', 'pending', true],
      ['grace@example.com', 'accepted', true],
      ['late@example.com', 'expired', true],
      ['revoked@example.com', 'revoked', false],
    ],
  );
  const ada = list[0];
  t.same(
    { id: ada.id, meta: ada.public_metadata, days: (ada.expires_at - ada.created_at) / 86_400_000 },
    { id: 'inv_2yQyZ3k0cFm1W8kXJq0Zs1Qb9Pa', meta: { plan: 'pro' }, days: 7 },
  );
  t.same([list[1].created_at, list[1].updated_at], [1767225600000, 1767312000000]);

  const users = (await call(app, { method: 'GET', url: '/_emulator/users', key })).body as any;
  t.same(users.data.map((u: any) => [u.email_address, u.public_metadata]).sort(), [
    ['existing@example.com', { role: 'admin' }],
    ['grace@example.com', {}],
  ]);
  const mail = (await call(app, { method: 'GET', url: '/_emulator/emails', key })).body as any;
  t.same(
    mail.data.map((e: any) => [e.to_email_address, e.template_slug]),
    [
      ['ada@example.com', 'invitation'],
      ['revoked@example.com', 'waitlist_invitation'],
      ['late@example.com', 'invitation'],
    ],
  );
  t.equal(mail.data[0].url, ada.url, 'the outbox link is the invitation link');

  const refused = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'existing@example.com' },
    key,
  });
  t.equal((refused.body as any).errors[0].code, 'form_identifier_exists');
  const u = new URL(ada.url);
  const click = await call(app, { method: 'GET', url: u.pathname + u.search, key: null });
  t.equal(
    click.headers.location,
    `http://localhost:3000/accept-invitation?__clerk_ticket=${u.searchParams.get('ticket')}`,
  );

  const other = (await call(app, { method: 'GET', url: '/_emulator/users', key: 'sk_test_other' })).body as any;
  t.same(
    other.data.map((u: any) => u.email_address),
    ['someone@example.com'],
  );
});

t.test('loading the same seed twice into one database adds nothing', async (t) => {
  const dir = t.testdir();
  const config = defaultConfig({ seedFile: EXAMPLE, databasePath: join(dir, 'db.sqlite') });
  const snapshot = async () => {
    const app = await buildApp(config);
    const key = 'sk_test_local';
    const state = {
      invitations: (await call(app, { method: 'GET', url: all, key })).body,
      users: (await call(app, { method: 'GET', url: '/_emulator/users', key })).body,
      emails: ((await call(app, { method: 'GET', url: '/_emulator/emails', key })).body as any).total_count,
      other: ((await call(app, { method: 'GET', url: '/_emulator/users', key: 'sk_test_other' })).body as any)
        .total_count,
    };
    await app.close();
    return state;
  };
  const first = await snapshot();
  t.same(
    [(first.invitations as unknown[]).length, (first.users as any).total_count, first.emails, first.other],
    [4, 2, 3, 1],
  );
  t.same(await snapshot(), first);
});

/** A seed file of its own in a fresh directory (t.testdir() would empty the test's directory on each call). */
const seedWith = (t: Test, content: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'seed.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const one = (invitations: unknown[], extra: Record<string, unknown> = {}) => ({
  instances: [{ secret_key: 'sk_test_a', invitations, ...extra }],
});

t.test('a malformed seed stops start-up with the file and the entry', async (t) => {
  const cases: [string, unknown, string][] = [
    [
      'bad email',
      one([{ email_address: 'a@example.com' }, { email_address: 'b@example.com' }, { email_address: 'nope' }]),
      'instances[0].invitations[2].email_address: must be a valid email address',
    ],
    [
      'invisible character in an email',
      one([{ email_address: 'a\u200b@example.com' }]),
      'instances[0].invitations[0].email_address: must be a valid email address',
    ],
    [
      'doubled dot in an email',
      one([], { users: [{ email_address: 'a..b@example.com' }] }),
      'instances[0].users[0].email_address: must be a valid email address',
    ],
    [
      'one user under both spellings of its domain',
      one([], { users: [{ email_address: 'u@müller.de' }, { email_address: 'u@xn--mller-kva.de' }] }),
      'instances[0].users[1].email_address: duplicates users[0].email_address',
    ],
    [
      'unknown key',
      one([{ email_address: 'a@example.com', emial: 'x' }]),
      'instances[0].invitations[0].emial: is not a known field',
    ],
    ['missing email', one([{}]), 'instances[0].invitations[0].email_address: is required'],
    [
      'bad status',
      one([{ email_address: 'a@example.com', status: 'expired' }]),
      'instances[0].invitations[0].status: must be one of pending, accepted, revoked (an expired invitation is a pending one with a past expires_at)',
    ],
    [
      'bad time',
      one([{ email_address: 'a@example.com', created_at: 'yesterday' }]),
      'instances[0].invitations[0].created_at: must be an integer (milliseconds since 1970)',
    ],
    [
      'expiry before creation',
      one([{ email_address: 'a@example.com', created_at: 100, expires_at: 50 }]),
      'instances[0].invitations[0].expires_at: must be after created_at',
    ],
    [
      'past expiry, created now',
      one([{ email_address: 'a@example.com', expires_at: 50 }]),
      'instances[0].invitations[0].expires_at: must be after created_at (the time of loading when not given)',
    ],
    [
      'bad redirect',
      one([{ email_address: 'a@example.com', redirect_url: 'not a url' }]),
      'instances[0].invitations[0].redirect_url: must be an absolute http(s) URL',
    ],
    [
      'redirect with CR LF',
      one([{ email_address: 'a@example.com', redirect_url: 'https://app.test/a\r\nSet-Cookie: x=1' }]),
      'instances[0].invitations[0].redirect_url: must be a valid URL (no control characters, no whitespace at either end)',
    ],
    [
      'redirect with a leading tab',
      one([{ email_address: 'a@example.com', redirect_url: '\thttps://app.test/' }]),
      'instances[0].invitations[0].redirect_url: must be a valid URL (no control characters, no whitespace at either end)',
    ],
    [
      'two expiries',
      one([{ email_address: 'a@example.com', expires_at: 5000, expires_in_days: 3 }]),
      'instances[0].invitations[0].expires_in_days: cannot be given together with expires_at',
    ],
    [
      'updated before created',
      one([{ email_address: 'a@example.com', created_at: 100, updated_at: 50 }]),
      'instances[0].invitations[0].updated_at: must not be before created_at',
    ],
    [
      'bad id',
      one([{ id: 'inv_short', email_address: 'a@example.com' }]),
      'instances[0].invitations[0].id: must be inv_ followed by 27 letters or digits',
    ],
    [
      'twin emails',
      one([{ email_address: 'a@example.com' }, { email_address: 'A@example.com' }]),
      'instances[0].invitations[0]: shares its email_address with another invitation of this instance: give each an id or a distinct created_at',
    ],
    [
      'duplicate user',
      one([], { users: [{ email_address: 'u@example.com' }, { email_address: 'U@example.com ' }] }),
      'instances[0].users[1].email_address: duplicates users[0].email_address',
    ],
    [
      'duplicate key',
      { instances: [{ secret_key: 'sk_test_a' }, { secret_key: 'sk_test_a' }] },
      'instances[1].secret_key: duplicates instances[0].secret_key',
    ],
    [
      'bad key',
      { instances: [{ secret_key: 'pk_test_a' }] },
      'instances[0].secret_key: must be a key of the form sk_test_… or sk_live_… (1-128 of A-Z a-z 0-9 _ -)',
    ],
    ['no instances', {}, 'instances: is required'],
    ['not an object', [], '(top level): must be a JSON object with an "instances" array'],
    ['not JSON', '{"instances": [', 'is not valid JSON ('],
  ];
  for (const [name, content, message] of cases) {
    const file = seedWith(t, content);
    await t.rejects(
      buildApp(defaultConfig({ seedFile: file })),
      { name: 'SeedError', message: `SEED_FILE ${file}: ${message}` },
      name,
    );
  }
  await t.rejects(buildApp(defaultConfig({ seedFile: '/nonexistent/seed.json' })), {
    message: 'SEED_FILE /nonexistent/seed.json: cannot read the file (ENOENT)',
  });
});

t.test('in locked mode every seeded key must be a configured key', async (t) => {
  const file = seedWith(t, { instances: [{ secret_key: 'sk_test_a' }, { secret_key: 'sk_test_b' }] });
  await t.rejects(buildApp(defaultConfig({ seedFile: file, secretKeys: ['sk_test_a'] })), {
    message: `SEED_FILE ${file}: instances[1].secret_key: is not one of the configured secret keys (CLERK_SECRET_KEYS / --secret-key)`,
  });
  const app = await build(t, { seedFile: file, secretKeys: ['sk_test_a', 'sk_test_b'] });
  t.equal((await call(app, { method: 'GET', url: '/_emulator/users', key: 'sk_test_b' })).status, 200);
});

t.test('a seed is one transaction: a conflict in a later entry leaves nothing behind', async (t) => {
  const dir = t.testdir();
  const databasePath = join(dir, 'db.sqlite');
  const id = 'inv_000000000000000000000000001';
  const first = await buildApp(
    defaultConfig({
      databasePath,
      seedFile: seedWith(t, {
        instances: [{ secret_key: 'sk_test_a', invitations: [{ id, email_address: 'a@example.com' }] }],
      }),
    }),
  );
  await first.close();
  const file = seedWith(t, {
    instances: [
      { secret_key: 'sk_test_c', users: [{ email_address: 'c@example.com' }] },
      { secret_key: 'sk_test_b', invitations: [{ id, email_address: 'b@example.com' }] },
    ],
  });
  await t.rejects(buildApp(defaultConfig({ databasePath, seedFile: file })), {
    message: `SEED_FILE ${file}: instances[1].invitations[0].id: is already used by an invitation of another instance`,
  });
  const app = await build(t, { databasePath });
  t.same((await call(app, { method: 'GET', url: '/_emulator/users', key: 'sk_test_c' })).body, {
    data: [],
    total_count: 0,
  });
});

t.test('seeded invitations without ids are matched by email and created_at', async (t) => {
  const dir = t.testdir();
  const databasePath = join(dir, 'db.sqlite');
  const seedFile = seedWith(
    t,
    one([
      { email_address: 'a@example.com', created_at: 1000, expires_at: 2000, status: 'revoked' },
      { email_address: 'a@example.com', created_at: 3000, expires_at: 4102444800000 },
      { email_address: 'solo@example.com' },
    ]),
  );
  for (const round of [1, 2]) {
    const app = await buildApp(defaultConfig({ databasePath, seedFile }));
    const list = (await call(app, { method: 'GET', url: all.replace('email_address', 'created_at'), key: 'sk_test_a' }))
      .body as any[];
    t.same(
      list.map((i) => [i.email_address, i.status, i.created_at === 1000 || i.created_at === 3000]),
      [
        ['a@example.com', 'revoked', true],
        ['a@example.com', 'pending', true],
        ['solo@example.com', 'pending', false],
      ],
      `round ${round}`,
    );
    await app.close();
  }
});
