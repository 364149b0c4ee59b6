import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { MAX_ENDPOINTS } from '../src/emulator/webhooks-endpoints.js';
import { build, call, clerkError, invite, KEY, OTHER_KEY } from './helper.js';

// The control API of webhook endpoints (contract §11): create, validation in Clerk's envelope, list, delete,
// WEBHOOK_URL's endpoint, reset, the cap.

const EP_ID = /^ep_[0-9A-Za-z]{27}$/;
const URL = 'http://127.0.0.1:9/hooks';
const SECRET = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
const post = (app: FastifyInstance, payload: unknown, key = KEY) =>
  call(app, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: payload as Record<string, unknown>, key });
const list = (app: FastifyInstance, key = KEY) =>
  call(app, { method: 'GET', url: '/_emulator/webhooks/endpoints', key });

t.test('an endpoint is created with both events and a generated secret, answered 201 whole', async (t) => {
  const app = await build(t);
  const before = Date.now();
  const r = await post(app, { url: URL });
  const body = r.body as Record<string, any>;
  t.same([r.status, r.type], [201, 'application/json']);
  t.match(body['id'], EP_ID);
  t.match(body['secret'], /^whsec_[A-Za-z0-9+/]{32}$/);
  t.ok(body['created_at'] >= before && body['created_at'] <= Date.now());
  t.same(body, {
    object: 'webhook_endpoint',
    id: body['id'],
    url: URL,
    events: ['email.created', 'user.created'],
    secret: body['secret'],
    created_at: body['created_at'],
  });
  const given = await post(app, { url: 'https://app.example.com/a b', events: ['user.created'], secret: SECRET });
  t.match(given.body, { url: 'https://app.example.com/a%20b', events: ['user.created'], secret: SECRET });
  const nulls = await post(app, { url: URL, events: null, secret: null });
  t.match(nulls.body, { events: ['email.created', 'user.created'], secret: /^whsec_/ });
  t.same((await list(app)).body, { data: [body, given.body, nulls.body], total_count: 3 });
});

t.test('created_at is on the instance clock', async (t) => {
  const app = await build(t);
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { now: Date.UTC(2030, 0, 1) } });
  const body = (await post(app, { url: URL })).body as Record<string, any>;
  t.ok(body['created_at'] >= Date.UTC(2030, 0, 1) && body['created_at'] < Date.UTC(2030, 0, 2));
});

const invalid = (param: string, expected: string) => ({
  message: 'is invalid',
  long_message: `${param} is invalid. ${expected}`,
  code: 'form_param_value_invalid',
  meta: { param_name: param },
});
const URL_EXPECTED = 'Expected an absolute http(s) URL of up to 2048 characters, without a user or password.';
const EVENTS = 'Expected a non-empty array of distinct event types: email.created, user.created.';
const SECRET_EXPECTED = 'Expected whsec_ followed by the standard base64 of 24 to 75 bytes.';

