import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { build, call, clerkError, invite, KEY, OTHER_KEY, serve } from './helper.js';

// What a faulted /v1 request answers: each field of a fault, which requests match, and what is left changed.

const fault = async (app: FastifyInstance, body: Record<string, unknown>, key = KEY) => {
  const r = await call(app, { method: 'POST', url: '/_emulator/faults', payload: body, key });
  if (r.status !== 201) throw new Error(`fault refused: ${JSON.stringify(r.body)}`);
  return r.body as { id: string };
};
const faults = async (app: FastifyInstance) =>
  ((await call(app, { method: 'GET', url: '/_emulator/faults' })).body as { data: Record<string, unknown>[] }).data;
const create = (app: FastifyInstance, email = 'ada@example.com', key = KEY) =>
  call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: email }, key });
const total = async (app: FastifyInstance, key = KEY) =>
  ((await call(app, { method: 'GET', url: '/v1/invitations?paginated=true', key })).body as { total_count: number })
    .total_count;

/** Records request.faultId of every answered request, as the journal reads it. */
function faultIds(app: FastifyInstance): (string | null)[] {
  const seen: (string | null)[] = [];
  app.addHook('onResponse', (request, _reply, done) => {
    if (request.url.startsWith('/v1/')) seen.push(request.faultId);
    done();
  });
  return seen;
}

const UNAVAILABLE = {
  message: 'Service unavailable',
  long_message: 'The service is temporarily unavailable; retry later.',
  code: 'service_unavailable',
};

t.test('status (before) answers in the envelope instead of the route: nothing is written', async (t) => {
  const app = await build(t);
  const seen = faultIds(app);
  const f = await fault(app, { status: 503, path: '/v1/invitations', method: 'POST' });
  const r = await create(app);
  clerkError(t, r, 503, UNAVAILABLE);
  t.equal(r.headers['retry-after'], undefined, 'no Retry-After unless the fault sets one');
  await call(app, { method: 'DELETE', url: '/_emulator/faults' });
  t.equal(await total(app), 0, 'no invitation was created');
  t.equal((await create(app)).status, 200, 'the same create succeeds once the fault is gone');
  t.same(seen, [f.id, null, null], 'request.faultId names the fault on the faulted request only');
});

t.test('each status without an error answers its default error', async (t) => {
  const app = await build(t);
  const cases: [number, Record<string, unknown>, string | undefined][] = [
    [
      429,
      { message: 'Too many requests', long_message: 'Too many requests, retry later', code: 'too_many_requests' },
      '1',
    ],
    [
      500,
      {
        message: 'Oops, an unexpected error occurred',
        long_message: "There was an internal error on our servers. We've been notified and are working on fixing it.",
        code: 'internal_clerk_error',
      },
      undefined,
    ],
    [502, UNAVAILABLE, undefined],
    [503, UNAVAILABLE, undefined],
    [504, UNAVAILABLE, undefined],
    [
      401,
      {
        message: 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
        long_message: 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
        code: 'clerk_key_invalid',
      },
      undefined,
    ],
    [
      404,
      { message: 'not found', long_message: 'The requested resource was not found.', code: 'resource_not_found' },
      undefined,
    ],
    [
      408,
      { message: 'Request timeout', long_message: 'The request was not received in time.', code: 'request_timeout' },
      undefined,
    ],
    [409, { message: 'Conflict', long_message: 'The request failed with 409 Conflict.', code: 'conflict' }, undefined],
    [
      418,
      { message: "I'm a Teapot", long_message: "The request failed with 418 I'm a Teapot.", code: 'i_m_a_teapot' },
      undefined,
    ],
    [
      499,
      { message: 'Client error', long_message: 'The request failed with 499 Client error.', code: 'client_error' },
      undefined,
    ],
    [
      599,
      { message: 'Server error', long_message: 'The request failed with 599 Server error.', code: 'server_error' },
      undefined,
    ],
  ];
  for (const [status, item, retryAfter] of cases) {
    await fault(app, { status, times: 1 });
    const r = await call(app, { method: 'GET', url: '/v1/invitations' });
    clerkError(t, r, status, item);
    t.equal(r.headers['retry-after'], retryAfter, `${status}: Retry-After`);
  }
});

t.test('error and retry_after shape the answer; long_message defaults to message', async (t) => {
  const app = await build(t);
  await fault(app, {
    status: 503,
    error: { code: 'maintenance', message: 'Down for maintenance', long_message: 'Back soon.' },
    retry_after: 30,
    times: 1,
  });
  await fault(app, { status: 429, retry_after: 12, times: 1 });
  await fault(app, { status: 400, error: { code: 'custom_code', message: 'Only a message' }, times: 1 });
  let r = await call(app, { method: 'GET', url: '/v1/invitations' });
  clerkError(t, r, 503, { message: 'Down for maintenance', long_message: 'Back soon.', code: 'maintenance' });
  t.equal(r.headers['retry-after'], '30');
  r = await call(app, { method: 'GET', url: '/v1/invitations' });
  clerkError(t, r, 429, {
    message: 'Too many requests',
    long_message: 'Too many requests, retry later',
    code: 'too_many_requests',
  });
  t.equal(r.headers['retry-after'], '12');
  r = await call(app, { method: 'GET', url: '/v1/invitations' });
  clerkError(t, r, 400, { message: 'Only a message', long_message: 'Only a message', code: 'custom_code' });
  t.equal(r.headers['retry-after'], undefined);
});

