import { createRequire } from 'node:module';
import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';

const loadedFrom = (pattern: RegExp): string[] =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) => pattern.test(path));
// Fastify's own error serializer is a small file of fast-json-stringify, loaded anyway; the compilers pull in ajv.
const FASTIFY_DEFAULT_COMPILERS = /node_modules\/(ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//;

// First in this file: the next test loads the default serializer into this process.
t.test("building and starting the app loads neither of Fastify's default compilers nor ajv", async (t) => {
  const app = await buildApp(defaultConfig());
  t.teardown(() => app.close());
  await app.ready();
  const res = await app.inject({
    method: 'GET',
    url: '/v1/invitations',
    headers: { authorization: 'Bearer sk_test_x' },
  });
  t.equal(res.statusCode, 200);
  t.same(loadedFrom(FASTIFY_DEFAULT_COMPILERS), []);
});

t.test("a route added with a response schema is serialized by Fastify's default serializer", async (t) => {
  const app = await buildApp(defaultConfig());
  t.teardown(() => app.close());
  app.get(
    '/extra',
    { schema: { response: { 200: { type: 'object', properties: { kept: { type: 'string' } } } } } },
    async () => ({ kept: 'yes', dropped: 'not in the schema' }),
  );
  const res = await app.inject({ method: 'GET', url: '/extra', headers: { authorization: 'Bearer sk_test_x' } });
  t.same(
    { status: res.statusCode, type: res.headers['content-type'], body: res.body },
    { status: 200, type: 'application/json', body: '{"kept":"yes"}' },
  );
  t.not(loadedFrom(FASTIFY_DEFAULT_COMPILERS), []);
});
