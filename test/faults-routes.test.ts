import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { MAX_FAULTS, MAX_FAULTS_TOTAL } from '../src/emulator/faults-store.js';
import { build, call, clerkError, invite, KEY, OTHER_KEY } from './helper.js';

// The control API of faults: create with defaults, validation in Clerk's envelope, list, delete, reset, the cap.

const FLT_ID = /^flt_[0-9A-Za-z]{27}$/;
const post = (app: FastifyInstance, payload: unknown, key = KEY) =>
  call(app, { method: 'POST', url: '/_emulator/faults', payload: payload as Record<string, unknown>, key });
const list = async (app: FastifyInstance, key = KEY) =>
  await call(app, { method: 'GET', url: '/_emulator/faults', key });

const defaults = {
  object: 'fault',
  method: '*',
  path: '*',
  status: null,
  error: null,
  delay_ms: 0,
  close: false,
  when: 'before',
  times: null,
  probability: 1,
  retry_after: null,
  remaining: null,
  hits: 0,
};

t.test('a fault is created with every field defaulted and answered 201 whole', async (t) => {
  const app = await build(t);
  const before = Date.now();
  const r = await post(app, { status: 503 });
  const body = r.body as Record<string, any>;
  t.same([r.status, r.type], [201, 'application/json']);
  t.match(body['id'], FLT_ID);
  t.ok(body['created_at'] >= before && body['created_at'] <= Date.now(), 'created_at on the instance clock');
  t.same(body, { ...defaults, id: body['id'], status: 503, created_at: body['created_at'] });
  t.same(
    Object.keys(body),
    [
      'object',
      'id',
      'method',
      'path',
      'status',
      'error',
      'delay_ms',
      'close',
      'when',
      'times',
      'probability',
      'retry_after',
      'remaining',
      'hits',
      'created_at',
    ],
    'keys in the documented order',
  );
});

t.test('every field given is kept, and remaining starts at times', async (t) => {
  const app = await build(t);
  const given = {
    method: 'POST',
    path: '/v1/invitations/{id}/revoke',
    status: 409,
    error: { code: 'conflict_here', message: 'Conflict', long_message: 'A conflict, injected.' },
    delay_ms: 5,
    close: false,
    when: 'after',
    times: 3,
    probability: 0.25,
    retry_after: 7,
  };
  const r = await post(app, given);
  const body = r.body as Record<string, any>;
  t.same(r.status, 201);
  t.same(body, { object: 'fault', id: body['id'], ...given, remaining: 3, hits: 0, created_at: body['created_at'] });
});

t.test('the clock moves created_at', async (t) => {
  const app = await build(t);
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { now: 1_900_000_000_000 } });
  const body = (await post(app, { close: true })).body as Record<string, any>;
  t.ok(body['created_at'] >= 1_900_000_000_000 && body['created_at'] < 1_900_000_060_000);
});

const invalid = (param: string, expected: string) => ({
  message: 'is invalid',
  long_message: `${param} is invalid. ${expected}`,
  code: 'form_param_value_invalid',
  meta: { param_name: param },
});
const STATUS = 'Expected an integer HTTP status from 400 to 599, or null.';
const CLOSE = 'A closed connection answers nothing: send close: true without status, error or retry_after.';
const NEEDS_STATUS = 'It shapes the answer of a status: send status too.';
const PATH = 'Expected * or a route of /v1 as openapi.yaml writes it, e.g. /v1/invitations/{id}/revoke.';

