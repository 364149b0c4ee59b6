import { createClerkClient } from '@clerk/backend';
import t from 'tap';
import { buildApp, ConfigError, defaultConfig, startEmulator } from '../src/index.js';

t.test('startEmulator serves @clerk/backend on a free port with a fresh key', async (t) => {
  const emulator = await startEmulator();
  t.teardown(() => emulator.close());
  t.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.match(emulator.secretKey, /^sk_test_[0-9a-f]{32}$/);

  const clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
  const created = await clerk.invitations.createInvitation({
    emailAddress: 'ada@example.com',
    publicMetadata: { role: 'admin' },
  });
  t.equal(created.emailAddress, 'ada@example.com');
  t.equal(created.status, 'pending');
  t.same(created.publicMetadata, { role: 'admin' });
  const port = new URL(emulator.url).port;
  t.match(created.url, new RegExp(`^http://localhost:${port}/v1/tickets/accept\\?ticket=`));
  const listed = await clerk.invitations.getInvitationList();
  t.same({ ids: listed.data.map((i) => i.id), total: listed.totalCount }, { ids: [created.id], total: 1 });

  t.same(await emulator.reset(), {
    object: 'reset',
    invitations: 1,
    users: 0,
    emails: 1,
    clock_reset: false,
    webhook_endpoints: 0,
    webhook_messages: 0,
  });
  t.same((await clerk.invitations.getInvitationList()).totalCount, 0, 'reset emptied the instance');
});

t.test('two emulators are independent, and a given key in locked mode is the one handed back', async (t) => {
  const a = await startEmulator({ secretKeys: ['sk_test_alpha', 'sk_test_beta'] });
  t.teardown(() => a.close());
  const b = await startEmulator({ secretKey: 'sk_live_own' });
  t.teardown(() => b.close());
  t.not(a.url, b.url);
  t.equal(a.secretKey, 'sk_test_alpha');
  t.equal(b.secretKey, 'sk_live_own');
  const other = await fetch(`${a.url}/v1/invitations`, { headers: { authorization: 'Bearer sk_test_gamma' } });
  t.equal(other.status, 401, 'locked mode refuses keys not configured');
});

t.test('startEmulator refuses a malformed key or one outside the locked list', async (t) => {
  await t.rejects(
    startEmulator({ secretKey: 'pk_test_x' }),
    new ConfigError('secretKey: must be a key of the form sk_test_… or sk_live_…'),
  );
  await t.rejects(
    startEmulator({ secretKey: 'sk_test_x', secretKeys: ['sk_test_y'] }),
    new ConfigError('secretKey: must be one of secretKeys when secretKeys is set (locked mode)'),
  );
});

t.test('buildApp from the package entry answers inject without listening', async (t) => {
  const app = await buildApp(defaultConfig());
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.same(
    { status: res.statusCode, type: res.headers['content-type'], body: res.json() },
    { status: 200, type: 'application/json', body: { status: 'ok' } },
  );
  t.equal(app.server.listening, false);
});
