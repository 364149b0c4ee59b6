import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { entryBytes } from '../src/emulator/journal-store.js';
import { build, call, clerkError, instanceOf, invite, KEY, OTHER_KEY, setClockOffset, TRACE } from './helper.js';

interface Journaled {
  id: string;
  duration_ms: number;
  created_at: number;
  [k: string]: unknown;
}

/** The journal of a key as a client reads it, with its whole shape checked. */
async function journal(t: Test, app: FastifyInstance, query = '', key = KEY) {
  const r = await call(app, { method: 'GET', url: `/_emulator/requests${query}`, key });
  t.equal(r.status, 200);
  t.equal(r.type, 'application/json');
  return r.body as { data: Journaled[]; total_count: number };
}

/** The entries with their measured fields checked for shape and taken out, so the rest compares whole. */
function stable(t: Test, data: Journaled[]) {
  return data.map(({ id, duration_ms, created_at, ...rest }) => {
    t.match(id, TRACE);
    t.ok(duration_ms >= 0 && duration_ms < 10_000, 'duration_ms');
    t.ok(Number.isInteger(created_at), 'created_at');
    return rest;
  });
}

/** What the store should count for the journals of these keys: the sum over their kept entries. */
const counted = (app: FastifyInstance, ...keys: string[]) =>
  keys.flatMap((key) => [...app.journal.entries(instanceOf(app, key).id)]).reduce((n, r) => n + entryBytes(r), 0);

const entry = (fields: Record<string, unknown>) => ({
  object: 'request',
  query: {},
  request_body: null,
  fault_id: null,
  rate_limited: false,
  ...fields,
});

t.test('accepted and refused /v1 requests are journaled newest first, whole, the ticket cut out', async (t) => {
  const app = await build(t);
  const offset = 86_400_000;
  setClockOffset(app, offset);
  const before = Date.now() + offset;
  const created = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'ada@example.com' },
  });
  const duplicate = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'ada@example.com' },
  });
  const list = await call(app, { method: 'GET', url: '/v1/invitations?status=pending&status=expired&limit=5' });
  const after = Date.now() + offset;
  const invitation = created.body as Record<string, unknown>;
  const { data, total_count } = await journal(t, app);
  t.equal(total_count, 3);
  const redacted = { ...invitation, url: 'http://localhost:4010/v1/tickets/accept?ticket=[redacted]' };
  t.same(stable(t, data), [
    entry({
      method: 'GET',
      path: '/v1/invitations',
      query: { status: ['pending', 'expired'], limit: '5' },
      status: 200,
      response_body: [redacted],
    }),
    entry({
      method: 'POST',
      path: '/v1/invitations',
      status: 400,
      request_body: { email_address: 'ada@example.com' },
      response_body: duplicate.body,
    }),
    entry({
      method: 'POST',
      path: '/v1/invitations',
      status: 200,
      request_body: { email_address: 'ada@example.com' },
      response_body: redacted,
    }),
  ]);
  t.equal(list.status, 200);
  t.equal(data[1]?.id, (duplicate.body as { clerk_trace_id: string }).clerk_trace_id, "the error body's trace id");
  for (const e of data) t.ok(e.created_at >= before - 1 && e.created_at <= after, 'created_at on the instance clock');
  t.ok((data[0]?.created_at ?? 0) >= (data[2]?.created_at ?? Infinity), 'newest first');
});

t.test(
  'refusals after the key are journaled: bad JSON, a bad query, an unknown /v1 path, another method',
  async (t) => {
    const app = await build(t);
    const bad = await call(app, {
      method: 'POST',
      url: '/v1/invitations',
      payload: '{"email_address":',
      headers: { 'content-type': 'application/json' },
    });
    await call(app, { method: 'GET', url: '/v1/invitations?limit=0' });
    await call(app, { method: 'GET', url: '/v1/nothing/here?x=1' });
    await call(app, { method: 'PUT', url: '/v1/invitations' });
    const { data } = await journal(t, app);
    t.same(
      stable(t, data).map((e) => [e['method'], e['path'], e['query'], e['status'], e['request_body']]),
      [
        ['PUT', '/v1/invitations', {}, 405, null],
        ['GET', '/v1/nothing/here', { x: '1' }, 404, null],
        ['GET', '/v1/invitations', { limit: '0' }, 422, null],
        ['POST', '/v1/invitations', {}, 400, null],
      ],
    );
    t.same(data[3]?.['response_body'], bad.body, 'the answer as sent');
  },
);

t.test('nothing else is journaled: no key, a bad key, /_emulator, the link, /docs', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  await call(app, { method: 'GET', url: '/v1/invitations', key: null });
  await call(app, { method: 'GET', url: '/v1/invitations', key: 'sk_nope' });
  await call(app, { method: 'GET', url: '/_emulator/emails' });
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 1 } });
  await call(app, { method: 'GET', url: '/_emulator/health' });
  await call(app, { method: 'GET', url: new URL(inv.url as string).pathname + new URL(inv.url as string).search });
  await call(app, { method: 'GET', url: '/docs' });
  await call(app, { method: 'GET', url: '/openapi.json' });
  const { data, total_count } = await journal(t, app);
  t.equal(total_count, 1);
  t.same(
    data.map((e) => [e['method'], e['path']]),
    [['POST', '/v1/invitations']],
  );
});

