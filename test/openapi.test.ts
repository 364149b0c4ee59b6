import { validate } from '@readme/openapi-parser';
import type { FastifyReply } from 'fastify';
import t from 'tap';
import yaml from 'yaml';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { isDocsRoute } from '../src/http/docs.js';
import { build, call, serve } from './helper.js';
import {
  documentedOperations,
  HTTP_METHODS,
  type Operation,
  openapi,
  openapiPath,
  resolve,
  responseProblems,
  validatorFor,
} from './openapi-check.js';
import { checkAgainstOpenapi } from './openapi-hook.js';

const operations = (): [string, string, Operation & { security?: unknown[] }][] =>
  Object.entries(openapi.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => HTTP_METHODS.includes(m))
      .map(([m, op]) => [m.toUpperCase(), path, op] as [string, string, Operation]),
  );

/** A concrete URL for a documented path: path parameters get an id that no invitation has. */
const urlOf = (path: string): string => path.replace(/\{[^}]+\}/g, 'inv_2qVZ3gaDk0BXr4fTeH1kXyWcQvN');

t.test('openapi.yaml is a valid OpenAPI 3.1 document', async (t) => {
  const result = await validate(structuredClone(openapi) as never);
  t.same({ valid: result.valid, warnings: result.warnings }, { valid: true, warnings: [] }, JSON.stringify(result));
  t.equal((openapi as unknown as { openapi: string }).openapi, '3.1.0');
});

t.test('every route is in openapi.yaml and every operation in it is a route', async (t) => {
  const app = await build(t);
  await app.ready();
  const served = app.routeList
    .filter((r) => r.method !== 'HEAD' && !isDocsRoute(r.url))
    .map((r) => `${r.method} ${openapiPath(r.url)}`);
  t.same([...new Set(served)].sort(), documentedOperations().sort());
});

t.test('every operation documents its errors, and every response has an example that matches its schema', async (t) => {
  for (const [method, path, op] of operations()) {
    const keyed = op.security === undefined;
    // Every route but health and the dashboard's files may write: the first request of a new key creates its instance.
    const writes = path !== '/_emulator/health' && !path.startsWith('/_emulator/ui');
    const expected = [
      '400',
      '403',
      '414',
      '500',
      ...(keyed ? ['401'] : []),
      ...(keyed && method !== 'GET' ? ['413'] : []),
      ...(writes ? ['503'] : []),
    ];
    t.same(
      expected.filter((s) => !(s in op.responses)),
      [],
      `${method} ${path} documents ${expected.join(', ')}`,
    );
    for (const [status, ref] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(resolve(ref).content ?? {})) {
        const examples =
          media.example !== undefined
            ? [media.example]
            : Object.values(media.examples ?? {}).map((e) => resolve(e as never)['value']);
        t.ok(examples.length > 0, `${method} ${path} ${status} ${type} has an example`);
        const check = validatorFor(`example ${method} ${path} ${status} ${type}`, media.schema);
        for (const example of examples)
          t.ok(check(example), `${method} ${path} ${status} example: ${JSON.stringify(check.errors)}`);
      }
    }
    for (const media of Object.values(op.requestBody?.content ?? {})) {
      const check = validatorFor(`request ${method} ${path}`, media.schema);
      const examples =
        media.example !== undefined
          ? [media.example]
          : Object.values(media.examples ?? {}).map((e) => (e as { value: unknown }).value);
      t.ok(
        examples.length > 0 && examples.every((e) => check(e)),
        `${method} ${path} request example: ${JSON.stringify(check.errors)}`,
      );
    }
  }
});