t.test("a bad endpoint is refused in Clerk's envelope and creates nothing", async (t) => {
  const app = await build(t);
  const cases: [unknown, number, Record<string, unknown>][] = [
    [
      {},
      422,
      {
        message: 'is missing',
        long_message: 'url must be included.',
        code: 'form_param_missing',
        meta: { param_name: 'url' },
      },
    ],
    [{ url: 'ftp://example.com/x' }, 422, invalid('url', URL_EXPECTED)],
    [{ url: '/relative' }, 422, invalid('url', URL_EXPECTED)],
    [{ url: 'http://user:pw@example.com/' }, 422, invalid('url', URL_EXPECTED)],
    [{ url: `http://example.com/${'x'.repeat(2048)}` }, 422, invalid('url', URL_EXPECTED)],
    [{ url: 7 }, 422, invalid('url', URL_EXPECTED)],
    [{ url: URL, events: [] }, 422, invalid('events', EVENTS)],
    [{ url: URL, events: ['invitation.created'] }, 422, invalid('events', EVENTS)],
    [{ url: URL, events: ['user.created', 'user.created'] }, 422, invalid('events', EVENTS)],
    [{ url: URL, events: 'user.created' }, 422, invalid('events', EVENTS)],
    [{ url: URL, secret: 'sk_test_x' }, 422, invalid('secret', SECRET_EXPECTED)],
    [{ url: URL, secret: `whsec_${Buffer.alloc(23).toString('base64')}` }, 422, invalid('secret', SECRET_EXPECTED)],
    [{ url: URL, secret: `whsec_${Buffer.alloc(76).toString('base64')}` }, 422, invalid('secret', SECRET_EXPECTED)],
    [{ url: URL, secret: 'whsec_!!!!' }, 422, invalid('secret', SECRET_EXPECTED)],
    [
      { url: URL, nope: 1 },
      422,
      {
        message: 'is unknown',
        long_message: 'nope is not a valid parameter for this request.',
        code: 'form_param_unknown',
        meta: { param_name: 'nope' },
      },
    ],
    [
      [{ url: URL }],
      400,
      {
        message: 'Request body invalid',
        long_message: 'The request body must be a JSON object.',
        code: 'request_body_invalid',
      },
    ],
  ];
  for (const [payload, status, item] of cases) clerkError(t, await post(app, payload), status, item);
  t.same((await list(app)).body, { data: [], total_count: 0 }, 'nothing was created');
  t.equal(app.db.prepare('SELECT webhook_endpoints FROM instances').pluck().get(), 0, 'the count is unchanged');
});

t.test(`an instance has at most ${MAX_ENDPOINTS} endpoints; other instances are not limited by it`, async (t) => {
  const app = await build(t);
  for (let i = 0; i < MAX_ENDPOINTS; i++) t.equal((await post(app, { url: `${URL}/${i}` })).status, 201);
  clerkError(t, await post(app, { url: URL }), 400, {
    message: 'Too many webhook endpoints',
    long_message: `The instance has the maximum allowed number of webhook endpoints, ${MAX_ENDPOINTS}; delete one first.`,
    code: 'webhook_endpoint_limit_exceeded',
  });
  t.equal((await post(app, { url: URL }, OTHER_KEY)).status, 201);
  t.equal(((await list(app)).body as { total_count: number }).total_count, MAX_ENDPOINTS);
});

t.test("DELETE removes an endpoint; an unknown or another key's id is 404", async (t) => {
  const app = await build(t);
  const a = (await post(app, { url: URL })).body as Record<string, any>;
  const b = (await post(app, { url: URL })).body as Record<string, any>;
  const theirs = (await post(app, { url: URL }, OTHER_KEY)).body as Record<string, any>;
  const r = await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${a['id']}` });
  t.same(
    [r.status, r.type, r.body],
    [200, 'application/json', { object: 'webhook_endpoint', id: a['id'], deleted: true }],
  );
  t.same((await list(app)).body, { data: [b], total_count: 1 });
  for (const id of [a['id'], theirs['id'], 'ep_nope']) {
    clerkError(t, await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${id}` }), 404, {
      message: 'not found',
      long_message: `No webhook endpoint was found with id ${id}.`,
      code: 'resource_not_found',
    });
  }
  t.same((await list(app, OTHER_KEY)).body, { data: [theirs], total_count: 1 });
});

