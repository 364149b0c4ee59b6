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
  'polling it is never journaled, rate-limited or faulted, so the app under test sees no difference',
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
      payload: { method: 'GET', status: 503 },
    });
    t.equal(fault.status, 201);
    // Over the dev profile's 100 requests per 10 s.
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i++) statuses.add((await list(app, '')).status);
    t.same([...statuses], [200]);
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
