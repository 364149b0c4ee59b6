import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { build, call, clerkError, invite, outbox, serve } from './helper.js';

// redirect_url is stored as its WHATWG href (percent-encoded UTF-8), so the 303 the link answers can always be
// sent; what no URL may carry is refused, and a bad URL stored by an older version never spends the link.

const HTML = 'text/html; charset=utf-8';
const ticketOf = (url: string): string => new URL(url).searchParams.get('ticket') as string;
const linkPath = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const all = '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired';
const urlInvalid = {
  message: 'is invalid',
  long_message: 'redirect_url must be a valid URL.',
  code: 'form_param_format_invalid',
  meta: { param_name: 'redirect_url' },
};

t.test('a Unicode redirect_url is stored and redirected to as its percent-encoded href', async (t) => {
  const app = await build(t);
  const one = await invite(app, { email_address: 'a@example.com', redirect_url: 'https://app.test/日本' });
  const bulk = await call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [{ email_address: 'b@example.com', redirect_url: 'http://host/über?name=José#café' }],
  });
  t.equal(bulk.status, 200);
  const [two] = bulk.body as Record<string, any>[];
  t.same(
    outbox(app).map((e) => e['redirect_url']),
    ['https://app.test/%E6%97%A5%E6%9C%AC', 'http://host/%C3%BCber?name=Jos%C3%A9#caf%C3%A9'],
    'the outbox shows the stored href',
  );
  const first = await call(app, { method: 'GET', url: linkPath(one.url), key: null });
  t.same(
    { status: first.status, location: first.headers.location },
    { status: 303, location: `https://app.test/%E6%97%A5%E6%9C%AC?__clerk_ticket=${ticketOf(one.url)}` },
  );
  const second = await call(app, { method: 'GET', url: linkPath(two!.url), key: null });
  t.same(
    { status: second.status, location: second.headers.location },
    {
      status: 303,
      location: `http://host/%C3%BCber?name=Jos%C3%A9&__clerk_ticket=${ticketOf(two!.url)}#caf%C3%A9`,
    },
  );
});

t.test('the Location for http://host/über?name=José is ASCII that a browser resolves to the same URL', async (t) => {
  const server = await serve(t);
  const headers = { authorization: 'Bearer sk_test_location', 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/v1/invitations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email_address: 'jose@example.com', redirect_url: 'http://host/über?name=José' }),
  });
  const inv = (await created.json()) as { url: string };
  const click = await fetch(`${server.url}${linkPath(inv.url)}`, { redirect: 'manual' });
  const location = click.headers.get('location') ?? '';
  t.equal(click.status, 303);
  t.match(location, /^[\x21-\x7e]+$/, 'printable ASCII only');
  const landed = new URL(location, server.url);
  const meant = new URL('http://host/über?name=José');
  t.same(
    [landed.origin, landed.pathname, landed.searchParams.get('name'), landed.searchParams.get('__clerk_ticket')],
    [meant.origin, meant.pathname, 'José', ticketOf(inv.url)],
  );
  t.equal(decodeURIComponent(landed.pathname), '/über');
});

t.test(
  'a redirect_url with control characters or whitespace at either end is refused at create and in bulk',
  async (t) => {
    const app = await build(t);
    const bad = [
      'https://app.test/a\r\nSet-Cookie: x=1',
      'https://app.test/\r',
      'https://app.test/\n',
      'https://app.test/\u0000',
      'https://app.test/a\tb',
      'https://app.test/\u007f',
      'https://app.test/\u0085',
      'https://app.test/\u009b',
      ' https://app.test/',
      '\thttps://app.test/',
      '\nhttps://app.test/',
      'https://app.test/ ',
      'https://app.test/\u00a0',
    ];
    for (const redirect_url of bad) {
      const label = JSON.stringify(redirect_url);
      clerkError(
        t,
        await call(app, {
          method: 'POST',
          url: '/v1/invitations',
          payload: { email_address: 'a@example.com', redirect_url },
        }),
        422,
        urlInvalid,
      );
      clerkError(
        t,
        await call(app, {
          method: 'POST',
          url: '/v1/invitations/bulk',
          payload: [{ email_address: 'b@example.com' }, { email_address: 'c@example.com', redirect_url }],
        }),
        422,
        urlInvalid,
      );
      t.pass(label);
    }
    t.same((await call(app, { method: 'GET', url: all })).body, [], 'nothing was created');
    t.same(outbox(app), [], 'nothing was sent');
  },
);

t.test('a seeded Unicode redirect_url is stored as its href', async (t) => {
  const seedFile = join(t.testdir(), 'seed.json');
  const invitations = [{ email_address: 'a@example.com', redirect_url: 'https://app.test/日本' }];
  writeFileSync(seedFile, JSON.stringify({ instances: [{ secret_key: 'sk_test_seeded', invitations }] }));
  const app = await build(t, { seedFile });
  t.same(
    outbox(app, 'sk_test_seeded').map((e) => e['redirect_url']),
    ['https://app.test/%E6%97%A5%E6%9C%AC'],
  );
});

t.test('a raw redirect_url stored by an older version is sent percent-encoded', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'a@example.com', redirect_url: 'https://app.test/x' });
  app.db.prepare('UPDATE invitations SET redirect_url = ? WHERE id = ?').run('https://app.test/日本?q=é', inv.id);
  const r = await call(app, { method: 'GET', url: linkPath(inv.url), key: null });
  t.same(
    { status: r.status, location: r.headers.location },
    { status: 303, location: `https://app.test/%E6%97%A5%E6%9C%AC?q=%C3%A9&__clerk_ticket=${ticketOf(inv.url)}` },
  );
});

t.test('a stored redirect_url that cannot be sent answers a 400 page and leaves the invitation pending', async (t) => {
  const app = await build(t);
  for (const [i, raw] of ['https://app.test/a\r\nSet-Cookie: x=1', 'https://app.test/\u0000', 'not a url'].entries()) {
    const inv = await invite(app, { email_address: `u${i}@example.com`, redirect_url: 'https://app.test/x' });
    app.db.prepare('UPDATE invitations SET redirect_url = ? WHERE id = ?').run(raw, inv.id);
    const head = await app.inject({ method: 'HEAD', url: linkPath(inv.url) });
    t.same({ status: head.statusCode, type: head.headers['content-type'] }, { status: 400, type: HTML }, 'HEAD');
    for (const attempt of [1, 2]) {
      const r = await call(app, { method: 'GET', url: linkPath(inv.url), key: null });
      t.same(
        { status: r.status, type: r.type, location: r.headers.location },
        { status: 400, type: HTML, location: undefined },
        `click ${attempt} on ${JSON.stringify(raw)}`,
      );
      t.match(r.body, '<h1>Invitation redirect_url is not valid</h1>');
      t.match(r.body, `The invitation for u${i}@example.com was not accepted`);
    }
    const [listed] = (await call(app, { method: 'GET', url: `/v1/invitations?query=${inv.id}` })).body as any[];
    t.same({ status: listed.status, updated_at: listed.updated_at }, { status: 'pending', updated_at: inv.updated_at });
  }
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/users' })).body as any).total_count, 0, 'no user');
});
