// Webhook deliveries (contract §11) to a real HTTP endpoint, each checked with @clerk/backend's verifyWebhook
// and against Clerk's webhook schemas.
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { closedPort } from './built-cli.js';
import { build, buildLogged, call, invite, OTHER_KEY } from './helper.js';
import { checkDelivery, type Receiver, receiver } from './webhook-receiver.js';

const EP_ID = /^ep_[0-9A-Za-z]{27}$/;
const MSG_ID = /^msg_[0-9A-Za-z]{27}$/;
const INS_ID = /^ins_[0-9A-Za-z]{27}$/;
const USER_ID = /^user_[0-9A-Za-z]{27}$/;
const IDN_ID = /^idn_[0-9A-Za-z]{27}$/;

/** Adds an endpoint through the control API; returns it. */
async function endpoint(
  app: FastifyInstance,
  body: Record<string, unknown>,
  key?: string,
): Promise<{ id: string; secret: string }> {
  const r = await call(app, {
    method: 'POST',
    url: '/_emulator/webhooks/endpoints',
    payload: body,
    ...(key ? { key } : {}),
  });
  if (r.status !== 201) throw new Error(`endpoint refused: ${JSON.stringify(r.body)}`);
  return r.body as { id: string; secret: string };
}

async function messages(app: FastifyInstance, query = '', key?: string): Promise<Record<string, any>[]> {
  const r = await call(app, { method: 'GET', url: `/_emulator/webhooks/messages${query}`, ...(key ? { key } : {}) });
  return (r.body as { data: Record<string, any>[] }).data;
}

/** Waits until the message log shows `n` messages with the status. */
async function until(app: FastifyInstance, status: string, n: number, ms = 5000): Promise<Record<string, any>[]> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await messages(app, `?status=${status}`);
    if (found.length >= n) return found;
    if (Date.now() > end) throw new Error(`${found.length} of ${n} ${status} messages after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the newest message has `n` attempts recorded. */
async function attempted(app: FastifyInstance, n: number, ms = 3000): Promise<Record<string, any>[]> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await messages(app);
    if ((found[0]?.['attempts'].length ?? 0) >= n) return found;
    if (Date.now() > end) throw new Error(`no attempt ${n} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function setup(t: Test, answers?: Receiver['answers']) {
  const app = await build(t);
  const hook = await receiver(t, answers);
  const ep = await endpoint(app, { url: hook.url });
  return { app, hook, ep };
}

t.test('an invitation created with notify is delivered as email.created that verifyWebhook accepts', async (t) => {
  const { app, hook, ep } = await setup(t);
  t.match(ep.id, EP_ID);
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { role: 'admin' } });
  const [d] = await hook.waitFor(1);
  const event = await checkDelivery(t, d!, ep.secret);
  const emails = await call(app, { method: 'GET', url: '/_emulator/emails' });
  const email = (emails.body as { data: Record<string, any>[] }).data[0]!;
  t.match(event['instance_id'], INS_ID);
  t.same(event, {
    data: {
      object: 'email',
      id: email['id'],
      slug: 'invitation',
      from_email_name: 'notifications',
      to_email_address: 'ada@example.com',
      email_address_id: null,
      user_id: null,
      subject: "You're invited",
      body: `<!DOCTYPE html><html><body><p>You have been invited to clerk-invitations-mock.</p><p><a href="${inv['url']}">Accept invitation</a></p></body></html>`,
      body_plain: `You have been invited to clerk-invitations-mock.\n\nAccept invitation: ${inv['url']}\n`,
      status: 'queued',
      delivered_by_clerk: true,
      data: {
        app: { name: 'clerk-invitations-mock', domain_name: 'localhost:4010', url: 'http://localhost:4010' },
        action_url: inv['url'],
      },
    },
    object: 'event',
    type: 'email.created',
    timestamp: inv['created_at'],
    instance_id: event['instance_id'],
    event_attributes: { http_request: { client_ip: '', user_agent: '' } },
  });
  const [msg] = await until(app, 'delivered', 1);
  t.same(msg, {
    object: 'webhook_message',
    id: d!.headers['svix-id'],
    type: 'email.created',
    endpoint_id: ep.id,
    status: 'delivered',
    attempts: [
      { at: msg!['attempts'][0].at, status_code: 204, error: null, duration_ms: msg!['attempts'][0].duration_ms },
    ],
    next_attempt_at: null,
    payload: event,
  });
  t.match(msg!['id'], MSG_ID);
});

