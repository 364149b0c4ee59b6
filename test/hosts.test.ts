import { connect } from 'node:net';
import t from 'tap';
import { hostName, parseHost } from '../src/http/hosts.js';
import { build, call, clerkError, invite, serve } from './helper.js';

const refused = (name: string) => ({
  message: 'Host not allowed',
  long_message: `Requests for host ${name} are not allowed, a guard against DNS rebinding. To serve them, add ${name} to ALLOWED_HOSTS (or --allowed-host).`,
  code: 'host_not_allowed',
});

const health = (app: Awaited<ReturnType<typeof build>>, host: string) =>
  call(app, { method: 'GET', url: '/_emulator/health', key: null, headers: { host } });

t.test('a foreign Host gets 403 host_not_allowed on every kind of route, before anything else', async (t) => {
  const app = await build(t);
  const { url } = await invite(app, { email_address: 'ada@example.com' });
  const ticketPath = new URL(url).pathname + new URL(url).search;
  const host = { host: 'rebind.attacker.test:4010' };
  const requests = [
    { method: 'POST', url: '/v1/invitations', payload: { email_address: 'eve@example.com' } },
    { method: 'GET', url: '/v1/invitations' },
    { method: 'GET', url: '/v1/invitations', key: null },
    { method: 'GET', url: '/v1/invitations', key: 'pk_test_not_a_key' },
    { method: 'POST', url: '/_emulator/reset' },
    { method: 'GET', url: '/_emulator/health', key: null },
    { method: 'GET', url: ticketPath, key: null },
    { method: 'GET', url: '/docs', key: null },
    { method: 'GET', url: '/docs/json', key: null },
    { method: 'GET', url: '/docs/static/swagger-ui-bundle.js', key: null },
    { method: 'GET', url: '/openapi.json', key: null },
    { method: 'GET', url: '/nothing-here', key: null },
    { method: 'PUT', url: '/v1/invitations' },
    { method: 'GET', url: `/v1/invitations?q=${'a'.repeat(9000)}` },
    // Answered by frameworkErrors (a path parameter over Fastify's limit), which skips every hook.
    { method: 'DELETE', url: `/v1/invitations/${'a'.repeat(150)}` },
  ] as const;
  for (const request of requests) {
    const r = await call(app, { ...request, headers: host });
    t.test(`${request.method} ${request.url.slice(0, 40)}`, async (t) =>
      clerkError(t, r, 403, refused('rebind.attacker.test')),
    );
  }
  const invitations = await call(app, { method: 'GET', url: '/v1/invitations?paginated=true' });
  t.same(
    (invitations.body as { data: { email_address: string; status: string }[] }).data.map((i) => [
      i.email_address,
      i.status,
    ]),
    [['ada@example.com', 'pending']],
    'nothing was created, reset or accepted',
  );
});

