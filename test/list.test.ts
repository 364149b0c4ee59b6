import t from 'tap';
import {
  build,
  call,
  clerkError,
  DAY_MS,
  expectInvitation,
  instanceOf,
  invite,
  JSON_TYPE,
  setClockOffset,
  setStoredStatus,
} from './helper.js';

type App = Awaited<ReturnType<typeof build>>;
type Inv = Record<string, any>;

const get = (app: App, query = '') => call(app, { method: 'GET', url: `/v1/invitations${query}` });
const emails = async (app: App, query = '') => ((await get(app, query)).body as Inv[]).map((i) => i['email_address']);

/** Five invitations a millisecond or more apart (a..e oldest first), one revoked, one accepted, one expired. */
async function seed(app: App) {
  const made: Record<string, Inv> = {};
  for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
    setClockOffset(app, i * 1000);
    made[name] = await invite(app, {
      email_address: `${name}@example.com`,
      expires_in_days: name === 'c' ? 1 : 30 - i,
    });
  }
  await call(app, { method: 'POST', url: `/v1/invitations/${made['b']!['id']}/revoke` });
  setStoredStatus(app, made['d']!['id'], 'accepted');
  setClockOffset(app, 2 * DAY_MS); // c expires
  return made;
}

t.test('list answers a bare array, newest first, without paginated', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { a: 1 } });
  const r = await get(app);
  t.equal(r.status, 200);
  t.equal(r.type, JSON_TYPE);
  t.same(r.body, [inv]);
  expectInvitation(t, (r.body as Inv[])[0]!, { email_address: 'ada@example.com', public_metadata: { a: 1 } });
  t.same((await get(app, '?paginated=false')).body, [inv]);
});

t.test('paginated=true answers data and total_count counting every match before limit and offset', async (t) => {
  const app = await build(t);
  await seed(app);
  const r = await get(app, '?paginated=true&limit=2&offset=1');
  t.equal(r.type, JSON_TYPE);
  const body = r.body as { data: Inv[]; total_count: number };
  t.same(Object.keys(body), ['data', 'total_count']);
  t.same(
    body.data.map((i) => i['email_address']),
    ['d@example.com', 'c@example.com'],
  );
  t.equal(body.total_count, 4);
  t.same((await get(app, '?paginated=true&status=revoked')).body, {
    data: (await get(app, '?status=revoked')).body,
    total_count: 1,
  });
  t.same((await get(app, '?paginated=true&query=nobody')).body, { data: [], total_count: 0 });
});

t.test('without status, revoked invitations are left out and the rest show their derived status', async (t) => {
  const app = await build(t);
  await seed(app);
  const r = (await get(app)).body as Inv[];
  t.same(
    r.map((i) => [i['email_address'], i['status']]),
    [
      ['e@example.com', 'pending'],
      ['d@example.com', 'accepted'],
      ['c@example.com', 'expired'],
      ['a@example.com', 'pending'],
    ],
  );
});

t.test('status filters, alone or repeated, match any of the given statuses', async (t) => {
  const app = await build(t);
  await seed(app);
  t.same(await emails(app, '?status=pending'), ['e@example.com', 'a@example.com']);
  t.same(await emails(app, '?status=expired'), ['c@example.com']);
  t.same(await emails(app, '?status=accepted'), ['d@example.com']);
  t.same(await emails(app, '?status=revoked'), ['b@example.com']);
  t.same(await emails(app, '?status=pending&status=expired'), ['e@example.com', 'c@example.com', 'a@example.com']);
  t.same(await emails(app, '?status=revoked&status=accepted'), ['d@example.com', 'b@example.com']);
  t.same(await emails(app, '?status=pending&status=accepted&status=revoked&status=expired'), [
    'e@example.com',
    'd@example.com',
    'c@example.com',
    'b@example.com',
    'a@example.com',
  ]);
  const revoked = ((await get(app, '?status=revoked')).body as Inv[])[0]!;
  t.equal(revoked['revoked'], true);
  t.equal(revoked['url'], undefined, 'a revoked invitation has no url');
});

t.test('query matches a case-insensitive substring of the email or an exact id', async (t) => {
  const app = await build(t);
  const made = await seed(app);
  await invite(app, { email_address: 'under_score%@example.org' });
  t.same(await emails(app, '?query=A%40EXAMPLE'), ['a@example.com']);
  t.same(await emails(app, '?query=example.org'), ['under_score%@example.org']);
  t.same(await emails(app, '?query=_'), ['under_score%@example.org'], 'LIKE wildcards are literal');
  t.same(await emails(app, '?query=%25'), ['under_score%@example.org']);
  t.same(await emails(app, `?query=${made['e']!['id']}`), ['e@example.com']);
  t.same(await emails(app, `?query=${made['e']!['id'].toLowerCase()}`), [], 'an id matches exactly');
  t.same(await emails(app, `?query=${made['b']!['id']}`), [], 'query still leaves revoked out');
  t.same(
    await emails(app, '?query='),
    ['under_score%@example.org', 'e@example.com', 'd@example.com', 'c@example.com', 'a@example.com'],
    'an empty query filters nothing',
  );
});

t.test('a query holding NUL or another control character answers form_param_value_invalid', async (t) => {
  const app = await build(t);
  await seed(app);
  for (const value of ['%00zzz', 'zzz%00', '%00', 'a%01b', 'a%09b', 'example%0A', '%1B%5B31m', '%7F', '%C2%85']) {
    clerkError(t, await get(app, `?paginated=true&query=${value}`), 422, {
      message: 'is invalid',
      long_message: 'query is invalid. Expected text without control characters (such as NUL, tab or newline).',
      code: 'form_param_value_invalid',
      meta: { param_name: 'query' },
    });
  }
  t.same(await emails(app, '?query=zzz'), [], 'the text after the NUL matches nothing');
});