t.test('when: after runs the route and commits, then replaces its answer', async (t) => {
  const app = await build(t);
  const seen = faultIds(app);
  const f = await fault(app, { status: 500, when: 'after', method: 'POST', path: '/v1/invitations', times: 1 });
  const r = await create(app);
  clerkError(t, r, 500, {
    message: 'Oops, an unexpected error occurred',
    long_message: "There was an internal error on our servers. We've been notified and are working on fixing it.",
    code: 'internal_clerk_error',
  });
  t.equal(await total(app), 1, 'the invitation was created although the client got a 500');
  const retry = await create(app);
  clerkError(t, retry, 400, {
    message: 'duplicate invitation',
    long_message: 'There are already pending invitations for the following email addresses: ada@example.com',
    code: 'duplicate_record',
    meta: { email_addresses: ['ada@example.com'] },
  });
  t.same(seen, [f.id, null, null]);
});

t.test('when: after replaces a refusal of the route too', async (t) => {
  const app = await build(t);
  await fault(app, { status: 502, when: 'after', times: 1 });
  const r = await call(app, { method: 'POST', url: '/v1/invitations/inv_none/revoke' });
  clerkError(t, r, 502, UNAVAILABLE);
});

t.test('times counts hits down to 0, then the route answers; times: null lasts until deleted', async (t) => {
  const app = await build(t);
  const twice = await fault(app, { status: 500, times: 2, method: 'GET' });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await call(app, { method: 'GET', url: '/v1/invitations' })).status);
  t.same(statuses, [500, 500, 200]);
  t.match(await faults(app), [{ id: twice.id, hits: 2, remaining: 0 }]);
  const forever = await fault(app, { status: 503, method: 'GET' });
  for (let i = 0; i < 5; i++) t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 503);
  t.match((await faults(app))[1], { id: forever.id, hits: 5, remaining: null, times: null });
  await call(app, { method: 'DELETE', url: `/_emulator/faults/${forever.id}` });
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 200);
});

t.test('probability draws once per request from the injectable random source', async (t) => {
  const app = await build(t);
  const draws = [0.1, 0.6, 0.49, 0.5, 0.99];
  app.faults.random = () => draws.shift() as number;
  await fault(app, { status: 503, probability: 0.5 });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await call(app, { method: 'GET', url: '/v1/invitations' })).status);
  t.same(statuses, [503, 200, 503, 200, 200], 'faulted when the draw is below the probability');
  t.same(draws, [], 'one draw per request');
  t.match(await faults(app), [{ hits: 2, remaining: null }], 'only the faulted requests count as hits');
});

t.test('probability 0 never applies and probability 1 draws nothing', async (t) => {
  const app = await build(t);
  let drawn = 0;
  app.faults.random = () => {
    drawn++;
    return 0;
  };
  await fault(app, { status: 503, probability: 0, method: 'GET' });
  await fault(app, { status: 500, method: 'POST' });
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 200);
  t.equal((await create(app)).status, 500);
  t.equal(drawn, 1, 'only the fault below 1 drew');
});

