// Webhook messages live in SQLite: they resume after a restart, and processes sharing one file never send
// the same attempt twice.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { build, call, invite } from './helper.js';
import { checkDelivery, receiver } from './webhook-receiver.js';

async function messages(app: FastifyInstance): Promise<Record<string, any>[]> {
  return ((await call(app, { method: 'GET', url: '/_emulator/webhooks/messages?limit=500' })).body as { data: any[] })
    .data;
}

async function until(app: FastifyInstance, ok: (m: Record<string, any>[]) => boolean, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const found = await messages(app);
    if (ok(found)) return found;
    if (Date.now() > end) throw new Error(`not reached after ${ms} ms: ${JSON.stringify(found).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('a pending retry resumes after a restart, with the same svix-id', async (t) => {
  const databasePath = join(t.testdir(), 'hooks.db');
  const hook = await receiver(t, [500, 204]);
  const first = await buildApp(defaultConfig({ databasePath }));
  const ep = (await call(first, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: hook.url } }))
    .body as { secret: string };
  await invite(first, { email_address: 'later@example.com' });
  await hook.waitFor(1);
  await until(first, (m) => m[0]?.['attempts'].length === 1);
  await first.close();

  const second = await build(t, { databasePath });
  await call(second, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 5000 } });
  const [a, b] = await hook.waitFor(2);
  await checkDelivery(t, b!, ep.secret);
  t.equal(a!.headers['svix-id'], b!.headers['svix-id']);
  const [msg] = await until(second, (m) => m[0]?.['status'] === 'delivered');
  t.same(
    msg!['attempts'].map((x: Record<string, unknown>) => x['status_code']),
    [500, 204],
  );
});

t.test('an attempt in flight when the server stops is given back and sent by the next start', async (t) => {
  const databasePath = join(t.testdir(), 'hooks.db');
  const hook = await receiver(t, ['hang', 204]);
  const first = await buildApp(defaultConfig({ databasePath }));
  await call(first, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: hook.url } });
  await invite(first, { email_address: 'inflight@example.com' });
  await hook.waitFor(1);
  const started = Date.now();
  await first.close();
  t.ok(Date.now() - started < 2000, 'closing does not wait for the hanging endpoint');

  const second = await build(t, { databasePath });
  const [a, b] = await hook.waitFor(2, 3000);
  t.equal(a!.headers['svix-id'], b!.headers['svix-id']);
  const [msg] = await until(second, (m) => m[0]?.['status'] === 'delivered');
  t.equal(msg!['attempts'].length, 1, 'the abandoned attempt is not counted');
});

t.test('two processes on one file: a claimed message is not claimed again until its lease ends', async (t) => {
  const databasePath = join(t.testdir(), 'shared.db');
  const one = await build(t, { databasePath });
  const two = await build(t, { databasePath });
  await one.webhooks.worker.stop();
  await two.webhooks.worker.stop();
  await call(one, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: 'http://127.0.0.1:9/x' } });
  await invite(one, { email_address: 'lease@example.com' });
  const now = Date.now();
  const claimed = one.webhooks.messages.claim(now, 10);
  t.equal(claimed.length, 1);
  t.same(two.webhooks.messages.claim(now, 10), [], 'the other process gets nothing');
  t.same(two.webhooks.messages.claim(now + 29_999, 10), [], 'nor before the lease ends');
  t.equal(two.webhooks.messages.claim(now + 30_000, 10).length, 1, 'a dead holder: taken over after 30 s');
});

t.test('two processes on one file send every message once', async (t) => {
  const databasePath = join(t.testdir(), 'shared.db');
  const hook = await receiver(t);
  const one = await build(t, { databasePath });
  const two = await build(t, { databasePath });
  await call(one, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: hook.url } });
  const body = (n: number) => Array.from({ length: 10 }, (_, i) => ({ email_address: `p${n}-${i}@example.com` }));
  await Promise.all(
    [0, 1, 2, 3].map((n) => call(n % 2 ? two : one, { method: 'POST', url: '/v1/invitations/bulk', payload: body(n) })),
  );
  one.webhooks.worker.wake();
  two.webhooks.worker.wake();
  const got = await hook.waitFor(40);
  await until(one, (m) => m.length === 40 && m.every((x) => x['status'] === 'delivered'));
  await new Promise((r) => setTimeout(r, 200));
  t.equal(hook.deliveries.length, 40, 'no more than one each');
  t.equal(new Set(got.map((d) => d.headers['svix-id'])).size, 40, 'every svix-id once');
});

t.test('the delivery log keeps the newest finished messages and every pending one', async (t) => {
  const app = await build(t);
  const hook = await receiver(t);
  const { MAX_FINISHED } = await import('../src/emulator/webhooks-messages.js');
  t.equal(MAX_FINISHED, 100_000);
  // The worker prunes on its own every pruneEvery recorded attempts, keeping MAX_FINISHED.
  app.webhooks.worker.pruneEvery = 3;
  const keeps: (number | undefined)[] = [];
  const prune = app.webhooks.messages.prune.bind(app.webhooks.messages);
  app.webhooks.messages.prune = (keep?: number) => {
    keeps.push(keep);
    return prune(keep);
  };
  await call(app, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: hook.url } });
  for (let i = 0; i < 5; i++) await invite(app, { email_address: `keep${i}@example.com` });
  await hook.waitFor(5);
  const before = await until(app, (m) => m.length === 5 && m.every((x) => x['status'] === 'delivered'));
  await new Promise((r) => setTimeout(r, 50));
  t.same(keeps, [undefined], 'the worker pruned once after 3 attempts, with the default bound');
  t.equal(app.webhooks.messages.prune(2), 3, 'the three oldest finished ones go');
  t.same(await messages(app), before.slice(0, 2));
  hook.answers.splice(0, 1, 500);
  await invite(app, { email_address: 'pending@example.com' });
  await until(app, (m) => m[0]?.['attempts'].length === 1);
  t.equal(app.webhooks.messages.prune(0), 2, 'every finished one may go');
  t.same(
    (await messages(app)).map((m) => m['status']),
    ['pending'],
    'a pending message is never dropped',
  );
});