t.test('a bulk create sends one email.created per item with notify, none for notify: false', async (t) => {
  const { app, hook, ep } = await setup(t);
  const r = await call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [
      { email_address: 'a@example.com' },
      { email_address: 'b@example.com', notify: false },
      { email_address: 'c@example.com', template_slug: 'waitlist_invitation' },
    ],
  });
  t.equal(r.status, 200);
  const got = await hook.waitFor(2);
  const events = await Promise.all(got.map((d) => checkDelivery(t, d, ep.secret)));
  t.same(events.map((e) => [e['data'].to_email_address, e['data'].slug]).sort(), [
    ['a@example.com', 'invitation'],
    ['c@example.com', 'waitlist_invitation'],
  ]);
  await until(app, 'delivered', 2);
  await invite(app, { email_address: 'quiet@example.com', notify: false });
  await new Promise((r) => setTimeout(r, 100));
  t.equal(hook.deliveries.length, 2, 'notify: false sends no email, so no event');
  t.equal((await messages(app)).length, 2);
});

for (const via of ['link', 'control route'] as const) {
  t.test(`accepting by the ${via} sends user.created with the invitation's metadata`, async (t) => {
    const { app, hook, ep } = await setup(t);
    const inv = await invite(app, {
      email_address: 'Bo@Example.com',
      public_metadata: { team: { id: 7 } },
      notify: false,
    });
    const accepted =
      via === 'link'
        ? await call(app, { method: 'GET', url: new URL(inv['url']).pathname + new URL(inv['url']).search, key: null })
        : await call(app, { method: 'POST', url: `/_emulator/invitations/${inv['id']}/accept` });
    t.equal(accepted.status, 200);
    const [d] = await hook.waitFor(1);
    const event = await checkDelivery(t, d!, ep.secret);
    const users = await call(app, { method: 'GET', url: '/_emulator/users' });
    const user = (users.body as { data: Record<string, any>[] }).data[0]!;
    const data = event['data'];
    t.match(data.id, USER_ID);
    t.match(data.primary_email_address_id, IDN_ID);
    t.same(event, {
      data: {
        object: 'user',
        id: user['id'],
        external_id: null,
        primary_email_address_id: data.primary_email_address_id,
        primary_phone_number_id: null,
        primary_web3_wallet_id: null,
        username: null,
        first_name: null,
        last_name: null,
        profile_image_url: '',
        image_url: '',
        has_image: false,
        public_metadata: { team: { id: 7 } },
        private_metadata: {},
        unsafe_metadata: {},
        email_addresses: [
          {
            object: 'email_address',
            id: data.primary_email_address_id,
            email_address: 'bo@example.com',
            reserved: false,
            verification: {
              object: 'verification_ticket',
              status: 'verified',
              strategy: 'ticket',
              attempts: null,
              expire_at: null,
            },
            linked_to: [],
            created_at: user['created_at'],
            updated_at: user['created_at'],
          },
        ],
        phone_numbers: [],
        web3_wallets: [],
        passkeys: [],
        password_enabled: false,
        two_factor_enabled: false,
        totp_enabled: false,
        backup_code_enabled: false,
        mfa_enabled_at: null,
        mfa_disabled_at: null,
        external_accounts: [],
        saml_accounts: [],
        enterprise_accounts: [],
        last_sign_in_at: null,
        banned: false,
        locked: false,
        lockout_expires_in_seconds: null,
        verification_attempts_remaining: null,
        created_at: user['created_at'],
        updated_at: user['created_at'],
        delete_self_enabled: true,
        create_organization_enabled: true,
        last_active_at: null,
        legal_accepted_at: null,
      },
      object: 'event',
      type: 'user.created',
      timestamp: user['created_at'],
      instance_id: event['instance_id'],
      event_attributes: { http_request: { client_ip: '', user_agent: '' } },
    });
  });
}