t.test("a bad fault is refused in Clerk's envelope and creates nothing", async (t) => {
  const app = await build(t);
  const cases: [unknown, number, Record<string, unknown>][] = [
    [
      {},
      422,
      {
        message: 'is missing',
        long_message: 'Send status, delay_ms above 0, or close: true.',
        code: 'form_param_missing',
        meta: { param_name: 'status' },
      },
    ],
    [
      null,
      422,
      {
        message: 'is missing',
        long_message: 'Send status, delay_ms above 0, or close: true.',
        code: 'form_param_missing',
        meta: { param_name: 'status' },
      },
    ],
    [
      { delay_ms: 0, times: 1 },
      422,
      {
        message: 'is missing',
        long_message: 'Send status, delay_ms above 0, or close: true.',
        code: 'form_param_missing',
        meta: { param_name: 'status' },
      },
    ],
    [
      { status: 500, nope: 1 },
      422,
      {
        message: 'is unknown',
        long_message: 'nope is not a valid parameter for this request.',
        code: 'form_param_unknown',
        meta: { param_name: 'nope' },
      },
    ],
    [{ status: 399 }, 422, invalid('status', STATUS)],
    [{ status: 600 }, 422, invalid('status', STATUS)],
    [{ status: 500.5 }, 422, invalid('status', STATUS)],
    [{ status: '500' }, 422, invalid('status', STATUS)],
    [{ delay_ms: 30_001 }, 422, invalid('delay_ms', 'Expected an integer number of milliseconds from 0 to 30000.')],
    [{ delay_ms: -1 }, 422, invalid('delay_ms', 'Expected an integer number of milliseconds from 0 to 30000.')],
    [
      { status: 500, times: 0 },
      422,
      invalid('times', 'Expected an integer from 1 to 1000000, or null (until deleted).'),
    ],
    [{ status: 500, probability: 1.5 }, 422, invalid('probability', 'Expected a number from 0 to 1.')],
    [{ status: 500, probability: -0.1 }, 422, invalid('probability', 'Expected a number from 0 to 1.')],
    [{ status: 500, method: 'PUT' }, 422, invalid('method', 'Expected GET, POST, DELETE or *.')],
    [{ status: 500, method: 'post' }, 422, invalid('method', 'Expected GET, POST, DELETE or *.')],
    [{ status: 500, when: 'during' }, 422, invalid('when', 'Expected before or after.')],
    [{ close: 'yes' }, 422, invalid('close', 'Expected true or false.')],
    [{ status: 500, path: '/v1/nope' }, 422, invalid('path', PATH)],
    [{ status: 500, path: '/v1/tickets/accept' }, 422, invalid('path', PATH)],
    [{ status: 500, path: '/_emulator/reset' }, 422, invalid('path', PATH)],
    [{ status: 500, path: 7 }, 422, invalid('path', PATH)],
    [
      { status: 500, retry_after: 86_401 },
      422,
      invalid('retry_after', 'Expected an integer number of seconds from 0 to 86400, or null.'),
    ],
    [{ close: true, status: 503 }, 422, invalid('close', CLOSE)],
    [{ close: true, error: { code: 'x', message: 'x' } }, 422, invalid('close', CLOSE)],
    [{ close: true, retry_after: 1 }, 422, invalid('close', CLOSE)],
    [{ delay_ms: 10, error: { code: 'x', message: 'x' } }, 422, invalid('error', NEEDS_STATUS)],
    [{ delay_ms: 10, retry_after: 3 }, 422, invalid('retry_after', NEEDS_STATUS)],
    [
      { status: 500, error: { code: 'Bad-Code', message: 'x' } },
      422,
      invalid('error.code', 'Expected a lower-case code of letters, digits and underscores, up to 100 characters.'),
    ],
    [
      { status: 500, error: { code: 'x', message: '' } },
      422,
      invalid('error.message', 'Expected a non-empty string of up to 2000 characters.'),
    ],
    [
      { status: 500, error: { code: 'x', message: 'm', meta: {} } },
      422,
      {
        message: 'is unknown',
        long_message: 'error.meta is not a valid parameter for this request.',
        code: 'form_param_unknown',
        meta: { param_name: 'error.meta' },
      },
    ],
    [
      { status: 500, error: 'boom' },
      422,
      invalid('error', 'Expected an object with code, message and optionally long_message, or null.'),
    ],
    [
      [{ status: 500 }],
      400,
      {
        message: 'Request body invalid',
        long_message: 'The request body must be a JSON object.',
        code: 'request_body_invalid',
      },
    ],
  ];
  for (const [payload, status, item] of cases) {
    const r = await post(app, payload);
    clerkError(t, r, status, item);
  }
  t.same((await list(app)).body, { data: [], total_count: 0 }, 'nothing was created');
});

t.test('the list shows every fault, oldest first, with hits and remaining', async (t) => {
  const app = await build(t);
  const a = (await post(app, { status: 500, method: 'GET', times: 2 })).body as Record<string, any>;
  const b = (await post(app, { status: 503, path: '/v1/invitations' })).body as Record<string, any>;
  await call(app, { method: 'GET', url: '/v1/invitations' });
  const r = await list(app);
  t.same([r.status, r.type], [200, 'application/json']);
  t.same(r.body, { data: [{ ...a, hits: 1, remaining: 1 }, b], total_count: 2 });
});

