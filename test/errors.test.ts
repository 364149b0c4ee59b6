import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { build, buildLogged, call, clerkError, invite, JSON_TYPE, logCapture } from './helper.js';

const bodyInvalid = {
  message: 'Request body invalid',
  long_message: 'The request body is invalid. Please consult the API documentation for more information.',
  code: 'request_body_invalid',
};
const notJson = {
  ...bodyInvalid,
  long_message: 'The request body must be JSON, sent with Content-Type: application/json.',
};
const routeNotFound = {
  message: 'not found',
  long_message: 'The requested resource was not found.',
  code: 'resource_not_found',
};
const internal = {
  message: 'Oops, an unexpected error occurred',
  long_message: "There was an internal error on our servers. We've been notified and are working on fixing it.",
  code: 'internal_clerk_error',
};

const post = (payload: string, type?: string, url = '/v1/invitations') => ({
  method: 'POST' as const,
  url,
  payload,
  headers: type ? { 'content-type': type } : {},
});

t.test('malformed JSON answers request_body_invalid and creates nothing', async (t) => {
  const app = await build(t);
  for (const payload of ['{"email_address":', '{email_address: "a@example.com"}', "{'a':1}", '{"a":1}}']) {
    clerkError(t, await call(app, post(payload, 'application/json')), 400, bodyInvalid);
    clerkError(t, await call(app, post(payload, 'application/json', '/v1/invitations/bulk')), 400, bodyInvalid);
  }
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, []);
});

t.test('a __proto__ or constructor.prototype key anywhere in the body answers request_body_invalid', async (t) => {
  const app = await build(t);
  for (const payload of [
    '{"email_address":"a@example.com","public_metadata":{"__proto__":{"admin":true}}}',
    '{"email_address":"a@example.com","__proto__":{"admin":true}}',
    '{"email_address":"a@example.com","public_metadata":{"constructor":{"prototype":{"admin":true}}}}',
  ]) {
    clerkError(t, await call(app, post(payload, 'application/json')), 400, bodyInvalid);
  }
  const plain = await call(
    app,
    post('{"email_address":"a@example.com","public_metadata":{"constructor":"kept"}}', 'application/json'),
  );
  t.same((plain.body as { public_metadata: unknown }).public_metadata, { constructor: 'kept' });
});

t.test('a body that is not JSON answers request_body_invalid', async (t) => {
  const app = await build(t);
  clerkError(
    t,
    await call(app, post('email_address=a%40example.com', 'application/x-www-form-urlencoded')),
    400,
    notJson,
  );
  clerkError(t, await call(app, post('{"email_address":"a@example.com"}', 'text/plain')), 400, notJson);
  clerkError(t, await call(app, post('{"email_address":"a@example.com"}')), 400, notJson);
});

t.test('a +json media type is parsed as JSON', async (t) => {
  const app = await build(t);
  const r = await call(app, post('{"email_address":"a@example.com"}', 'application/vnd.api+json'));
  t.equal(r.status, 200);
});

t.test('a body over 1 MiB answers 413 request_body_too_large', async (t) => {
  const app = await build(t);
  const big = JSON.stringify({ email_address: 'a@example.com', public_metadata: { blob: 'x'.repeat(1024 * 1024) } });
  const tooLarge = {
    message: 'Request body too large',
    long_message: 'The request body exceeds the maximum allowed size of 1048576 bytes.',
    code: 'request_body_too_large',
  };
  clerkError(t, await call(app, post(big, 'application/json')), 413, tooLarge);
  clerkError(t, await call(app, post(big, 'text/plain')), 413, tooLarge);
});

t.test('an unknown route answers 404 resource_not_found in the envelope, under /v1 and elsewhere', async (t) => {
  const app = await build(t);
  clerkError(t, await call(app, { method: 'GET', url: '/v1/invitations/inv_x/accept' }), 404, routeNotFound);
  clerkError(t, await call(app, { method: 'GET', url: '/nowhere?x=1', key: null }), 404, routeNotFound);
  clerkError(t, await call(app, { method: 'GET', url: '/', key: null }), 404, routeNotFound);
});