t.test('accepting for an email that already has a user creates no user and sends no user.created', async (t) => {
  const { app, hook } = await setup(t);
  await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'kim@example.com' } });
  const inv = await invite(app, { email_address: 'kim@example.com', ignore_existing: true, notify: false });
  t.equal((await call(app, { method: 'POST', url: `/_emulator/invitations/${inv['id']}/accept` })).status, 200);
  await new Promise((r) => setTimeout(r, 100));
  t.same(hook.deliveries, []);
  t.same(await messages(app), []);
});

t.test("an endpoint's event filter: only the events it names", async (t) => {
  const app = await build(t);
  const users = await receiver(t);
  const emails = await receiver(t);
  const u = await endpoint(app, { url: users.url, events: ['user.created'] });
  const e = await endpoint(app, { url: emails.url, events: ['email.created'] });
  const inv = await invite(app, { email_address: 'f@example.com' });
  await call(app, { method: 'POST', url: `/_emulator/invitations/${inv['id']}/accept` });
  const [ud] = await users.waitFor(1);
  const [ed] = await emails.waitFor(1);
  t.equal((await checkDelivery(t, ud!, u.secret))['type'], 'user.created');
  t.equal((await checkDelivery(t, ed!, e.secret))['type'], 'email.created');
  await until(app, 'delivered', 2);
  t.equal(users.deliveries.length + emails.deliveries.length, 2);
  t.same(
    (await messages(app, '?type=user.created')).map((m) => [m['type'], m['endpoint_id']]),
    [['user.created', u.id]],
  );
});

t.test('svix-timestamp is real time when the instance clock moved; the payload timestamp is the clock', async (t) => {
  const { app, hook, ep } = await setup(t);
  const now = Date.UTC(2031, 0, 1);
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { now } });
  const inv = await invite(app, { email_address: 'time@example.com' });
  const [d] = await hook.waitFor(1);
  const event = await checkDelivery(t, d!, ep.secret);
  t.ok(Math.abs(Number(d!.headers['svix-timestamp']) - Date.now() / 1000) < 5, 'real seconds');
  t.equal(event['timestamp'], inv['created_at']);
  t.ok(event['timestamp'] >= now, 'the instance clock');
});

