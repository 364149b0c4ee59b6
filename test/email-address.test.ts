import t from 'tap';
import { build, call, clerkError, expectInvitation, invite, outbox } from './helper.js';

// Look-alike addresses: one address has one stored form, so the duplicate and existing-user checks
// cannot be bypassed by invisible characters, odd dots or another spelling of the domain.

type App = Awaited<ReturnType<typeof build>>;

const create = (app: App, email_address: string) =>
  call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address } });
const bulk = (app: App, emails: string[]) =>
  call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: emails.map((email_address) => ({ email_address })),
  });
const createUser = (app: App, email_address: string) =>
  call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address } });
const everyInvitation = async (app: App) =>
  (
    (
      await call(app, {
        method: 'GET',
        url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
      })
    ).body as Record<string, unknown>[]
  ).map((i) => i['email_address']);
const users = async (app: App) =>
  (
    (await call(app, { method: 'GET', url: '/_emulator/users' })).body as { data: { email_address: string }[] }
  ).data.map((u) => u.email_address);

const FORMAT_INVALID = {
  message: 'is invalid',
  long_message: 'email_address must be a valid email address.',
  code: 'form_param_format_invalid',
  meta: { param_name: 'email_address' },
};
const TAKEN = {
  message: 'That email address is taken. Please try another.',
  long_message: 'That email address is taken. Please try another.',
  code: 'form_identifier_exists',
  meta: { param_name: 'email_address' },
};
const duplicate = (email: string) => ({
  message: 'duplicate invitation',
  long_message: `There are already pending invitations for the following email addresses: ${email}`,
  code: 'duplicate_record',
  meta: { email_addresses: [email] },
});

const INVISIBLE: [string, string][] = [
  ['NUL', '\u0000'],
  ['a C0 control', '\u0001'],
  ['escape', '\u001b'],
  ['DEL', '\u007f'],
  ['a C1 control (NEL)', '\u0085'],
  ['soft hyphen', '\u00ad'],
  ['zero-width space', '\u200b'],
  ['zero-width non-joiner', '\u200c'],
  ['zero-width joiner', '\u200d'],
  ['left-to-right mark', '\u200e'],
  ['right-to-left mark', '\u200f'],
  ['left-to-right embedding', '\u202a'],
  ['right-to-left override', '\u202e'],
  ['left-to-right isolate', '\u2066'],
  ['pop directional isolate', '\u2069'],
  ['word joiner', '\u2060'],
  ['byte order mark', '\ufeff'],
  ['a lone surrogate', '\ud800'],
  ['combining grapheme joiner', '\u034f'],
  ['variation selector', '\ufe0f'],
  ['Hangul filler', '\u3164'],
  ['Mongolian variation selector', '\u180b'],
];

t.test('an invisible or control character inside an address answers form_param_format_invalid', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'case@example.com' });
  await createUser(app, 'user@example.com');
  for (const [name, c] of INVISIBLE) {
    for (const email of [`case${c}@example.com`, `u${c}ser@example.com`, `user@exam${c}ple.com`]) {
      const what = `${name} in ${JSON.stringify(email)}`;
      t.test(what, async (t) => {
        clerkError(t, await create(app, email), 422, FORMAT_INVALID);
        clerkError(t, await bulk(app, ['ok@example.com', email]), 422, FORMAT_INVALID);
        clerkError(t, await createUser(app, email), 422, FORMAT_INVALID);
      });
    }
  }
  t.same(await everyInvitation(app), ['case@example.com'], 'no invitation was added');
  t.same(await users(app), ['user@example.com'], 'no user was added');
  t.same(
    outbox(app).map((e) => e['to_email_address']),
    ['case@example.com'],
    'nothing was sent',
  );
});

t.test('a local part that starts or ends with a dot or has two dots in a row is refused', async (t) => {
  const app = await build(t);
  for (const email of ['.a@x.com', 'a.@x.com', 'a..b@x.com', '.@x.com', '..@x.com', 'a...b@x.com']) {
    clerkError(t, await create(app, email), 422, FORMAT_INVALID);
    clerkError(t, await createUser(app, email), 422, FORMAT_INVALID);
  }
  t.same(await everyInvitation(app), [], 'nothing was created');
  t.same(await users(app), [], 'no user was created');
  expectInvitation(t, await invite(app, { email_address: 'a.b.c@x.com' }), { email_address: 'a.b.c@x.com' });
});