t.test('order_by sorts by each column in either direction, + implied', async (t) => {
  const app = await build(t);
  await seed(app);
  // expires_at: a=+30d, c=+1d, d=+27d+3s, e=+26d+4s.
  const cases: [string, string[]][] = [
    ['created_at', ['a', 'c', 'd', 'e']],
    ['%2Bcreated_at', ['a', 'c', 'd', 'e']],
    ['+created_at', ['a', 'c', 'd', 'e']], // an unencoded + arrives as a space
    ['-created_at', ['e', 'd', 'c', 'a']],
    ['email_address', ['a', 'c', 'd', 'e']],
    ['-email_address', ['e', 'd', 'c', 'a']],
    ['expires_at', ['c', 'e', 'd', 'a']],
    ['-expires_at', ['a', 'd', 'e', 'c']],
  ];
  for (const [order, want] of cases) {
    t.same(
      await emails(app, `?order_by=${order}`),
      want.map((n) => `${n}@example.com`),
      order,
    );
  }
});

t.test('limit and offset page the list; Ruby-style limit=10 works and the default limit is 10', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 12; i++) {
    setClockOffset(app, i * 1000);
    await invite(app, { email_address: `u${String(i).padStart(2, '0')}@example.com` });
  }
  t.equal(((await get(app)).body as Inv[]).length, 10);
  t.equal(((await get(app, '?limit=10')).body as Inv[]).length, 10);
  t.same(await emails(app, '?limit=3&offset=2&order_by=email_address'), [
    'u02@example.com',
    'u03@example.com',
    'u04@example.com',
  ]);
  t.same(await emails(app, '?offset=11'), ['u00@example.com']);
  t.same(await emails(app, '?offset=500'), []);
  t.equal(((await get(app, '?limit=500')).body as Inv[]).length, 12);
  t.equal(((await get(app, '?limit=1')).body as Inv[]).length, 1);
});

t.test('unknown query parameters are ignored', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'ada@example.com' });
  t.same(await emails(app, '?foo=bar&email_address=x@y.z'), ['ada@example.com']);
});

t.test('a bad limit, offset, status, order_by or paginated answers form_param_value_invalid naming it', async (t) => {
  const app = await build(t);
  const cases: [string, string, string][] = [
    ['limit', '8.14', 'Expected an integer from 1 to 500.'],
    ['limit', '-1', 'Expected an integer from 1 to 500.'],
    ['limit', 'abc', 'Expected an integer from 1 to 500.'],
    ['limit', '0', 'Expected an integer from 1 to 500.'],
    ['limit', '501', 'Expected an integer from 1 to 500.'],
    ['limit', '', 'Expected an integer from 1 to 500.'],
    ['limit', '1e2', 'Expected an integer from 1 to 500.'],
    ['limit', '%2B5', 'Expected an integer from 1 to 500.'],
    ['offset', '-1', 'Expected an integer of 0 or more.'],
    ['offset', '2.5', 'Expected an integer of 0 or more.'],
    ['offset', 'x', 'Expected an integer of 0 or more.'],
    ['status', 'active', 'Expected one of: pending, accepted, revoked, expired.'],
    ['order_by', 'name', 'Expected created_at, email_address or expires_at, optionally prefixed with + or -.'],
    ['order_by', '--created_at', 'Expected created_at, email_address or expires_at, optionally prefixed with + or -.'],
    ['paginated', '1', 'Expected true or false.'],
    ['paginated', 'TRUE', 'Expected true or false.'],
  ];
  for (const [param, value, expected] of cases) {
    clerkError(t, await get(app, `?${param}=${value}`), 422, {
      message: 'is invalid',
      long_message: `${param} is invalid. ${expected}`,
      code: 'form_param_value_invalid',
      meta: { param_name: param },
    });
  }
  clerkError(t, await get(app, '?status=pending&status=nope'), 422, {
    message: 'is invalid',
    long_message: 'status is invalid. Expected one of: pending, accepted, revoked, expired.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'status' },
  });
  clerkError(t, await get(app, '?limit=1&limit=2'), 422, {
    message: 'is invalid',
    long_message: 'limit is invalid. Expected an integer from 1 to 500.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'limit' },
  });
});

t.test(
  'paging with limit and offset never repeats or skips, even within one millisecond, in every order',
  async (t) => {
    const app = await build(t);
    const instance = instanceOf(app);
    const now = Date.now();
    for (let i = 0; i < 23; i++) {
      app.invitations.create(instance.id, now, {
        email_address: `p${i % 4}@example.com`,
        public_metadata: {},
        redirect_url: null,
        notify: false,
        ignore_existing: true,
        expires_in_days: 1 + (i % 2),
        template_slug: 'invitation',
      });
    }
    for (const column of ['created_at', 'email_address', 'expires_at']) {
      for (const sign of ['', '-']) {
        const all = ((await get(app, '?limit=500')).body as Inv[]).slice();
        const dir = sign === '-' ? -1 : 1;
        all.sort((x, y) => dir * (x[column] < y[column] ? -1 : x[column] > y[column] ? 1 : x['id'] < y['id'] ? -1 : 1));
        const seen: string[] = [];
        for (let offset = 0; offset < 30; offset += 4) {
          const page = (await get(app, `?paginated=true&limit=4&offset=${offset}&order_by=${sign}${column}`)).body as {
            data: Inv[];
            total_count: number;
          };
          t.equal(page.total_count, 23);
          seen.push(...page.data.map((i) => i['id']));
        }
        t.same(
          seen,
          all.map((i) => i['id']),
          `${sign}${column}: pages join into the total order, ties broken by id`,
        );
      }
    }
  },
);