t.test('a refused Host creates no instance for a new key', async (t) => {
  const app = await build(t);
  const count = () => (app.db.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n;
  const before = count();
  const r = await call(app, {
    method: 'GET',
    url: '/v1/invitations',
    key: 'sk_test_brand_new',
    headers: { host: 'evil.test' },
  });
  t.equal(r.status, 403);
  t.equal(count(), before);
});

t.test('loopback names and addresses pass, in every spelling, with or without a port', async (t) => {
  const app = await build(t);
  for (const host of [
    'localhost',
    'localhost:4010',
    'LOCALHOST:4010',
    'localhost.:4010',
    'app.localhost:3000',
    'a.b.localhost',
    '127.0.0.1',
    '127.0.0.1:4010',
    '127.255.3.4:1',
    '2130706433:4010',
    '[::1]',
    '[::1]:4010',
    '[0:0:0:0:0:0:0:1]:4010',
  ]) {
    const r = await health(app, host);
    t.same({ status: r.status, body: r.body }, { status: 200, body: { status: 'ok' } }, host);
  }
});

t.test('names that only look like loopback are refused', async (t) => {
  const app = await build(t);
  for (const [host, name] of [
    ['evil.test', 'evil.test'],
    ['127.0.0.1.evil.test:4010', '127.0.0.1.evil.test'],
    ['127.evil.test', '127.evil.test'],
    ['localhost.evil.test', 'localhost.evil.test'],
    ['evillocalhost:4010', 'evillocalhost'],
    ['128.0.0.1', '128.0.0.1'],
    ['10.0.0.1:4010', '10.0.0.1'],
    ['0.0.0.0:4010', '0.0.0.0'],
    ['[::2]:4010', '[::2]'],
    ['[::ffff:7f00:1]', '[::ffff:7f00:1]'],
    ['EVIL.Test', 'evil.test'],
  ]) {
    const r = await health(app, host as string);
    t.test(host as string, async (t) => clerkError(t, r, 403, refused(name as string)));
  }
});

t.test('a Host that is not a host name is refused, and says so', async (t) => {
  const app = await build(t);
  for (const host of ['localhost@evil.test', 'evil.test/x', 'localhost:4010:1', 'localhost:99999', 'a b', '[::1']) {
    const r = await health(app, host);
    t.test(host, async (t) =>
      clerkError(t, r, 403, {
        message: 'Host not allowed',
        long_message: `The Host header "${host}" is not a valid host name.`,
        code: 'host_not_allowed',
      }),
    );
  }
});

t.test('the PUBLIC_URL host passes, on any port, and only it', async (t) => {
  const app = await build(t, { publicUrl: 'https://Invites.Example.com/mock' });
  for (const host of ['invites.example.com', 'INVITES.example.com:443', 'invites.example.com:4010']) {
    t.equal((await health(app, host)).status, 200, host);
  }
  clerkError(t, await health(app, 'other.example.com'), 403, refused('other.example.com'));
});

t.test('ALLOWED_HOSTS names pass: a compose service reached by its name', async (t) => {
  const app = await build(t, { allowedHosts: ['clerk', 'Mock.Internal.', '192.168.1.20', '::2'] });
  for (const host of ['clerk:4010', 'CLERK', 'mock.internal', '192.168.1.20:4010', '[::2]:4010', 'localhost']) {
    t.equal((await health(app, host)).status, 200, host);
  }
  const created = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'ada@example.com' },
    headers: { host: 'clerk:4010' },
  });
  t.equal(created.status, 200, 'the API answers the service name');
  clerkError(t, await health(app, 'clerk2:4010'), 403, refused('clerk2'));
});

t.test('the address the server listens on passes, so the banner links work', async (t) => {
  const app = await build(t, { host: '10.1.2.3' });
  t.equal((await health(app, '10.1.2.3:4010')).status, 200);
  clerkError(t, await health(app, '10.1.2.4:4010'), 403, refused('10.1.2.4'));
  const all = await build(t, { host: '0.0.0.0' });
  clerkError(t, await health(all, '0.0.0.0:4010'), 403, refused('0.0.0.0'));
});

t.test('a request without a Host header (HTTP/1.0) passes: no browser sends one', async (t) => {
  const server = await serve(t);
  const { port } = server.app.server.address() as { port: number };
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /_emulator/health HTTP/1.0\r\n\r\n'));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  const [head, body] = raw.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 200 OK\r\n/);
  t.match(head, /\r\ncontent-type: application\/json\r\n/i);
  t.equal(body, '{"status":"ok"}');
});

t.test('an invitation link opened through an allowed name works end to end', async (t) => {
  const app = await build(t, { publicUrl: 'http://invites.test:8080' });
  const { url } = await invite(app, { email_address: 'ada@example.com' });
  const link = new URL(url);
  t.equal(link.host, 'invites.test:8080');
  const r = await call(app, {
    method: 'GET',
    url: link.pathname + link.search,
    key: null,
    headers: { host: link.host },
  });
  t.same({ status: r.status, type: r.type }, { status: 200, type: 'text/html; charset=utf-8' });
  const list = await call(app, { method: 'GET', url: '/v1/invitations', headers: { host: link.host } });
  t.same(
    (list.body as { status: string }[]).map((i) => i.status),
    ['accepted'],
  );
});

t.test('hostName and parseHost give one canonical form, or nothing', async (t) => {
  t.equal(hostName('Clerk'), 'clerk');
  t.equal(hostName('clerk.'), 'clerk');
  t.equal(hostName('::1'), '[::1]');
  t.equal(hostName('[0::1]'), '[::1]');
  t.equal(hostName('0x7f.1'), '127.0.0.1');
  for (const bad of ['', '.', 'clerk:4010', 'a b', 'http://clerk', 'clerk/x', '1.2.3.4.5', '[::1']) {
    t.equal(hostName(bad), undefined, JSON.stringify(bad));
  }
  t.same(parseHost('Localhost:4010'), { name: 'localhost', port: '4010' });
  t.same(parseHost('[::1]'), { name: '[::1]', port: '' });
  t.equal(parseHost('localhost:'), undefined);
});
