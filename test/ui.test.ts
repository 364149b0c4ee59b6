import { readdirSync, readFileSync, statSync } from 'node:fs';
import Fastify from 'fastify';
import t from 'tap';
import uiRoutes, { UI_CSP, UI_DIR } from '../src/emulator/ui-routes.js';
import replies from '../src/http/replies.js';
import { build, call, clerkError } from './helper.js';

// These tests read the built dashboard (dist/ui), as `npm test` builds it before running tap.
const NOT_FOUND = {
  message: 'not found',
  long_message: 'The requested resource was not found.',
  code: 'resource_not_found',
};
const SECURITY = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const built = readdirSync(UI_DIR);
const fileOf = (ext: string): string => {
  const name = built.find((n) => n.endsWith(ext));
  if (name === undefined) throw new Error(`no ${ext} in ${UI_DIR}: run npm run build`);
  return name;
};
const JS = fileOf('.js');
const CSS = fileOf('.css');
const ICON = fileOf('.svg');

const pick = (headers: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, headers[n]]));

t.test(
  'the page loads without a key, typed HTML under a CSP of its own origin, revalidated on each load',
  async (t) => {
    const app = await build(t);
    const r = await call(app, { method: 'GET', url: '/_emulator/ui', key: null });
    t.same(
      {
        status: r.status,
        type: r.type,
        ...pick(r.headers, [...Object.keys(SECURITY), 'cache-control', 'access-control-allow-origin']),
        body: r.body,
      },
      {
        status: 200,
        type: 'text/html; charset=utf-8',
        ...SECURITY,
        'cache-control': 'no-cache',
        'access-control-allow-origin': undefined,
        body: readFileSync(`${UI_DIR}index.html`, 'utf8'),
      },
    );
    const html = r.body as string;
    t.match(html, '<title>Dashboard · clerk-invitations-mock</title>');
    t.match(html, `<script type="module" src="ui/${JS}"></script>`);
    t.match(html, `<link rel="stylesheet" href="ui/${CSS}">`);
    t.match(html, `<link rel="icon" href="ui/${ICON}" type="image/svg+xml">`);
    t.match(html, '<input id="key" name="key" type="password"');
    // The CSP allows no inline code: every script has a src, and no style is inline.
    t.same(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g), null, 'no inline script');
    t.same(html.match(/<style|\sstyle=|\son[a-z]+=/gi), null, 'no inline style or handler');
    t.notMatch(html, /https?:\/\//, 'nothing from another origin');
    t.match(r.headers['etag'], /^"[A-Za-z0-9_-]{22}"$/);
  },
);

t.test(
  'the script and style sheet are served typed and cached for good (their names hash their content)',
  async (t) => {
    const app = await build(t);
    for (const [name, type] of [
      [JS, 'text/javascript; charset=utf-8'],
      [CSS, 'text/css; charset=utf-8'],
    ] as const) {
      const r = await call(app, { method: 'GET', url: `/_emulator/ui/${name}`, key: null });
      t.same(
        {
          status: r.status,
          type: r.type,
          ...pick(r.headers, [...Object.keys(SECURITY), 'cache-control']),
          body: r.body,
        },
        {
          status: 200,
          type,
          ...SECURITY,
          'cache-control': 'public, max-age=31536000, immutable',
          body: readFileSync(`${UI_DIR}${name}`, 'utf8'),
        },
        name,
      );
    }
  },
);

t.test('a revalidated page or file answers 304 with no body', async (t) => {
  const app = await build(t);
  for (const url of ['/_emulator/ui', `/_emulator/ui/${JS}`]) {
    const first = await call(app, { method: 'GET', url, key: null });
    const headers = { 'if-none-match': String(first.headers['etag']) };
    const again = await call(app, { method: 'GET', url, key: null, headers });
    t.same(
      { status: again.status, type: again.type, body: again.body, etag: again.headers['etag'] },
      { status: 304, type: undefined, body: '', etag: first.headers['etag'] },
      url,
    );
    const stale = await call(app, { method: 'GET', url, key: null, headers: { 'if-none-match': '"other"' } });
    t.equal(stale.status, 200, `${url} with another ETag`);
  }
});

t.test('any other name under /_emulator/ui answers 404 in the envelope, without a key', async (t) => {
  const app = await build(t);
  for (const url of [
    '/_emulator/ui/index.html',
    '/_emulator/ui/app.js',
    '/_emulator/ui/..%2Fcli.js',
    '/_emulator/ui/',
  ]) {
    const r = await call(app, { method: 'GET', url, key: null });
    t.test(url, async (t) => clerkError(t, r, 404, NOT_FOUND));
  }
});

t.test('a file of another kind in the folder is never served', async (t) => {
  const dir = t.testdir({ 'index.html': '<!doctype html><title>x</title>', 'main-A1.js': 'x', 'main-A1.js.map': '{}' });
  const app = Fastify({ logger: false });
  t.teardown(() => app.close());
  await app.register(replies);
  await app.register(uiRoutes, { dir: `${dir}/` });
  const served = await app.inject({ method: 'GET', url: '/_emulator/ui/main-A1.js' });
  const map = await app.inject({ method: 'GET', url: '/_emulator/ui/main-A1.js.map' });
  t.same(
    [served.statusCode, served.headers['content-type'], map.statusCode, map.json().errors[0].code],
    [200, 'text/javascript; charset=utf-8', 404, 'resource_not_found'],
  );
});

t.test('a dashboard that was never built answers 500 in the envelope, and says so in the log', async (t) => {
  const app = Fastify({ logger: false });
  t.teardown(() => app.close());
  await app.register(replies);
  await app.register(uiRoutes, { dir: '/nonexistent/ui/' });
  const r = await app.inject({ method: 'GET', url: '/_emulator/ui' });
  t.same(
    { status: r.statusCode, type: r.headers['content-type'], errors: r.json().errors },
    {
      status: 500,
      type: 'application/json',
      errors: [
        {
          message: 'Oops, an unexpected error occurred',
          long_message: "There was an internal error on our servers. We've been notified and are working on fixing it.",
          code: 'internal_clerk_error',
        },
      ],
    },
  );
});

t.test('the built dashboard (page, script, style, icon) weighs under 100 KB in all', async (t) => {
  const total = built.reduce((sum, name) => sum + statSync(`${UI_DIR}${name}`).size, 0);
  t.same(built.sort(), ['index.html', JS, CSS, ICON].sort(), 'nothing else is built');
  t.ok(total < 100 * 1024, `${total} bytes`);
});

t.test('/_emulator routes send no CORS headers, so no other origin can read them', async (t) => {
  const app = await build(t);
  const origin = { origin: 'https://evil.example' };
  const preflight = await call(app, {
    method: 'OPTIONS',
    url: '/_emulator/invitations',
    key: null,
    headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  const get = await call(app, { method: 'GET', url: '/_emulator/invitations', headers: origin });
  const page = await call(app, { method: 'GET', url: '/_emulator/ui', key: null, headers: origin });
  for (const [name, r] of Object.entries({ preflight, get, page })) {
    t.same(
      Object.keys(r.headers).filter((h) => h.startsWith('access-control-')),
      [],
      `${name} answered ${r.status} without access-control headers`,
    );
  }
  // A preflight carries no key: refused as any keyless request to a keyed path, never allowed.
  t.equal(preflight.status, 401, 'a preflight is refused');
});