t.test('no key, no ticket and no header anywhere in the journal', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', redirect_url: 'https://app.test/done' });
  const ticket = new URL(inv.url as string).searchParams.get('ticket') as string;
  await call(app, { method: 'GET', url: `/v1/invitations?ticket=${ticket}&query=ada` });
  await call(app, { method: 'GET', url: `/v1/tickets/${ticket}` });
  await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    headers: { 'x-secret': 'header-value-kept-out' },
    payload: {
      email_address: 'bob@example.com',
      redirect_url: `https://app.test/back?__clerk_ticket=${ticket}`,
      public_metadata: { link: inv.url, [`ticket=${ticket}`]: 1 },
    },
  });
  await call(app, { method: 'GET', url: '/v1/invitations?paginated=true' });
  const text = JSON.stringify(await journal(t, app));
  t.equal((JSON.parse(text) as { total_count: number }).total_count, 5);
  for (const secret of [KEY, KEY.slice(8), ticket, ticket.slice(0, 20), 'header-value-kept-out', 'authorization'])
    t.notOk(text.includes(secret), `${secret.slice(0, 12)}… is not in the journal`);
  t.ok(text.includes('ticket=[redacted]'), 'the ticket is cut, the URL kept');
});

t.test('bodies over 16 KiB are kept as their size in bytes; 16 KiB exactly is kept', async (t) => {
  const app = await build(t);
  // A refused create whose body is exactly n bytes, with two-byte characters so that length and bytes differ.
  const bodyOf = (bytes: number) => {
    const base = JSON.stringify({ email_address: 'ada@example.com', pad: '' });
    const twoByte = Math.floor((bytes - base.length) / 2);
    const pad = 'é'.repeat(twoByte) + 'x'.repeat(bytes - base.length - twoByte * 2);
    const text = JSON.stringify({ email_address: 'ada@example.com', pad });
    t.equal(Buffer.byteLength(text), bytes);
    return text;
  };
  const send = (payload: string) =>
    call(app, { method: 'POST', url: '/v1/invitations', payload, headers: { 'content-type': 'application/json' } });
  const exact = bodyOf(16_384);
  await send(exact);
  await send(bodyOf(16_385));
  const meta = { notes: 'm'.repeat(7000) };
  const items = [0, 1, 2].map((i) => ({ email_address: `u${i}@example.com`, public_metadata: meta }));
  const bulk = await call(app, { method: 'POST', url: '/v1/invitations/bulk', payload: items });
  t.equal(bulk.status, 200);
  const { data } = await journal(t, app);
  t.same(
    data.map((e) => [e['status'], e['request_body'], e['response_body']]),
    [
      [
        200,
        { truncated: true, bytes: Buffer.byteLength(JSON.stringify(items)) },
        { truncated: true, bytes: Buffer.byteLength(JSON.stringify(bulk.body)) },
      ],
      [422, { truncated: true, bytes: 16_385 }, data[1]?.['response_body']],
      [422, JSON.parse(exact), data[2]?.['response_body']],
    ],
  );
  t.match(data[1]?.['response_body'], { errors: [{ code: 'form_param_unknown' }] });
});

t.test('the filters: method, path (exact or a route pattern), status, limit and offset', async (t) => {
  const app = await build(t);
  const a = await invite(app, { email_address: 'a@example.com' });
  const b = await invite(app, { email_address: 'b@example.com' });
  await call(app, { method: 'POST', url: `/v1/invitations/${a.id}/revoke` });
  await call(app, { method: 'POST', url: `/v1/invitations/${a.id}/revoke` });
  await call(app, { method: 'DELETE', url: `/v1/invitations/${b.id}` });
  await call(app, { method: 'GET', url: '/v1/invitations?limit=2' });
  const shown = async (query: string) => {
    const { data, total_count } = await journal(t, app, query);
    return { total_count, seen: data.map((e) => `${e['method']} ${e['path']} ${e['status']}`) };
  };
  const revoke = `/v1/invitations/${a.id}/revoke`;
  t.same(await shown('?method=post'), {
    total_count: 4,
    seen: [`POST ${revoke} 400`, `POST ${revoke} 200`, 'POST /v1/invitations 200', 'POST /v1/invitations 200'],
  });
  t.same(await shown(`?path=${encodeURIComponent(revoke)}&status=400`), {
    total_count: 1,
    seen: [`POST ${revoke} 400`],
  });
  t.same(await shown(`?path=${encodeURIComponent('/v1/invitations/{invitation_id}')}`), {
    total_count: 1,
    seen: [`DELETE /v1/invitations/${b.id} 200`],
  });
  t.same(await shown('?path=/v1/invitations&limit=1&offset=1'), { total_count: 3, seen: ['POST /v1/invitations 200'] });
  t.same(await shown('?status=200&offset=10'), { total_count: 5, seen: [] });
  t.same(await shown('?method=&path=&limit=1'), { total_count: 6, seen: ['GET /v1/invitations 200'] });
  clerkError(t, await call(app, { method: 'GET', url: '/_emulator/requests?status=99' }), 422, {
    message: 'is invalid',
    long_message: 'status is invalid. Expected an HTTP status code from 100 to 599.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'status' },
  });
  clerkError(t, await call(app, { method: 'GET', url: '/_emulator/requests?limit=501' }), 422, {
    message: 'is invalid',
    long_message: 'limit is invalid. Expected an integer from 1 to 500.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'limit' },
  });
  t.equal((await journal(t, app)).total_count, 6, 'reading the journal is not journaled');
});

