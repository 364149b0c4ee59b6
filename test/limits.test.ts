import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { build, call, clerkError, KEY, serve } from './helper.js';
import { responseProblems } from './openapi-check.js';
import { checkAgainstOpenapi } from './openapi-hook.js';

const nested = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
};

t.test('a body over 1 MiB answers 413 request_body_too_large and stores nothing', async (t) => {
  const app = await build(t);
  const payload = JSON.stringify({ email_address: 'a@example.com', public_metadata: { pad: 'x'.repeat(1024 * 1024) } });
  const r = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload,
    headers: { 'content-type': 'application/json' },
  });
  clerkError(t, r, 413, {
    message: 'Request body too large',
    long_message: 'The request body exceeds the maximum allowed size of 1048576 bytes.',
    code: 'request_body_too_large',
  });
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, []);
});

t.test('more than 100 query parameters answer 400 too_many_query_parameters; 100 are fine', async (t) => {
  const app = await build(t);
  const params = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
  const ok = await call(app, { method: 'GET', url: `/v1/invitations?${params(100)}` });
  t.same({ status: ok.status, type: ok.type, body: ok.body }, { status: 200, type: 'application/json', body: [] });
  clerkError(t, await call(app, { method: 'GET', url: `/v1/invitations?${params(101)}` }), 400, {
    message: 'Too many query parameters',
    long_message: 'The query string has more than 100 parameters.',
    code: 'too_many_query_parameters',
  });
});

t.test('a URL over 8 KiB answers 414 request_url_too_long, before the key is even checked', async (t) => {
  const app = await build(t);
  const url = `/v1/invitations?query=${'a'.repeat(8192)}`;
  const item = {
    message: 'Request URL too long',
    long_message: 'The request URL exceeds the maximum allowed length of 8192 characters.',
    code: 'request_url_too_long',
  };
  clerkError(t, await call(app, { method: 'GET', url }), 414, item);
  clerkError(t, await call(app, { method: 'GET', url, key: null }), 414, item);
  const fits = await call(app, { method: 'GET', url: `/v1/invitations?query=${'a'.repeat(8000)}` });
  t.same({ status: fits.status, body: fits.body }, { status: 200, body: [] });
});