t.test('the document is served as JSON, YAML and a docs page without a key, naming this server', async (t) => {
  const app = await build(t, { publicUrl: 'http://emulator.test:9000' });
  const served = { ...openapi, servers: [{ url: 'http://emulator.test:9000', description: 'This emulator.' }] };
  const headers = { host: 'emulator.test:9000' };

  const json = await call(app, { method: 'GET', url: '/openapi.json', key: null, headers });
  t.same(
    { status: json.status, type: json.type, body: json.body },
    { status: 200, type: 'application/json', body: served },
  );
  const text = await call(app, { method: 'GET', url: '/openapi.yaml', key: null, headers });
  t.same(
    { status: text.status, type: text.type, body: yaml.parse(text.body as string) },
    { status: 200, type: 'application/yaml', body: served },
  );
  const uiJson = await call(app, { method: 'GET', url: '/docs/json', key: null, headers });
  t.same(
    { status: uiJson.status, type: uiJson.type, body: uiJson.body },
    { status: 200, type: 'application/json', body: served },
  );

  const page = await call(app, { method: 'GET', url: '/docs', key: null });
  t.same({ status: page.status, type: page.type }, { status: 200, type: 'text/html; charset=utf-8' });
  t.match(page.body, /<title>clerk-invitations-mock API<\/title>/);
  const bundle = await call(app, { method: 'GET', url: '/docs/static/swagger-ui-bundle.js', key: null });
  t.equal(bundle.status, 200, 'the UI is served from the package, not a CDN');
  t.notMatch(page.body, /https?:\/\/(?!localhost)/, 'the page loads nothing from elsewhere');
});

t.test('a server on port 0 names its real port in the served document', async (t) => {
  const server = await serve(t);
  const port = (server.app.server.address() as { port: number }).port;
  const r = await fetch(`http://localhost:${port}/openapi.json`);
  t.same(((await r.json()) as { servers: unknown }).servers, [
    { url: `http://localhost:${port}`, description: 'This emulator.' },
  ]);
});

t.test(
  'every keyed operation answers 401 without a key and 400 to a bad Clerk-API-Version, as documented',
  async (t) => {
    const app = await build(t);
    for (const [method, path] of operations().filter(([, , op]) => op.security === undefined)) {
      const url = urlOf(path);
      const missing = await call(app, { method: method as 'GET', url, key: null });
      t.equal(missing.status, 401, `${method} ${path} without a key`);
      const wrong = await call(app, { method: method as 'GET', url, key: 'pk_test_not_a_secret_key' });
      t.equal(wrong.status, 401, `${method} ${path} with a bad key`);
      const version = await call(app, { method: method as 'GET', url, headers: { 'clerk-api-version': 'v2' } });
      t.same(
        [version.status, (version.body as { errors: { code: string }[] }).errors[0]?.code],
        [400, 'api_version_invalid'],
        `${method} ${path}`,
      );
    }
  },
);

t.test(
  'every operation answers 414 to a URL over 8 KiB and 400 to over 100 query parameters, as documented',
  async (t) => {
    const app = await build(t);
    const code = (r: { body: unknown }) => (r.body as { errors: { code: string }[] }).errors[0]?.code;
    for (const [method, path] of operations()) {
      const long = await call(app, { method: method as 'GET', url: `${urlOf(path)}?q=${'a'.repeat(8192)}` });
      t.same(
        [long.status, long.type, code(long)],
        [414, 'application/json', 'request_url_too_long'],
        `${method} ${path} long URL`,
      );
      const many = await call(app, { method: method as 'GET', url: `${urlOf(path)}?${'p=1&'.repeat(101)}` });
      t.same(
        [many.status, many.type, code(many)],
        [400, 'application/json', 'too_many_query_parameters'],
        `${method} ${path} many parameters`,
      );
    }
  },
);

