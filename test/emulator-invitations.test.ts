import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { build, call, clerkError, invite, JSON_TYPE, OTHER_KEY } from './helper.js';

const list = (app: FastifyInstance, query: string, key?: string) =>
  call(app, { method: 'GET', url: `/_emulator/invitations${query}`, ...(key ? { key } : {}) });

t.test(
  'GET /_emulator/invitations answers what GET /v1/invitations?paginated=true answers, for any query',
  async (t) => {
    const app = await build(t);
    const ada = await invite(app, { email_address: 'ada@example.com' });
    await invite(app, { email_address: 'grace@example.com', expires_in_days: 1 });
    await invite(app, { email_address: 'linus@example.com' });
    await call(app, { method: 'POST', url: `/v1/invitations/${ada['id']}/revoke` });
    await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 2 * 86_400_000 } });
    for (const query of [
      '',
      '?status=revoked',
      '?status=pending&status=expired',
      '?query=GRACE',
      `?query=${ada['id']}`,
      '?limit=1&offset=1',
      '?order_by=email_address&limit=2',
      '?order_by=-expires_at',
      '?paginated=false',
    ]) {
      const mine = await list(app, query);
      // Always the paginated shape: paginated=false changes nothing here.
      const v1 = `${query.replace('paginated=false', 'limit=10')}${query === '' ? '?' : '&'}paginated=true`;
      const clerks = await call(app, { method: 'GET', url: `/v1/invitations${v1}` });
      t.same({ status: mine.status, type: mine.type }, { status: 200, type: JSON_TYPE }, query);
      t.same(mine.body, clerks.body, query || '(no query)');
    }
    const all = (await list(app, '?status=pending&status=accepted&status=revoked&status=expired')).body as any;
    t.same(
      { total: all.total_count, statuses: all.data.map((i: any) => `${i.email_address} ${i.status}`) },
      { total: 3, statuses: ['linus@example.com pending', 'grace@example.com expired', 'ada@example.com revoked'] },
    );
    t.same((await list(app, '', OTHER_KEY)).body, { data: [], total_count: 0 }, 'another key sees its own instance');
  },
);

t.test(
  'revoke and delete under /_emulator answer as /v1 does, errors included, and touch only their instance',
  async (t) => {
    const app = await build(t);
    const a = await invite(app, { email_address: 'a@example.com' });
    const b = await invite(app, { email_address: 'b@example.com' });
    const revoked = await call(app, { method: 'POST', url: `/_emulator/invitations/${a['id']}/revoke` });
    const v1Revoked = await call(app, { method: 'POST', url: `/v1/invitations/${b['id']}/revoke` });
    const { url: _url, ...aRest } = a;
    t.same(
      { status: revoked.status, type: revoked.type, body: revoked.body },
      {
        status: 200,
        type: JSON_TYPE,
        body: { ...aRest, status: 'revoked', revoked: true, updated_at: (revoked.body as any).updated_at },
      },
    );
    t.same(
      Object.keys(revoked.body as object),
      Object.keys(v1Revoked.body as object),
      'the same keys as /v1, in order',
    );
    clerkError(t, await call(app, { method: 'POST', url: `/_emulator/invitations/${a['id']}/revoke` }), 400, {
      message: 'Invitation is already revoked.',
      long_message: 'Invitation is already revoked.',
      code: 'invitation_already_revoked',
    });
    const c = await invite(app, { email_address: 'c@example.com' });
    await call(app, { method: 'POST', url: `/_emulator/invitations/${c['id']}/accept` });
    clerkError(t, await call(app, { method: 'POST', url: `/_emulator/invitations/${c['id']}/revoke` }), 400, {
      message: 'Invitation is already accepted, try signing in instead.',
      long_message: 'Invitation is already accepted, try signing in instead.',
      code: 'invitation_already_accepted',
    });
    const notFound = (id: string) => ({
      message: 'not found',
      long_message: `No invitation was found with id ${id}.`,
      code: 'resource_not_found',
    });
    for (const [method, url] of [
      ['POST', `/_emulator/invitations/${a['id']}/revoke`],
      ['DELETE', `/_emulator/invitations/${a['id']}`],
    ] as const) {
      clerkError(t, await call(app, { method, url, key: OTHER_KEY }), 404, notFound(a['id']));
    }
    const deleted = await call(app, { method: 'DELETE', url: `/_emulator/invitations/${a['id']}` });
    t.same(
      { status: deleted.status, type: deleted.type, body: deleted.body },
      { status: 200, type: JSON_TYPE, body: { object: 'invitation', id: a['id'], deleted: true } },
    );
    clerkError(
      t,
      await call(app, { method: 'DELETE', url: `/_emulator/invitations/${a['id']}` }),
      404,
      notFound(a['id']),
    );
    const left = (await list(app, '?status=pending&status=accepted&status=revoked&status=expired')).body as any;
    t.same(
      left.data.map((i: any) => `${i.email_address} ${i.status}`),
      ['c@example.com accepted', 'b@example.com revoked'],
    );
  },
);

t.test(
  'polling, revoking and deleting there is never journaled, rate-limited or faulted: the app sees no difference',
  async (t) => {
    const app = await build(t);
    await invite(app, { email_address: 'ada@example.com' });
    await call(app, { method: 'DELETE', url: '/_emulator/requests' });
    t.equal(
      (await call(app, { method: 'POST', url: '/_emulator/rate-limits', payload: { profile: 'dev' } })).status,
      200,
    );
    const fault = await call(app, {
      method: 'POST',
      url: '/_emulator/faults',
      payload: { status: 503 },
    });
    t.equal(fault.status, 201);
    // Over the dev profile's 100 requests per 10 s.
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i++) statuses.add((await list(app, '')).status);
    t.same([...statuses], [200]);
    // A person's revoke and delete, too.
    const [ada] = ((await list(app, '')).body as any).data;
    t.equal((await call(app, { method: 'POST', url: `/_emulator/invitations/${ada.id}/revoke` })).status, 200);
    t.equal((await call(app, { method: 'DELETE', url: `/_emulator/invitations/${ada.id}` })).status, 200);
    const journal = await call(app, { method: 'GET', url: '/_emulator/requests' });
    t.same(journal.body, { data: [], total_count: 0 }, 'nothing journaled');
    const faults = (await call(app, { method: 'GET', url: '/_emulator/faults' })).body as any;
    t.same(
      faults.data.map((f: any) => ({ hits: f.hits, remaining: f.remaining })),
      [{ hits: 0, remaining: null }],
    );
    const limits = (await call(app, { method: 'GET', url: '/_emulator/rate-limits' })).body as any;
    t.same(
      limits.limits.map((l: any) => l.used),
      [0, 0, 0],
      'nothing counted',
    );
    // The app's own list still takes the fault.
    t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 503);
  },
);

t.test('a bad query answers form_param_value_invalid naming it; no key answers 401', async (t) => {
  const app = await build(t);
  clerkError(t, await list(app, '?limit=abc'), 422, {
    message: 'is invalid',
    long_message: 'limit is invalid. Expected an integer from 1 to 500.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'limit' },
  });
  clerkError(t, await list(app, '?status=active'), 422, {
    message: 'is invalid',
    long_message: 'status is invalid. Expected one of: pending, accepted, revoked, expired.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'status' },
  });
  clerkError(t, await call(app, { method: 'GET', url: '/_emulator/invitations', key: null }), 401, {
    message: 'Invalid Authorization header format',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    code: 'authorization_header_format_invalid',
  });
});