t.test('path matches one route pattern, whatever its parameter is named; * matches every /v1 route', async (t) => {
  const app = await build(t);
  const a = await invite(app, { email_address: 'a@example.com' });
  const b = await invite(app, { email_address: 'b@example.com' });
  await fault(app, { status: 503, path: '/v1/invitations/{id}/revoke' });
  await fault(app, { status: 502, path: '/v1/invitations/{invitation_id}' });
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${a['id']}/revoke` })).status, 503);
  t.equal((await call(app, { method: 'DELETE', url: `/v1/invitations/${b['id']}` })).status, 502);
  t.equal((await create(app, 'c@example.com')).status, 200, 'create is another route');
  const bulk = await call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [{ email_address: 'd@example.com' }],
  });
  t.equal(bulk.status, 200, '/v1/invitations/bulk is not /v1/invitations/{id}');
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 200);
  await call(app, { method: 'DELETE', url: '/_emulator/faults' });
  await fault(app, { status: 500, path: '*' });
  for (const [method, url] of [
    ['GET', '/v1/invitations'],
    ['POST', '/v1/invitations/bulk'],
    ['POST', `/v1/invitations/${a['id']}/revoke`],
    ['DELETE', `/v1/invitations/${a['id']}`],
  ] as const)
    t.equal(
      (await call(app, { method, url, ...(method === 'POST' ? { payload: {} } : {}) })).status,
      500,
      `${method} ${url}`,
    );
});

t.test('method matches that method only', async (t) => {
  const app = await build(t);
  await fault(app, { status: 503, method: 'GET', path: '/v1/invitations' });
  t.equal((await create(app)).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 503);
});

t.test('the first fault created that matches applies; a spent one lets the next apply', async (t) => {
  const app = await build(t);
  await fault(app, { status: 502, times: 1 });
  await fault(app, { status: 503, times: 1 });
  await fault(app, { status: 504 });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await call(app, { method: 'GET', url: '/v1/invitations' })).status);
  t.same(statuses, [502, 503, 504, 504]);
});

t.test('faults touch neither /_emulator routes, nor the invitation link, nor unknown /v1 paths', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com' });
  await fault(app, { status: 500 });
  t.equal((await call(app, { method: 'GET', url: '/_emulator/clock' })).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/_emulator/faults' })).status, 200);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/nothing' }), 404, {
    message: 'not found',
    long_message: 'The requested resource was not found.',
    code: 'resource_not_found',
  });
  const link = new URL(inv['url']);
  const click = await call(app, { method: 'GET', url: link.pathname + link.search, key: null });
  t.equal(click.status, 200, 'the link is accepted');
  t.match(await faults(app), [{ hits: 0 }]);
});

t.test('delay_ms (before) waits, then the route answers, without holding other requests', async (t) => {
  const app = await build(t);
  await fault(app, { delay_ms: 300, method: 'POST', times: 1 });
  const started = Date.now();
  let answered = 0;
  const slow = create(app).then((r) => {
    answered = Date.now();
    return r;
  });
  const other = await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
  const sameKey = await call(app, { method: 'GET', url: '/v1/invitations' });
  t.same([other.status, sameKey.status, answered], [200, 200, 0], 'others answered while the delayed one waits');
  const r = await slow;
  t.equal(r.status, 200, 'then the route answers');
  t.ok(answered - started >= 290, 'after the delay');
  t.equal(await total(app), 1);
});

t.test('delay_ms with when: after commits first, then delays the answer', async (t) => {
  const app = await build(t);
  await fault(app, { delay_ms: 300, status: 503, when: 'after', method: 'POST', times: 1 });
  const started = Date.now();
  const slow = create(app);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(await total(app), 1, 'committed while the answer waits');
  clerkError(t, await slow, 503, UNAVAILABLE);
  t.ok(Date.now() - started >= 290, 'after the delay');
});

t.test('close destroys the connection with no answer; before writes nothing, after writes', async (t) => {
  const server = await serve(t);
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const send = (email: string) =>
    fetch(`${server.url}/v1/invitations`, { method: 'POST', headers, body: JSON.stringify({ email_address: email }) });
  await fault(server.app, { close: true, method: 'POST', times: 1 });
  await fault(server.app, { close: true, when: 'after', method: 'POST', times: 1 });
  const failure = async (email: string) => {
    try {
      await send(email);
    } catch (err) {
      return [(err as Error).message, ((err as Error).cause as { code?: string }).code];
    }
    return 'answered';
  };
  t.same(await failure('before@example.com'), ['fetch failed', 'UND_ERR_SOCKET']);
  t.equal(await total(server.app), 0, 'before: nothing written');
  t.same(await failure('after@example.com'), ['fetch failed', 'UND_ERR_SOCKET']);
  t.equal(await total(server.app), 1, 'after: the invitation was written');
  t.equal((await send('next@example.com')).status, 200, 'the server goes on serving');
  const journal = (await call(server.app, { method: 'GET', url: '/_emulator/requests' })).body as {
    data: {
      method: string;
      path: string;
      status: number;
      fault_id: string | null;
      request_body: unknown;
      response_body: unknown;
    }[];
  };
  const ids = (await faults(server.app)).map((f) => f['id']);
  t.same(
    journal.data
      .filter((e) => e.method === 'POST')
      .map(({ path, status, fault_id, request_body, response_body }) => ({
        path,
        status,
        fault_id,
        request_body,
        response_body,
      }))
      .slice(1),
    [
      {
        path: '/v1/invitations',
        status: 0,
        fault_id: ids[1],
        request_body: { email_address: 'after@example.com' },
        response_body: null,
      },
      {
        path: '/v1/invitations',
        status: 0,
        fault_id: ids[0],
        request_body: null,
        response_body: null,
      },
    ],
    'the journal records each closed request, with status 0 and its fault (a before fault answers ahead of the body)',
  );
});

t.test('close through inject rejects the injection', async (t) => {
  const app = await build(t);
  await fault(app, { close: true, times: 1 });
  await t.rejects(app.inject({ method: 'GET', url: '/v1/invitations', headers: { authorization: `Bearer ${KEY}` } }), {
    message: 'response destroyed before completion',
  });
});