t.test('a malformed URL or an over-long id is answered in the envelope, after authentication', async (t) => {
  const app = await build(t);
  for (const url of ['/v1/invitations/%E0%A4%A/revoke', `/v1/invitations/inv_${'x'.repeat(200)}`]) {
    clerkError(t, await call(app, { method: 'DELETE', url }), 404, routeNotFound);
    clerkError(t, await call(app, { method: 'DELETE', url, key: null }), 401, {
      message: 'Invalid Authorization header format',
      long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
      code: 'authorization_header_format_invalid',
    });
  }
  clerkError(t, await call(app, { method: 'GET', url: '/elsewhere/%E0%A4%A', key: null }), 404, routeNotFound);
});

t.test('a body sent with a non-JSON content type is ignored when empty', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'a@example.com' });
  const r = await call(app, {
    method: 'POST',
    url: `/v1/invitations/${inv['id']}/revoke`,
    payload: '',
    headers: { 'content-type': 'text/plain' },
  });
  t.equal(r.status, 200);
});

t.test('a known path with the wrong method answers 405 with an Allow header', async (t) => {
  const app = await build(t);
  const cases: [string, string, string][] = [
    ['PUT', '/v1/invitations', 'POST, GET'],
    ['DELETE', '/v1/invitations', 'POST, GET'],
    ['GET', '/v1/invitations/inv_123/revoke', 'POST'],
    ['PATCH', '/v1/invitations/inv_123', 'DELETE'],
    ['GET', '/v1/invitations/bulk', 'POST, DELETE'],
  ];
  for (const [method, url, allow] of cases) {
    const r = await call(app, { method: method as 'PUT', url });
    clerkError(t, r, 405, {
      message: 'method not allowed',
      long_message: `The ${method} method is not allowed on this resource. Allowed: ${allow}.`,
      code: 'method_not_allowed',
    });
    t.equal(r.headers['allow'], allow, `${method} ${url}`);
  }
});

t.test(
  'a path that needs no key answers 405 to its other methods before any key; a keyed path checks the key first',
  async (t) => {
    const app = await build(t);
    const notAllowed = (method: string, allow: string) => ({
      message: 'method not allowed',
      long_message: `The ${method} method is not allowed on this resource. Allowed: ${allow}.`,
      code: 'method_not_allowed',
    });
    const open: [string, string, string][] = [
      ['POST', '/_emulator/health', 'GET'],
      ['DELETE', '/_emulator/health', 'GET'],
      ['POST', '/v1/tickets/accept', 'GET'],
      ['POST', '/docs/static/swagger-ui.css', 'GET'],
      ['DELETE', '/docs', 'GET'],
    ];
    for (const [method, url, allow] of open) {
      for (const key of [null, 'not a key']) {
        const headers = key === null ? {} : { authorization: key };
        const r = await call(app, { method: method as 'PUT', url, key: null, headers });
        clerkError(t, r, 405, notAllowed(method, allow));
        t.equal(r.headers['allow'], allow, `${method} ${url}`);
      }
    }
    const keyed: [string, string, string][] = [
      ['GET', '/_emulator/reset', 'POST'],
      ['PUT', '/_emulator/clock', 'GET, POST'],
      ['PUT', '/v1/invitations', 'POST, GET'],
      ['OPTIONS', '/v1/invitations/inv_123/revoke', 'POST'],
    ];
    for (const [method, url, allow] of keyed) {
      clerkError(t, await call(app, { method: method as 'PUT', url, key: null }), 401, {
        message: 'Invalid Authorization header format',
        long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
        code: 'authorization_header_format_invalid',
      });
      const r = await call(app, { method: method as 'PUT', url });
      clerkError(t, r, 405, notAllowed(method, allow));
      t.equal(r.headers['allow'], allow, `${method} ${url} with a key`);
    }
    // An unknown path still needs the key first (Clerk's 401 before 404), and the URL's limits come before all.
    clerkError(t, await call(app, { method: 'POST', url: '/_emulator/nothing', key: null }), 401, {
      message: 'Invalid Authorization header format',
      long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
      code: 'authorization_header_format_invalid',
    });
    clerkError(t, await call(app, { method: 'POST', url: '/_emulator/nothing' }), 404, routeNotFound);
    clerkError(t, await call(app, { method: 'PUT', url: `/_emulator/health?${'x=1&'.repeat(101)}`, key: null }), 400, {
      message: 'Too many query parameters',
      long_message: 'The query string has more than 100 parameters.',
      code: 'too_many_query_parameters',
    });
  },
);