t.test("DELETE one removes it and answers the deleted object; an unknown or another key's id is 404", async (t) => {
  const app = await build(t);
  const a = (await post(app, { status: 500 })).body as Record<string, any>;
  const b = (await post(app, { status: 502 })).body as Record<string, any>;
  const theirs = (await post(app, { status: 502 }, OTHER_KEY)).body as Record<string, any>;
  const r = await call(app, { method: 'DELETE', url: `/_emulator/faults/${a['id']}` });
  t.same([r.status, r.type, r.body], [200, 'application/json', { object: 'fault', id: a['id'], deleted: true }]);
  t.same((await list(app)).body, { data: [b], total_count: 1 });
  const notFound = (id: string) => ({
    message: 'not found',
    long_message: `No fault was found with id ${id}.`,
    code: 'resource_not_found',
  });
  clerkError(t, await call(app, { method: 'DELETE', url: `/_emulator/faults/${a['id']}` }), 404, notFound(a['id']));
  clerkError(
    t,
    await call(app, { method: 'DELETE', url: `/_emulator/faults/${theirs['id']}` }),
    404,
    notFound(theirs['id']),
  );
  t.same((await list(app, OTHER_KEY)).body, { data: [theirs], total_count: 1 }, "the other key's fault stays");
});

t.test("DELETE all removes the instance's faults and says how many", async (t) => {
  const app = await build(t);
  await post(app, { status: 500 });
  await post(app, { close: true });
  await post(app, { status: 500 }, OTHER_KEY);
  const r = await call(app, { method: 'DELETE', url: '/_emulator/faults' });
  t.same([r.status, r.type, r.body], [200, 'application/json', { object: 'faults', deleted: 2 }]);
  t.same((await list(app)).body, { data: [], total_count: 0 });
  t.same((await call(app, { method: 'DELETE', url: '/_emulator/faults' })).body, { object: 'faults', deleted: 0 });
  t.equal(((await list(app, OTHER_KEY)).body as { total_count: number }).total_count, 1);
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 200, 'requests pass again');
});

t.test("reset removes the instance's faults, not another's", async (t) => {
  const app = await build(t);
  await post(app, { status: 500 });
  await post(app, { status: 500 }, OTHER_KEY);
  const r = await call(app, { method: 'POST', url: '/_emulator/reset' });
  t.same(r.body, {
    object: 'reset',
    invitations: 0,
    users: 0,
    emails: 0,
    clock_reset: false,
    webhook_endpoints: 0,
    webhook_messages: 0,
  });
  t.same((await list(app)).body, { data: [], total_count: 0 });
  await invite(app, { email_address: 'ada@example.com' });
  t.equal(((await list(app, OTHER_KEY)).body as { total_count: number }).total_count, 1);
});

t.test(
  `an instance holds at most ${MAX_FAULTS} faults; past that, 400 fault_limit_exceeded and nothing added`,
  async (t) => {
    const app = await build(t);
    for (let i = 0; i < MAX_FAULTS; i++) t.equal((await post(app, { status: 500, times: 1 })).status, 201);
    clerkError(t, await post(app, { status: 500 }), 400, {
      message: 'Too many faults',
      long_message: `The instance has the maximum allowed number of faults, ${MAX_FAULTS}; delete one first.`,
      code: 'fault_limit_exceeded',
    });
    t.equal(((await list(app)).body as { total_count: number }).total_count, MAX_FAULTS);
    t.equal((await post(app, { status: 500 }, OTHER_KEY)).status, 201, 'another instance has its own room');
    const first = ((await list(app)).body as { data: { id: string }[] }).data[0]!.id;
    await call(app, { method: 'DELETE', url: `/_emulator/faults/${first}` });
    t.equal((await post(app, { status: 500 })).status, 201, 'deleting one makes room');
  },
);

t.test(`all instances together hold at most ${MAX_FAULTS_TOTAL} faults; past that, 400 for any key`, async (t) => {
  const app = await build(t);
  const spec = {
    method: '*',
    path: '*',
    status: 500,
    error: null,
    delay_ms: 0,
    close: false,
    when: 'before',
    times: 1,
    probability: 1,
    retry_after: null,
  } as const;
  // Filled through the store, as many keys would through the route.
  for (let i = 0; i < MAX_FAULTS_TOTAL; i++)
    app.faults.create(1_000_000 + Math.floor(i / MAX_FAULTS), Date.now(), spec);
  clerkError(t, await post(app, { status: 500 }), 400, {
    message: 'Too many faults',
    long_message: `All instances together have the maximum allowed number of faults, ${MAX_FAULTS_TOTAL}; delete one first.`,
    code: 'fault_limit_exceeded',
  });
  t.same((await list(app)).body, { data: [], total_count: 0 }, 'nothing was added');
  app.faults.remove(1_000_001, (app.faults.of(1_000_001) ?? [])[0]!.id);
  t.equal((await post(app, { status: 500 })).status, 201, 'removing one makes room for one');
  t.equal((await post(app, { status: 500 })).status, 400, 'and only one');
  app.faults.clear(1_000_000);
  t.equal((await post(app, { status: 500 })).status, 201, "clearing an instance's faults makes room");
});