t.test('the documented limits hold: 413, 422 for deep or large metadata, 405 with Allow, 404', async (t) => {
  const app = await build(t);
  const code = (r: { body: unknown }) => (r.body as { errors: { code: string }[] }).errors[0]?.code;
  const big = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com', public_metadata: { x: 'y'.repeat(1024 * 1024) } },
  });
  t.same([big.status, code(big)], [413, 'request_body_too_large']);
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 11; i++) deep = { d: deep };
  const tooDeep = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com', public_metadata: deep },
  });
  t.same([tooDeep.status, code(tooDeep)], [422, 'form_param_value_invalid']);
  const large = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'a@example.com', public_metadata: { x: 'y'.repeat(8192) } },
  });
  t.same([large.status, code(large)], [422, 'form_param_value_invalid']);
  const put = await call(app, { method: 'PUT', url: '/v1/invitations' });
  t.same([put.status, code(put)], [405, 'method_not_allowed']);
  t.match(put.headers['allow'], /\bPOST\b/);
  const unknown = await call(app, { method: 'GET', url: '/v1/nothing-here' });
  t.same([unknown.status, code(unknown)], [404, 'resource_not_found']);
  const anonymous = await call(app, { method: 'GET', url: '/v1/nothing-here', key: null });
  t.same([anonymous.status, code(anonymous)], [401, 'authorization_header_format_invalid']);
});

t.test('the response check rejects what openapi.yaml does not say', async (t) => {
  const json = { 'content-type': 'application/json' };
  const ok = JSON.stringify({ object: 'invitation', id: 'inv_2qVZ3gaDk0BXr4fTeH1kXyWcQvN', deleted: true });
  const del = { method: 'DELETE', route: '/v1/invitations/:invitation_id', status: 200, headers: json, body: ok };
  t.same(responseProblems(del), []);
  t.match(responseProblems({ ...del, body: ok.replace('}', ',"extra":1}') }), [/must NOT have additional properties/]);
  t.match(responseProblems({ ...del, status: 201 }), [/answered 201, which openapi.yaml does not document/]);
  t.match(responseProblems({ ...del, headers: { 'content-type': 'application/json; charset=utf-8' } }), [
    /Content-Type/,
  ]);
  t.match(responseProblems({ ...del, method: 'PATCH' }), [/not an operation/]);
  t.match(
    responseProblems({
      method: 'PUT',
      route: undefined,
      status: 405,
      headers: json,
      body: '{"errors":[],"clerk_trace_id":"x"}',
    }),
    [/no Allow header/, /body/],
  );
});

t.test('build(t) checks every response against openapi.yaml and fails the test on a mismatch', async (t) => {
  const app = await buildApp(defaultConfig({ logLevel: 'silent' }));
  t.teardown(() => app.close());
  const failures: string[] = [];
  checkAgainstOpenapi({ fail: (message: string) => failures.push(message) } as never, app);
  app.get('/_emulator/undocumented', async () => ({ status: 'ok' }));
  await call(app, { method: 'GET', url: '/_emulator/health' });
  t.same(failures, []);
  await call(app, { method: 'GET', url: '/_emulator/undocumented' });
  t.same(failures, ['openapi.yaml: GET /_emulator/undocumented is not an operation in openapi.yaml']);
});

t.test(
  'answers that skip every hook (frameworkErrors) are checked too, injected or on a listening server',
  async (t) => {
    const app = await buildApp(defaultConfig({ logLevel: 'silent' }), {
      frameworkErrors: (_err, _request, reply) =>
        void (reply as unknown as FastifyReply)
          .code(418)
          .header('content-type', 'text/plain')
          .send(Buffer.from('teapot')),
    });
    t.teardown(() => app.close());
    const failures: string[] = [];
    checkAgainstOpenapi({ fail: (message: string) => failures.push(message) }, app);
    app.get('/_emulator/undocumented', async () => ({ status: 'ok' }));
    const undocumented = 'openapi.yaml: DELETE (no route) answered 418, which openapi.yaml does not document for it';
    await call(app, { method: 'DELETE', url: `/v1/invitations/${'a'.repeat(150)}` });
    t.same(failures, [undocumented], 'injected');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/v1/invitations/${'a'.repeat(150)}`, { method: 'DELETE' });
    t.same([res.status, await res.text()], [418, 'teapot']);
    t.same(failures, [undocumented, undocumented], 'listening');
    await fetch(`http://127.0.0.1:${port}/_emulator/undocumented`);
    t.same(
      failures.slice(2),
      ['openapi.yaml: GET /_emulator/undocumented is not an operation in openapi.yaml'],
      'what the hooks saw is checked once',
    );
  },
);