t.test('ordinary addresses are stored as before: trimmed and lower-cased, nothing else', async (t) => {
  const app = await build(t);
  const cases: [string, string][] = [
    ['  Ada.Lovelace+Tag@Example.COM\n', 'ada.lovelace+tag@example.com'],
    ["o'brien_x-y@sub.example.co.uk", "o'brien_x-y@sub.example.co.uk"],
    ['José@Example.com', 'josé@example.com'],
    ['a@xn--mller-kva.de', 'a@xn--mller-kva.de'],
    // JavaScript's trim removes a byte order mark at either end, as it did before; inside it is refused.
    ['\ufeffbom@example.com\ufeff', 'bom@example.com'],
  ];
  for (const [sent, stored] of cases) {
    expectInvitation(t, await invite(app, { email_address: sent }), { email_address: stored });
  }
});

const UNICODE = 'user@müller.de';
const PUNYCODE = 'user@xn--mller-kva.de';

t.test('an internationalised domain is stored in punycode, so both spellings are one invitation', async (t) => {
  const app = await build(t);
  expectInvitation(t, await invite(app, { email_address: UNICODE }), { email_address: PUNYCODE });
  for (const again of [PUNYCODE, UNICODE, ' USER@MÜLLER.DE ', 'user@müller。de', 'user@xn--MLLER-kva.de']) {
    clerkError(t, await create(app, again), 400, duplicate(PUNYCODE));
  }
  const other = await build(t);
  expectInvitation(t, await invite(other, { email_address: PUNYCODE }), { email_address: PUNYCODE });
  clerkError(t, await create(other, UNICODE), 400, duplicate(PUNYCODE));
  t.same(await everyInvitation(app), [PUNYCODE], 'one invitation');
  t.same(await everyInvitation(other), [PUNYCODE], 'one invitation, punycode first');
});

t.test('a bulk holding both spellings of one address is one duplicate_record', async (t) => {
  const app = await build(t);
  clerkError(t, await bulk(app, [UNICODE, PUNYCODE]), 400, duplicate(PUNYCODE));
  t.same(await everyInvitation(app), [], 'nothing was created');
});

t.test('a user with an internationalised domain is taken under both spellings', async (t) => {
  const app = await build(t);
  const r = await createUser(app, UNICODE);
  t.same({ status: r.status, type: r.type }, { status: 200, type: 'application/json' });
  t.equal((r.body as { email_address: string }).email_address, PUNYCODE, 'stored in punycode');
  clerkError(t, await createUser(app, PUNYCODE), 422, TAKEN);
  clerkError(t, await create(app, PUNYCODE), 422, TAKEN);
  clerkError(t, await create(app, UNICODE), 422, TAKEN);
  t.same(await users(app), [PUNYCODE], 'one user');
  t.same(await everyInvitation(app), [], 'no invitation');
});

t.test("the outbox's ?to= finds an internationalised address under either spelling", async (t) => {
  const app = await build(t);
  await invite(app, { email_address: UNICODE });
  await invite(app, { email_address: 'other@example.com' });
  for (const to of [encodeURIComponent(UNICODE), encodeURIComponent(' USER@MÜLLER.DE '), PUNYCODE]) {
    const r = await call(app, { method: 'GET', url: `/_emulator/emails?to=${to}` });
    const body = r.body as { data: { to_email_address: string }[]; total_count: number };
    t.same(
      { status: r.status, type: r.type, to: body.data.map((e) => e.to_email_address), total: body.total_count },
      { status: 200, type: 'application/json', to: [PUNYCODE], total: 1 },
      to,
    );
  }
  t.same(
    (await call(app, { method: 'GET', url: `/_emulator/emails?to=${encodeURIComponent('user\u200b@müller.de')}` }))
      .body,
    { data: [], total_count: 0 },
    'a look-alike finds nothing',
  );
});

t.test('a Unicode domain that is not a valid domain name is refused', async (t) => {
  const app = await build(t);
  for (const email of ['a@ü_x.de', 'a@ü..de', 'a@\u0661a.de', 'a@ü', 'a@-ü.de.']) {
    clerkError(t, await create(app, email), 422, FORMAT_INVALID);
  }
  t.same(await everyInvitation(app), [], 'nothing was created');
});

t.test('a letter typed composed or decomposed is one address', async (t) => {
  const app = await build(t);
  const composed = await invite(app, { email_address: 'Cas\u00e9@example.com' });
  t.equal(composed['email_address'], 'cas\u00e9@example.com', 'stored in NFC');
  const r = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'cas\u0065\u0301@example.com' },
  });
  clerkError(t, r, 400, {
    message: 'duplicate invitation',
    long_message: 'There are already pending invitations for the following email addresses: cas\u00e9@example.com',
    code: 'duplicate_record',
    meta: { email_addresses: ['cas\u00e9@example.com'] },
  });
});