t.test('a thrown bug answers 500 internal_clerk_error without stack or SQL, and is logged', async (t) => {
  const logs = logCapture();
  const app = await buildApp(defaultConfig(), { logger: { level: 'info', stream: logs.stream } });
  t.teardown(() => app.close());
  app.get('/v1/boom', async () => {
    throw new Error('SQLITE_ERROR: no such column: secret in SELECT secret FROM invitations');
  });
  app.get('/v1/boom-sql', async () => app.db.prepare('SELECT nope FROM nowhere').all());
  await app.ready();
  for (const url of ['/v1/boom', '/v1/boom-sql']) {
    const r = await call(app, { method: 'GET', url });
    clerkError(t, r, 500, internal);
    const raw = JSON.stringify(r.body);
    t.notMatch(raw, /SELECT|SQLITE|stack|at /);
    const logged = logs.lines.find(
      (l) => l['reqId'] === (r.body as { clerk_trace_id: string }).clerk_trace_id && l['level'] === 50,
    );
    t.ok(logged, 'the error is logged at error level with the request id');
  }
});

t.test('clerk_trace_id is the request id of the log lines of that request', async (t) => {
  const { app, logs } = await buildLogged(t);
  const seen = new Set<string>();
  const replies = [
    await call(app, { method: 'GET', url: '/v1/invitations', key: null }),
    await call(app, { method: 'POST', url: '/v1/invitations', payload: {} }),
    await call(app, { method: 'GET', url: '/v1/missing' }),
    await call(app, post('{', 'application/json')),
  ];
  for (const r of replies) {
    const trace = (r.body as { clerk_trace_id: string }).clerk_trace_id;
    t.match(trace, /^[0-9a-f]{32}$/);
    t.notOk(seen.has(trace), 'a new id per request');
    seen.add(trace);
    const lines = logs.lines.filter((l) => l['reqId'] === trace);
    const completed = lines.filter((l) => l['msg'] === 'request completed');
    t.equal(completed.length, 1, 'one line per request, carrying the trace id');
    t.match(completed[0], {
      level: 30,
      req: { method: /^(GET|POST)$/, url: /^\/v1\//, host: 'localhost:80', remoteAddress: '127.0.0.1' },
      res: { statusCode: r.status },
      responseTime: Number,
    });
    t.notOk(
      lines.some((l) => l['msg'] === 'incoming request'),
      'no line at arrival at info',
    );
  }
});

t.test('at debug, each request also gets a line when it arrives', async (t) => {
  const logs = logCapture();
  const app = await buildApp(defaultConfig({ logLevel: 'debug' }), { logger: { level: 'debug', stream: logs.stream } });
  t.teardown(() => app.close());
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations?limit=1' })).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/v1/missing' })).status, 404);
  const lines = logs.lines.filter((l) => l['msg'] === 'incoming request' || l['msg'] === 'request completed');
  t.same(
    lines.map((l) => [l['msg'], (l['req'] as { url: string }).url]),
    [
      ['incoming request', '/v1/invitations?limit=1'],
      ['request completed', '/v1/invitations?limit=1'],
      ['incoming request', '/v1/missing'],
      ['request completed', '/v1/missing'],
    ],
  );
  t.equal(lines[0]!['reqId'], lines[1]!['reqId'], 'both lines of a request carry its id');
});

t.test('an x-request-id sent by a client does not replace the trace id', async (t) => {
  const app = await build(t);
  const r = await call(app, { method: 'GET', url: '/v1/missing', headers: { 'x-request-id': 'abc' } });
  t.match((r.body as { clerk_trace_id: string }).clerk_trace_id, /^[0-9a-f]{32}$/);
});

t.test('every JSON response carries Content-Type application/json exactly', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'a@example.com' });
  const replies = await Promise.all([
    call(app, { method: 'GET', url: '/v1/invitations' }),
    call(app, { method: 'GET', url: '/v1/invitations?paginated=true' }),
    call(app, { method: 'POST', url: `/v1/invitations/${inv['id']}/revoke` }),
    call(app, { method: 'POST', url: '/v1/invitations/bulk', payload: [{ email_address: 'b@example.com' }] }),
    call(app, { method: 'GET', url: '/_emulator/health', key: null }),
    call(app, { method: 'GET', url: '/nowhere', key: null }),
    call(app, { method: 'GET', url: '/v1/invitations?limit=x' }),
  ]);
  t.same(
    replies.map((r) => r.headers['content-type']),
    replies.map(() => JSON_TYPE),
  );
  const del = await call(app, { method: 'DELETE', url: `/v1/invitations/${inv['id']}` });
  t.equal(del.headers['content-type'], JSON_TYPE);
});
