import t from 'tap';
import { renderPage } from '../src/emulator/pages.js';
import { build, call, invite, OTHER_KEY } from './helper.js';

const ticketOf = (url: string): string => new URL(url).searchParams.get('ticket') as string;
const path = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const open = (app: Parameters<typeof call>[0], url: string) => call(app, { method: 'GET', url, key: null });
const HTML = 'text/html; charset=utf-8';

t.test('the link points at this emulator and carries an unguessable ticket', async (t) => {
  const app = await build(t, { publicUrl: 'http://emulator.test:9999' });
  const a = await invite(app, { email_address: 'a@example.com' });
  const b = await invite(app, { email_address: 'b@example.com' });
  t.match(a.url, /^http:\/\/emulator\.test:9999\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_-]{43}$/);
  t.not(ticketOf(a.url), ticketOf(b.url));
});

t.test('opening the link without a redirect_url accepts it and shows a page', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { plan: 'pro' } });
  const r = await open(app, path(inv.url));
  t.equal(r.status, 200);
  t.equal(r.type, HTML);
  t.equal(r.headers['cache-control'], 'no-store');
  t.match(r.body, /<h1>Invitation accepted<\/h1>/);
  t.match(r.body, /ada@example\.com is now a user/);

  const list = await call(app, { method: 'GET', url: '/v1/invitations' });
  const [accepted] = list.body as any[];
  t.same({ status: accepted.status, url: accepted.url }, { status: 'accepted', url: inv.url });
  t.ok(accepted.updated_at >= inv.updated_at);
  const users = await call(app, { method: 'GET', url: '/_emulator/users' });
  const [user] = (users.body as any).data;
  t.same(
    { total: (users.body as any).total_count, email: user.email_address, meta: user.public_metadata },
    { total: 1, email: 'ada@example.com', meta: { plan: 'pro' } },
  );
});

t.test(
  'with a redirect_url the link answers 303 with __clerk_ticket appended, keeping query and fragment',
  async (t) => {
    const app = await build(t);
    const cases: [string, (ticket: string) => string][] = [
      ['https://app.example.com/sign-up', (k) => `https://app.example.com/sign-up?__clerk_ticket=${k}`],
      [
        'https://app.example.com/sign-up?next=%2Fhome&a=b+c',
        (k) => `https://app.example.com/sign-up?next=%2Fhome&a=b+c&__clerk_ticket=${k}`,
      ],
      ['http://localhost:3000/x?#frag', (k) => `http://localhost:3000/x?__clerk_ticket=${k}#frag`],
    ];
    for (const [i, [redirect, expected]] of cases.entries()) {
      const inv = await invite(app, { email_address: `u${i}@example.com`, redirect_url: redirect });
      const r = await open(app, path(inv.url));
      t.equal(r.status, 303, redirect);
      t.equal(r.headers.location, expected(ticketOf(inv.url)), redirect);
    }
  },
);

t.test('revoked, expired and accepted links answer a 400 page and change nothing', async (t) => {
  const app = await build(t);
  const revoked = await invite(app, { email_address: 'revoked@example.com' });
  await call(app, { method: 'POST', url: `/v1/invitations/${revoked.id}/revoke` });
  const accepted = await invite(app, { email_address: 'accepted@example.com' });
  t.equal((await open(app, path(accepted.url))).status, 200);
  const expired = await invite(app, { email_address: 'expired@example.com', expires_in_days: 1 });
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 86_400_000 } });

  const before = await call(app, {
    method: 'GET',
    url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
  });
  for (const [inv, title] of [
    [revoked, 'Invitation revoked'],
    [accepted, 'Invitation already accepted'],
    [expired, 'Invitation expired'],
  ] as const) {
    const r = await open(app, `/v1/tickets/accept?ticket=${ticketOf(inv.url)}`);
    t.same({ status: r.status, type: r.type }, { status: 400, type: HTML }, title);
    t.match(r.body, `<h1>${title}</h1>`);
  }
  t.same(
    (
      await call(app, {
        method: 'GET',
        url: '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired',
      })
    ).body,
    before.body,
  );
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/users' })).body as any).total_count, 1);
});

t.test('unknown, missing, empty and repeated tickets answer pages, never JSON or a 5xx', async (t) => {
  const app = await build(t);
  const unknown = await open(app, '/v1/tickets/accept?ticket=nope');
  t.same({ status: unknown.status, type: unknown.type }, { status: 404, type: HTML });
  t.match(unknown.body, '<h1>Invitation not found</h1>');
  for (const url of [
    '/v1/tickets/accept',
    '/v1/tickets/accept?ticket=',
    '/v1/tickets/accept?ticket=a&ticket=b',
    `/v1/tickets/accept?ticket=${'x'.repeat(5000)}`,
  ]) {
    const r = await open(app, url);
    t.same({ status: r.status, type: r.type }, { status: 400, type: HTML }, url.slice(0, 60));
    t.match(r.body, '<h1>Invalid invitation link</h1>');
  }
});

t.test('everything interpolated into a page is escaped', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: "o'neil&co@example.com", notify: false });
  const r = await open(app, path(inv.url));
  t.equal(r.status, 200);
  t.match(r.body, 'The invitation for o&#39;neil&amp;co@example.com was accepted');
  t.notMatch(r.body, "o'neil");
  const page = renderPage({ status: 400, title: '<script>alert(1)</script>', message: '"quoted" & <b>bold</b>' });
  t.match(page, '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
  t.match(page, '<p>&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;</p>');
});

t.test('accepting when the email already has a user keeps that user as it is', async (t) => {
  const app = await build(t);
  const made = await call(app, {
    method: 'POST',
    url: '/_emulator/users',
    payload: { email_address: 'ada@example.com', public_metadata: { from: 'user' } },
  });
  const inv = await invite(app, {
    email_address: 'ada@example.com',
    ignore_existing: true,
    public_metadata: { from: 'invitation' },
  });
  t.equal((await open(app, path(inv.url))).status, 200);
  const users = await call(app, { method: 'GET', url: '/_emulator/users' });
  t.same(users.body, { data: [made.body], total_count: 1 });
});

t.test('a HEAD from a link checker reports the status without accepting', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  const head = await app.inject({ method: 'HEAD', url: path(inv.url) });
  t.same(
    { status: head.statusCode, type: head.headers['content-type'], body: head.body },
    { status: 200, type: HTML, body: '' },
  );
  t.equal((await app.inject({ method: 'HEAD', url: '/v1/tickets/accept?ticket=nope' })).statusCode, 404);
  t.equal((await app.inject({ method: 'HEAD', url: '/v1/tickets/accept' })).statusCode, 400);
  const [still] = (await call(app, { method: 'GET', url: '/v1/invitations' })).body as any[];
  t.equal(still.status, 'pending');
});

t.test('a link opens the invitation of its own instance, whatever key other tests use', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' }, OTHER_KEY);
  t.equal((await open(app, path(inv.url))).status, 200);
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/users' })).body as any).total_count, 0);
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/users', key: OTHER_KEY })).body as any).total_count, 1);
});