t.test('headers over 16 KiB, refused by Node itself, still get a 431 Clerk envelope', async (t) => {
  const server = await serve(t);
  const { port } = server.app.server.address() as { port: number };
  const reply = await new Promise<{ status: number | undefined; type: string | undefined; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          path: `/v1/invitations?query=${'a'.repeat(20_000)}`,
          headers: { authorization: `Bearer ${KEY}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
  t.equal(reply.status, 431);
  t.equal(reply.type, 'application/json');
  const body = JSON.parse(reply.body) as { clerk_trace_id: string };
  t.same(body, {
    errors: [
      {
        message: 'Request headers too large',
        long_message: 'The request line and headers exceed the maximum allowed size of 16384 bytes.',
        code: 'request_header_fields_too_large',
      },
    ],
    clerk_trace_id: body.clerk_trace_id,
  });
  t.match(body.clerk_trace_id, /^[0-9a-f]{32}$/);
  // Node answers before any request event, so no hook sees it: check it as openapi.yaml documents it.
  t.same(
    responseProblems({
      method: 'GET',
      route: undefined,
      status: 431,
      headers: { 'content-type': reply.type },
      body: reply.body,
    }),
    [],
  );
});

t.test('public_metadata nested deeper than 10 levels answers 422 form_param_value_invalid', async (t) => {
  const app = await build(t);
  const deep = {
    message: 'is invalid',
    code: 'form_param_value_invalid',
    meta: { param_name: 'public_metadata' },
    long_message: 'public_metadata is invalid. Expected an object nested at most 10 levels deep.',
  };
  clerkError(
    t,
    await call(app, {
      method: 'POST',
      url: '/v1/invitations',
      payload: { email_address: 'a@example.com', public_metadata: nested(11) },
    }),
    422,
    deep,
  );
  clerkError(
    t,
    await call(app, {
      method: 'POST',
      url: '/v1/invitations/bulk',
      payload: [{ email_address: 'b@example.com', public_metadata: nested(11) }],
    }),
    422,
    deep,
  );
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, []);
  const ok = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com', public_metadata: nested(10) },
  });
  t.equal(ok.status, 200);
  t.same((ok.body as { public_metadata: unknown }).public_metadata, nested(10));
});

t.test('public_metadata over 8 KiB serialised answers 422 form_param_value_invalid', async (t) => {
  const app = await build(t);
  const sized = (bytes: number) => ({ pad: 'x'.repeat(bytes - JSON.stringify({ pad: '' }).length) });
  t.equal(JSON.stringify(sized(8192)).length, 8192);
  clerkError(
    t,
    await call(app, {
      method: 'POST',
      url: '/v1/invitations',
      payload: { email_address: 'a@example.com', public_metadata: sized(8193) },
    }),
    422,
    {
      message: 'is invalid',
      code: 'form_param_value_invalid',
      meta: { param_name: 'public_metadata' },
      long_message: 'public_metadata is invalid. Expected at most 8192 bytes of JSON.',
    },
  );
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, []);
  const ok = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com', public_metadata: sized(8192) },
  });
  t.equal(ok.status, 200);
});

t.test('path ids that are too long or badly percent-encoded answer a Clerk 404, after the key check', async (t) => {
  const app = await build(t);
  const notFound = {
    message: 'not found',
    long_message: 'The requested resource was not found.',
    code: 'resource_not_found',
  };
  clerkError(t, await call(app, { method: 'DELETE', url: `/v1/invitations/${'a'.repeat(150)}` }), 404, notFound);
  clerkError(
    t,
    await call(app, { method: 'DELETE', url: `/v1/invitations/${'a'.repeat(150)}?${'x=1&'.repeat(101)}` }),
    400,
    {
      message: 'Too many query parameters',
      long_message: 'The query string has more than 100 parameters.',
      code: 'too_many_query_parameters',
    },
  );
  clerkError(t, await call(app, { method: 'POST', url: '/v1/invitations/%E0%A4%A/revoke' }), 404, notFound);
  clerkError(t, await call(app, { method: 'POST', url: '/v1/invitations/%E0%A4%A/revoke', key: null }), 401, {
    message: 'Invalid Authorization header format',
    code: 'authorization_header_format_invalid',
    long_message: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
  });
});

t.test('malformed HTTP gets a 400 request_invalid envelope, then the connection closes', async (t) => {
  const server = await serve(t);
  const { port } = server.app.server.address() as { port: number };
  const raw = await new Promise<string>((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
  t.match(head, /\r\nContent-Type: application\/json\r\n/);
  const parsed = JSON.parse(body) as { clerk_trace_id: string };
  t.same(parsed, {
    errors: [{ message: 'Bad request', long_message: 'The request is not valid HTTP.', code: 'request_invalid' }],
    clerk_trace_id: parsed.clerk_trace_id,
  });
  t.same(
    responseProblems({
      method: 'NOT',
      route: undefined,
      status: 400,
      headers: { 'content-type': 'application/json' },
      body,
    }),
    [],
  );
});

/** Sends raw bytes and collects what comes back until the server closes the socket, or 10 s pass. */
function rawExchange(port: number, bytes: string): Promise<{ raw: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ raw, closed: false });
    }, 10_000);
    socket.on('data', (c: Buffer) => (raw += c.toString()));
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ raw, closed: true });
    });
    socket.on('error', reject);
  });
}

t.test(
  'a body that stops arriving is answered 408 request_timeout in the envelope and its socket closed',
  async (t) => {
    // The production timeouts, shortened so the test waits well under a second.
    const timeouts: FastifyHttpOptions<Server> = {
      requestTimeout: 300,
      http: { headersTimeout: 200, connectionsCheckingInterval: 20 },
    };
    const app = await buildApp(defaultConfig(), timeouts);
    t.teardown(() => app.close());
    checkAgainstOpenapi(t, app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const head = [
      'POST /v1/invitations HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${KEY}`,
      'Content-Type: application/json',
      'Content-Length: 100',
    ];
    const { raw, closed } = await rawExchange(port, `${head.join('\r\n')}\r\n\r\n{"email_address":`);
    t.ok(closed, 'the server closed the socket (within 10 s)');
    const [status = '', body = ''] = raw.split('\r\n\r\n');
    t.match(status, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    t.match(status, /\r\nContent-Type: application\/json\r\n/);
    t.match(status, /\r\nConnection: close(\r\n|$)/);
    const parsed = JSON.parse(body) as { clerk_trace_id: string };
    t.same(parsed, {
      errors: [
        { message: 'Request timeout', long_message: 'The request was not received in time.', code: 'request_timeout' },
      ],
      clerk_trace_id: parsed.clerk_trace_id,
    });
    t.match(parsed.clerk_trace_id, /^[0-9a-f]{32}$/);
    // Node answers on the socket itself, so no hook sees it: check it as openapi.yaml documents it.
    t.same(
      responseProblems({
        method: 'POST',
        route: undefined,
        status: 408,
        headers: { 'content-type': 'application/json' },
        body,
      }),
      [],
    );
    t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, [], 'nothing stored');
  },
);

t.test('a served app times out a request after 30 s and its headers after 10 s, checked every second', async (t) => {
  const server = await serve(t);
  // @types/node knows connectionsCheckingInterval only as a constructor option; Node keeps it on the server.
  const { requestTimeout, headersTimeout, connectionsCheckingInterval } = server.app.server as Server & {
    connectionsCheckingInterval: number;
  };
  t.same(
    { requestTimeout, headersTimeout, connectionsCheckingInterval },
    {
      requestTimeout: 30_000,
      headersTimeout: 10_000,
      connectionsCheckingInterval: 1_000,
    },
  );
});

t.test('a JSON body nested deeper than 64 levels answers 400 request_body_invalid before it is parsed', async (t) => {
  const app = await build(t);
  const tooDeep = {
    message: 'Request body invalid',
    long_message: 'The request body is nested deeper than the maximum allowed depth of 64 levels.',
    code: 'request_body_invalid',
  };
  const post = (payload: string) =>
    call(app, { method: 'POST', url: '/v1/invitations', payload, headers: { 'content-type': 'application/json' } });
  clerkError(t, await post('['.repeat(1024 * 1024 - 1)), 400, tooDeep);
  // The body object and 64 levels of metadata: 65 in all.
  const metadata = (levels: number) =>
    JSON.stringify({ email_address: 'a@example.com', public_metadata: nested(levels) });
  clerkError(t, await post(metadata(64)), 400, tooDeep);
  clerkError(t, await post(`[${'{"a":'.repeat(64)}1${'}'.repeat(64)}]`), 400, tooDeep);
  // 64 levels parse, and are then refused by public_metadata's own limit of 10.
  clerkError(t, await post(metadata(63)), 422, {
    message: 'is invalid',
    code: 'form_param_value_invalid',
    meta: { param_name: 'public_metadata' },
    long_message: 'public_metadata is invalid. Expected an object nested at most 10 levels deep.',
  });
  t.same((await call(app, { method: 'GET', url: '/v1/invitations' })).body, [], 'nothing stored');
  // Brackets inside strings, escaped quotes included, are text, not nesting.
  const brackets = `"\\${'['.repeat(100)}\\"${'{'.repeat(100)}`;
  const ok = await post(`{"email_address":"a@example.com","public_metadata":{"s":${JSON.stringify(brackets)}}}`);
  t.same(
    { status: ok.status, type: ok.type, metadata: (ok.body as { public_metadata: unknown }).public_metadata },
    { status: 200, type: 'application/json', metadata: { s: brackets } },
  );
});
