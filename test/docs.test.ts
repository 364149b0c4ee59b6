import t from 'tap';
import yaml from 'yaml';
import { build, call, clerkError, serve } from './helper.js';

const NOT_FOUND = {
  message: 'not found',
  long_message: 'The requested resource was not found.',
  code: 'resource_not_found',
};

t.test('/docs, /openapi.json and /openapi.yaml name the origin the request was sent to', async (t) => {
  const app = await build(t, { publicUrl: 'https://invites.example.com/mock', allowedHosts: ['clerk'] });
  const servers = async (url: string, host: string): Promise<unknown> => {
    const r = await call(app, { method: 'GET', url, key: null, headers: { host } });
    t.equal(r.status, 200, `${url} from ${host}`);
    return (typeof r.body === 'string' ? yaml.parse(r.body) : r.body).servers;
  };
  for (const url of ['/openapi.json', '/openapi.yaml', '/docs/json']) {
    for (const [host, origin] of [
      ['127.0.0.1:4010', 'http://127.0.0.1:4010'],
      ['LocalHost:4011', 'http://localhost:4011'],
      ['[::1]:4010', 'http://[::1]:4010'],
      ['clerk:4010', 'http://clerk:4010'],
      ['invites.example.com:4010', 'http://invites.example.com:4010'],
      // The PUBLIC_URL host and port: PUBLIC_URL itself, with the scheme and path the proxy in front adds.
      ['invites.example.com', 'https://invites.example.com/mock'],
    ]) {
      t.same(await servers(url, host as string), [{ url: origin, description: 'This emulator.' }], `${url} ${host}`);
    }
  }
});

t.test('a listening server names the origin each client used: the banner link and localhost', async (t) => {
  const server = await serve(t);
  const { port } = server.app.server.address() as { port: number };
  t.equal(server.url, `http://127.0.0.1:${port}`);
  for (const base of [server.url, `http://localhost:${port}`]) {
    const res = await fetch(`${base}/openapi.json`);
    t.same(((await res.json()) as { servers: unknown }).servers, [{ url: base, description: 'This emulator.' }]);
  }
});

t.test("swagger-ui's own index.html redirects to the page, as typed HTML", async (t) => {
  const app = await build(t);
  for (const url of ['/docs/static/index.html', '/docs/static/index.html?x=1', '/docs/static/']) {
    for (const method of ['GET', 'HEAD'] as const) {
      const r = await call(app, { method, url, key: null });
      t.same(
        { status: r.status, type: r.type, location: r.headers['location'], body: r.body },
        {
          status: 302,
          type: 'text/html; charset=utf-8',
          location: '../',
          body: method === 'HEAD' ? '' : '<!doctype html><title>Moved</title><a href="../">The API reference</a>\n',
        },
        `${method} ${url}`,
      );
    }
  }
});

t.test('a revalidated static file answers 304 with no body and no type', async (t) => {
  const app = await build(t);
  const first = await call(app, { method: 'GET', url: '/docs/static/swagger-ui.css', key: null });
  t.same({ status: first.status, type: first.type }, { status: 200, type: 'text/css; charset=utf-8' });
  for (const headers of [
    { 'if-none-match': String(first.headers['etag']) },
    { 'if-modified-since': String(first.headers['last-modified']) },
  ]) {
    const again = await call(app, { method: 'GET', url: '/docs/static/swagger-ui.css', key: null, headers });
    t.same({ status: again.status, type: again.type, body: again.body }, { status: 304, type: undefined, body: '' });
  }
});

t.test('a Range header is ignored: the whole file, never a 416 outside the envelope', async (t) => {
  const app = await build(t);
  const whole = await call(app, { method: 'GET', url: '/docs/static/index.css', key: null });
  for (const range of ['bytes=99999999-', 'bytes=0-9', 'nonsense']) {
    const r = await call(app, { method: 'GET', url: '/docs/static/index.css', key: null, headers: { range } });
    t.same(
      { status: r.status, type: r.type, body: r.body },
      { status: 200, type: 'text/css; charset=utf-8', body: whole.body },
      range,
    );
  }
});

t.test('an unknown or unnameable file under /docs answers 404 in the envelope', async (t) => {
  const app = await build(t);
  for (const url of [
    '/docs/static/nope.js',
    '/docs/static/../../package.json',
    '/docs/package.json',
    '/docs/x/y',
    '/docs/static/%00',
    '/docs/static/swagger-ui.css%00',
  ]) {
    const r = await call(app, { method: 'GET', url, key: null });
    t.test(url, async (t) => clerkError(t, r, 404, NOT_FOUND));
  }
});