t.test('a given secret signs the deliveries; a generated one is whsec_ and 24 random bytes', async (t) => {
  const app = await build(t);
  const hook = await receiver(t);
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const ep = await endpoint(app, { url: hook.url, secret });
  t.equal(ep.secret, secret);
  await invite(app, { email_address: 's@example.com' });
  const [d] = await hook.waitFor(1);
  await checkDelivery(t, d!, secret);
  const other = await endpoint(app, { url: hook.url });
  t.match(other.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  t.equal(Buffer.from(other.secret.slice(6), 'base64').length, 24);
});

t.test('a hanging endpoint slows no API call', async (t) => {
  const { app, hook } = await setup(t, ['hang']);
  await invite(app, { email_address: 'first@example.com' });
  await hook.waitFor(1);
  const started = performance.now();
  for (let i = 0; i < 20; i++) await invite(app, { email_address: `h${i}@example.com` });
  const perCreate = (performance.now() - started) / 20;
  t.ok(perCreate < 50, `a create took ${perCreate.toFixed(1)} ms while the endpoint hangs`);
  await hook.waitFor(8);
  t.equal(app.webhooks.worker.inFlight, 8, 'at most 8 attempts in flight');
  const pending = await messages(app, '?status=pending');
  t.equal(pending.length, 21, 'the rest wait in the table');
});

t.test('a failed attempt is retried on Svix schedule by the instance clock, with the same svix-id', async (t) => {
  const { app, hook, ep } = await setup(t, [500, 'drop', 204]);
  await invite(app, { email_address: 'r@example.com' });
  await hook.waitFor(1);
  let [msg] = await until(app, 'pending', 1);
  await until(app, 'pending', 1);
  const waitFor = async (attempts: number) => {
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      [msg] = await messages(app);
      if (msg!['attempts'].length >= attempts) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no attempt ${attempts}`);
  };
  await waitFor(1);
  t.same(msg!['attempts'][0].status_code, 500);
  t.equal(msg!['next_attempt_at'] - msg!['attempts'][0].at, 5000, 'due 5 s after the first');
  const started = Date.now();
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 5000 } });
  await hook.waitFor(2, 1000);
  t.ok(Date.now() - started < 1000, 'advancing the clock runs a due retry within a second');
  await waitFor(2);
  t.match(msg!['attempts'][1], { status_code: null, error: String });
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 299_000 } });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(hook.deliveries.length, 2, 'not yet due: 5 min after the second attempt');
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 1_000 } });
  const all = await hook.waitFor(3, 1000);
  for (const d of all) await checkDelivery(t, d, ep.secret);
  t.same(new Set(all.map((d) => d.headers['svix-id'])).size, 1, 'one svix-id on every attempt');
  [msg] = await until(app, 'delivered', 1);
  t.same(
    msg!['attempts'].map((a: Record<string, unknown>) => a['status_code']),
    [500, null, 204],
  );
});

t.test('after the last retry a message is failed, and the retry route sends it once more', async (t) => {
  const { app, hook } = await setup(t, [503]);
  await invite(app, { email_address: 'gone@example.com' });
  const waits = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
  for (let i = 0; i < waits.length; i++) {
    await hook.waitFor(i + 1, 2000);
    await until(app, 'pending', 1);
    let [msg] = await messages(app);
    while (msg!['attempts'].length < i + 1) {
      await new Promise((r) => setTimeout(r, 10));
      [msg] = await messages(app);
    }
    t.equal(msg!['next_attempt_at'] - msg!['attempts'][i].at, waits[i], `wait ${i + 1}`);
    await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: waits[i] } });
  }
  await hook.waitFor(8, 2000);
  const [failed] = await until(app, 'failed', 1);
  t.equal(failed!['attempts'].length, 8);
  t.equal(failed!['next_attempt_at'], null);
  hook.answers.splice(0, hook.answers.length, 200);
  const retried = await call(app, { method: 'POST', url: `/_emulator/webhooks/messages/${failed!['id']}/retry` });
  t.equal(retried.status, 200);
  t.match(retried.body, { id: failed!['id'], status: 'pending', attempts: failed!['attempts'] });
  await hook.waitFor(9, 2000);
  const [done] = await until(app, 'delivered', 1);
  t.equal(done!['attempts'].length, 9);
});

t.test('a retry due by real time is sent without touching the clock', async (t) => {
  const { app, hook } = await setup(t, [500, 204]);
  await invite(app, { email_address: 'wait@example.com' });
  await hook.waitFor(1);
  const [msg] = await attempted(app, 1);
  // Make it due by real time: the store's own due_real, as if 5 s had passed.
  app.db.prepare('UPDATE webhook_messages SET due_real = ? WHERE id = ?').run(Date.now() - 1, msg!['id']);
  await hook.waitFor(2, 2500);
  await until(app, 'delivered', 1);
});

t.test('a message whose endpoint was deleted fails without an attempt on the wire', async (t) => {
  const { app, hook, ep } = await setup(t, [500]);
  await invite(app, { email_address: 'del@example.com' });
  await hook.waitFor(1);
  await until(app, 'pending', 1);
  const del = await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${ep.id}` });
  t.same(del.body, { object: 'webhook_endpoint', id: ep.id, deleted: true });
  await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 5000 } });
  const [failed] = await until(app, 'failed', 1);
  t.match(failed!['attempts'][1], { status_code: null, error: 'endpoint deleted', duration_ms: 0 });
  t.equal(hook.deliveries.length, 1);
});