t.test("WEBHOOK_URL's endpoint is every instance's, first in the list, kept by reset and not deletable", async (t) => {
  const app = await build(t, { webhookUrl: 'http://app:3000/api/webhooks', webhookSecret: SECRET });
  const mine = (await post(app, { url: URL })).body as Record<string, any>;
  const lists = [
    (await list(app)).body as Record<string, any>,
    (await list(app, OTHER_KEY)).body as Record<string, any>,
  ];
  const fromConfig = lists[0]!['data'][0];
  t.match(fromConfig['id'], EP_ID);
  t.same(fromConfig, {
    object: 'webhook_endpoint',
    id: fromConfig['id'],
    url: 'http://app:3000/api/webhooks',
    events: ['email.created', 'user.created'],
    secret: SECRET,
    created_at: fromConfig['created_at'],
  });
  t.same(lists[0], { data: [fromConfig, mine], total_count: 2 });
  t.same(lists[1], { data: [fromConfig], total_count: 1 });
  clerkError(t, await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${fromConfig['id']}` }), 400, {
    message: 'Set by WEBHOOK_URL',
    long_message: `The webhook endpoint ${fromConfig['id']} comes from WEBHOOK_URL; it is removed by restarting without that setting.`,
    code: 'webhook_endpoint_from_config',
  });
  const again = await build(t, { webhookUrl: 'http://app:3000/api/webhooks' });
  const second = ((await list(again)).body as Record<string, any>)['data'][0];
  t.equal(second['id'], fromConfig['id'], 'the same id after a restart: it comes from the URL');
  t.not(second['secret'], SECRET, 'a secret generated at start when none is given');
  t.match(second['secret'], /^whsec_[A-Za-z0-9+/]{32}$/);
  await invite(app, { email_address: 'q@example.com' });
  const reset = await call(app, { method: 'POST', url: '/_emulator/reset' });
  t.same(reset.body, {
    object: 'reset',
    invitations: 1,
    users: 0,
    emails: 1,
    clock_reset: false,
    webhook_endpoints: 1,
    webhook_messages: 2,
  });
  t.same((await list(app)).body, { data: [fromConfig], total_count: 1 });
  t.same((await call(app, { method: 'GET', url: '/_emulator/webhooks/messages' })).body, { data: [], total_count: 0 });
});

t.test("reset removes the instance's endpoints and messages and no other instance's", async (t) => {
  const app = await build(t);
  await post(app, { url: URL });
  const theirs = (await post(app, { url: URL }, OTHER_KEY)).body;
  await invite(app, { email_address: 'a@example.com' });
  await invite(app, { email_address: 'b@example.com' }, OTHER_KEY);
  const r = await call(app, { method: 'POST', url: '/_emulator/reset' });
  t.match(r.body, { webhook_endpoints: 1, webhook_messages: 1 });
  t.same((await list(app)).body, { data: [], total_count: 0 });
  t.same((await list(app, OTHER_KEY)).body, { data: [theirs], total_count: 1 });
  const msgs = await call(app, { method: 'GET', url: '/_emulator/webhooks/messages', key: OTHER_KEY });
  t.equal((msgs.body as { total_count: number }).total_count, 1);
  await invite(app, { email_address: 'c@example.com' });
  t.equal(app.db.prepare('SELECT count(*) FROM webhook_messages').pluck().get(), 1, 'no endpoint left: nothing queued');
});

t.test('the message log filters by type and status and pages newest first; bad filters are 422', async (t) => {
  const app = await build(t);
  await post(app, { url: URL });
  const inv = await invite(app, { email_address: 'p@example.com' });
  await call(app, { method: 'POST', url: `/_emulator/invitations/${inv['id']}/accept` });
  await invite(app, { email_address: 'p2@example.com' });
  const get = (q: string) => call(app, { method: 'GET', url: `/_emulator/webhooks/messages${q}` });
  const all = (await get('')).body as { data: Record<string, any>[]; total_count: number };
  t.same(
    all.data.map((m) => m['type']),
    ['email.created', 'user.created', 'email.created'],
  );
  t.equal(all.total_count, 3);
  t.same(((await get('?type=user.created')).body as { data: unknown[] }).data, [all.data[1]]);
  t.same((await get('?limit=1&offset=1')).body, { data: [all.data[1]], total_count: 3 });
  t.same((await get('?status=failed')).body, { data: [], total_count: 0 });
  clerkError(
    t,
    await get('?type=invitation.created'),
    422,
    invalid('type', 'Expected one of email.created, user.created.'),
  );
  clerkError(t, await get('?status=sent'), 422, invalid('status', 'Expected pending, delivered or failed.'));
  clerkError(t, await call(app, { method: 'POST', url: '/_emulator/webhooks/messages/msg_nope/retry' }), 404, {
    message: 'not found',
    long_message: 'No webhook message was found with id msg_nope.',
    code: 'resource_not_found',
  });
});