t.test('DELETE empties the journal of its key and reset does too', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'a@example.com' });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
  const other = counted(app, OTHER_KEY);
  t.ok(other > 0);
  t.equal(app.journal.bytes, counted(app, KEY) + other);
  const cleared = await call(app, { method: 'DELETE', url: '/_emulator/requests' });
  t.same(
    { status: cleared.status, type: cleared.type, body: cleared.body },
    { status: 200, type: 'application/json', body: { object: 'request_journal', deleted: 2 } },
  );
  t.same(await journal(t, app), { data: [], total_count: 0 });
  t.equal(app.journal.bytes, other, 'DELETE takes its entries out of the bytes kept');
  t.same((await call(app, { method: 'DELETE', url: '/_emulator/requests' })).body, {
    object: 'request_journal',
    deleted: 0,
  });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  t.equal((await journal(t, app)).total_count, 1);
  t.equal(app.journal.bytes, counted(app, KEY) + other);
  t.equal((await call(app, { method: 'POST', url: '/_emulator/reset' })).status, 200);
  t.same(await journal(t, app), { data: [], total_count: 0 }, 'reset empties it');
  t.equal(app.journal.bytes, other, 'reset takes its entries out of the bytes kept');
  t.equal((await journal(t, app, '', OTHER_KEY)).total_count, 1, "the other key's journal is kept");
});

t.test('each instance keeps its newest JOURNAL_SIZE requests', async (t) => {
  const app = await build(t, { journalSize: 3 });
  for (let i = 1; i <= 5; i++) await call(app, { method: 'GET', url: `/v1/invitations?limit=${i}` });
  const { data, total_count } = await journal(t, app);
  t.equal(total_count, 3);
  t.same(
    data.map((e) => e['query']),
    [{ limit: '5' }, { limit: '4' }, { limit: '3' }],
  );
  t.equal(app.journal.bytes, counted(app, KEY), 'the entries it dropped are out of the bytes kept');
});

t.test('all instances together keep 20 × JOURNAL_SIZE, the oldest of all going first', async (t) => {
  const app = await build(t, { journalSize: 2 });
  const keys = Array.from({ length: 25 }, (_, i) => `sk_test_bound_${i}`);
  for (const key of keys)
    for (let i = 0; i < 2; i++) await call(app, { method: 'GET', url: `/v1/invitations?i=${i}`, key });
  t.equal(app.journal.size, 40);
  for (const [i, key] of keys.entries())
    t.equal((await journal(t, app, '', key)).total_count, i < 5 ? 0 : 2, `instance ${i}`);
  await call(app, { method: 'GET', url: '/v1/invitations', key: keys[24] as string });
  t.equal(app.journal.size, 40, 'an instance at its own bound drops its own oldest');
  await call(app, { method: 'GET', url: '/v1/invitations', key: 'sk_test_bound_new' });
  t.equal(app.journal.size, 40);
  t.same(
    (await journal(t, app, '', keys[5] as string)).data.map((e) => e['query']),
    [{ i: '1' }],
    'a new instance pushes out the oldest of all, in another instance',
  );
});

t.test('JOURNAL_SIZE=0 records nothing and the routes answer an empty journal', async (t) => {
  const app = await build(t, { journalSize: 0 });
  await invite(app, { email_address: 'a@example.com' });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same(await journal(t, app), { data: [], total_count: 0 });
  t.same((await call(app, { method: 'DELETE', url: '/_emulator/requests' })).body, {
    object: 'request_journal',
    deleted: 0,
  });
  t.equal(app.journal.size, 0);
});

t.test('the rate limit and the fault that answered a request are journaled', async (t) => {
  const app = await build(t);
  // Stands in for the rate-limit and fault hooks, which set these two request fields.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers['x-test-limited'] === '1') request.rateLimited = true;
    const fault = request.headers['x-test-fault'];
    if (typeof fault === 'string') request.faultId = fault;
    done();
  });
  await call(app, { method: 'GET', url: '/v1/invitations', headers: { 'x-test-limited': '1' } });
  await call(app, {
    method: 'GET',
    url: '/v1/invitations',
    headers: { 'x-test-fault': 'flt_3K1I63Ew6FCtVnc4qwZU69JqyZB' },
  });
  await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same(
    (await journal(t, app)).data.map((e) => [e['fault_id'], e['rate_limited']]),
    [
      [null, false],
      ['flt_3K1I63Ew6FCtVnc4qwZU69JqyZB', false],
      [null, true],
    ],
  );
  t.equal(instanceOf(app).id, 1);
});