t.test('deleting an endpoint fails its pending message at once, not at its next scheduled attempt', async (t) => {
  const { app, hook, ep } = await setup(t, [500]);
  await invite(app, { email_address: 'gone-now@example.com' });
  await hook.waitFor(1);
  const [pending] = await attempted(app, 1);
  t.equal(pending!['next_attempt_at'] - pending!['attempts'][0].at, 5000);
  await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${ep.id}` });
  // Well before the 5 s retry, and with the clock untouched.
  const [failed] = await until(app, 'failed', 1, 1500);
  t.same(failed!['attempts'][1], {
    at: failed!['attempts'][1].at,
    status_code: null,
    error: 'endpoint deleted',
    duration_ms: 0,
  });
  t.equal(failed!['next_attempt_at'], null);
  t.equal(hook.deliveries.length, 1);
});

t.test('a retry asked for while an attempt is in flight stands when that attempt ends', async (t) => {
  const { app, hook } = await setup(t, ['hang', 204]);
  app.webhooks.worker.timeoutMs = 300;
  await invite(app, { email_address: 'inflight@example.com' });
  await hook.waitFor(1);
  const [msg] = await messages(app);
  const retried = await call(app, { method: 'POST', url: `/_emulator/webhooks/messages/${msg!['id']}/retry` });
  t.equal(retried.status, 200);
  // The hanging attempt times out after the retry was asked for; the retry is sent anyway, not in 5 s.
  const [, second] = await hook.waitFor(2, 2000);
  t.equal(second!.headers['svix-id'], msg!['id']);
  // The retry is delivered; the hanging attempt, timed out later, is appended to the log and changes nothing.
  const [delivered] = await attempted(app, 2);
  t.equal(delivered!['status'], 'delivered');
  t.equal(delivered!['next_attempt_at'], null);
  t.same(
    delivered!['attempts'].map((a: Record<string, unknown>) => [a['status_code'], a['error']]).sort(),
    [
      [204, null],
      [null, 'timed out after 300 ms'],
    ].sort(),
  );
});

t.test('an attempt recorded after its lease was taken over is logged but decides nothing', async (t) => {
  const app = await build(t);
  const { messages: store } = app.webhooks;
  const real = Date.now();
  app.db.prepare('INSERT INTO instances (key_digest, created_at, public_id) VALUES (?, ?, ?)').run('d', real, 'ins_x');
  const instance = app.db.prepare("SELECT id FROM instances WHERE public_id = 'ins_x'").pluck().get() as number;
  store.enqueue(instance, ['ep_a'], 'email.created', '{}', real, real);
  const [first] = store.claim(real, 1);
  // The lease runs out (a slow record), and another claim takes the message and delivers it.
  const [second] = store.claim(real + 31_000, 1);
  t.ok(first && second);
  const attempt = (status_code: number | null) => ({ at: real, status_code, error: null, duration_ms: 1 });
  t.equal(store.finish(second!, attempt(204), real + 31_001), 'delivered');
  t.equal(store.finish(first!, attempt(500), real + 31_002), undefined);
  const [msg] = store.list(instance, 0, { limit: 10, offset: 0 }).data;
  t.equal(msg!.status, 'delivered');
  t.same(
    msg!.attempts.map((a) => a.status_code),
    [204, 500],
  );
});

t.test('an attempt that cannot be recorded is logged, and the sender goes on', async (t) => {
  const { app, logs } = await buildLogged(t);
  const hook = await receiver(t);
  await endpoint(app, { url: hook.url });
  const finish = app.webhooks.messages.finish.bind(app.webhooks.messages);
  let refusals = 1;
  app.webhooks.messages.finish = (...args) => {
    if (refusals-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    return finish(...args);
  };
  await invite(app, { email_address: 'busy@example.com' });
  await invite(app, { email_address: 'after@example.com' });
  await hook.waitFor(2);
  await until(app, 'delivered', 1);
  const warned = logs.lines.filter((l) => l['msg'] === 'webhook attempt not recorded');
  t.equal(warned.length, 1);
  t.match(warned[0], { level: 40, webhook: { message_id: MSG_ID }, err: { message: 'database is locked' } });
});

t.test("an instance's events never reach another instance's endpoints", async (t) => {
  const { app, hook } = await setup(t);
  const other = await receiver(t);
  await endpoint(app, { url: other.url }, OTHER_KEY);
  await invite(app, { email_address: 'mine@example.com' });
  await invite(app, { email_address: 'theirs@example.com' }, OTHER_KEY);
  const [mine] = await hook.waitFor(1);
  const [theirs] = await other.waitFor(1);
  await new Promise((r) => setTimeout(r, 100));
  t.equal(hook.deliveries.length, 1);
  t.equal(other.deliveries.length, 1);
  t.equal(JSON.parse(mine!.body).data.to_email_address, 'mine@example.com');
  t.equal(JSON.parse(theirs!.body).data.to_email_address, 'theirs@example.com');
  t.not(JSON.parse(mine!.body).instance_id, JSON.parse(theirs!.body).instance_id, 'each instance its own ins_ id');
  t.equal((await messages(app)).length, 1);
  t.equal((await messages(app, '', OTHER_KEY)).length, 1);
  const foreign = (await messages(app, '', OTHER_KEY))[0]!['id'];
  const r = await call(app, { method: 'POST', url: `/_emulator/webhooks/messages/${foreign}/retry` });
  t.equal(r.status, 404, "another instance's message is unknown here");
});

t.test('an instance without endpoints queues nothing', async (t) => {
  const app = await build(t);
  await invite(app, { email_address: 'none@example.com' });
  await call(app, { method: 'POST', url: '/v1/invitations/bulk', payload: [{ email_address: 'n2@example.com' }] });
  t.equal(app.db.prepare('SELECT count(*) FROM webhook_messages').pluck().get(), 0);
});

t.test('each attempt is logged at info with the URL, without the secret or a ticket', async (t) => {
  const { app, logs } = await buildLogged(t);
  const hook = await receiver(t);
  const url = `${hook.url}?ticket=abc123`;
  const ep = await endpoint(app, { url });
  const inv = await invite(app, { email_address: 'log@example.com' });
  await hook.waitFor(1);
  await until(app, 'delivered', 1);
  const line = logs.lines.find((l) => l['msg'] === 'webhook attempt')!;
  t.match(line, {
    level: 30,
    webhook: {
      endpoint_id: ep.id,
      url: `${hook.url}?ticket=[redacted]`,
      status_code: 204,
      error: null,
      duration_ms: Number,
      status: 'delivered',
    },
  });
  const all = JSON.stringify(logs.lines);
  t.notOk(all.includes(ep.secret), 'no secret');
  t.notOk(all.includes(new URL(inv['url']).searchParams.get('ticket')!), 'no invitation ticket');
});

t.test('an endpoint that never answers is an attempt that timed out, retried later', async (t) => {
  const { app, hook } = await setup(t, ['hang', 204]);
  t.equal(app.webhooks.worker.timeoutMs, 15_000, "Svix's 15 s by default");
  app.webhooks.worker.timeoutMs = 200;
  await invite(app, { email_address: 'slow@example.com' });
  await hook.waitFor(1);
  const end = Date.now() + 3000;
  let msg: Record<string, any> | undefined;
  while (Date.now() < end && !msg?.['attempts'].length) {
    await new Promise((r) => setTimeout(r, 20));
    [msg] = await messages(app);
  }
  t.match(msg!['attempts'][0], { status_code: null, error: 'timed out after 200 ms' });
  t.ok(msg!['attempts'][0].duration_ms >= 200);
  t.equal(msg!['status'], 'pending');
});

t.test('an endpoint that refuses the connection is an attempt with its error code', async (t) => {
  const app = await build(t);
  await endpoint(app, { url: `http://127.0.0.1:${await closedPort()}/hooks` });
  await invite(app, { email_address: 'refused@example.com' });
  const end = Date.now() + 3000;
  let msg: Record<string, any> | undefined;
  while (Date.now() < end && !msg?.['attempts'].length) {
    await new Promise((r) => setTimeout(r, 20));
    [msg] = await messages(app);
  }
  t.match(msg!['attempts'][0], { status_code: null, error: 'ECONNREFUSED' });
});

t.test('an instance whose endpoints all filter email.created out queues nothing for a create', async (t) => {
  const app = await build(t);
  await endpoint(app, { url: 'http://127.0.0.1:9/x', events: ['user.created'] });
  await invite(app, { email_address: 'filtered@example.com' });
  t.same(await messages(app), []);
});

t.test('a queue that cannot be read is logged at warn and read again at the next poll', async (t) => {
  const { app, logs } = await buildLogged(t);
  const someDue = app.webhooks.messages.someDue.bind(app.webhooks.messages);
  let calls = 0;
  app.webhooks.messages.someDue = (real: number) => {
    if (calls++ === 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    return someDue(real);
  };
  const hook = await receiver(t);
  await endpoint(app, { url: hook.url });
  await invite(app, { email_address: 'busy@example.com' });
  await hook.waitFor(1, 3000);
  t.match(
    logs.lines.find((l) => l['level'] === 40),
    {
      msg: 'webhook queue could not be read; trying again',
      err: { message: 'database is locked', code: 'SQLITE_BUSY' },
    },
  );
});
