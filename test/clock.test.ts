import t from 'tap';
import { MAX_TIME } from '../src/clock.js';
import { build, call, clerkError, invite, OTHER_KEY } from './helper.js';

const DAY = 86_400_000;
// Far from real time, so a result near it cannot come from the real clock.
const T = Date.UTC(2040, 0, 1);
// Generous: the machine is shared, and time keeps flowing after the clock is set.
const SOON = 60_000;
const setClock = (app: Parameters<typeof call>[0], payload: object, key?: string) =>
  call(app, { method: 'POST', url: '/_emulator/clock', payload, ...(key ? { key } : {}) });

t.test('the clock starts at real time with no offset', async (t) => {
  const app = await build(t);
  const r = await call(app, { method: 'GET', url: '/_emulator/clock' });
  const body = r.body as Record<string, number>;
  t.same(
    { status: r.status, type: r.type, body },
    {
      status: 200,
      type: 'application/json',
      body: { object: 'clock', now: body.real_now, offset_ms: 0, real_now: body.real_now },
    },
  );
});

t.test('setting now moves the instance clock and time keeps flowing from there', async (t) => {
  const app = await build(t);
  const set = await setClock(app, { now: T });
  const body = set.body as Record<string, number>;
  t.same(
    { status: set.status, type: set.type, body },
    {
      status: 200,
      type: 'application/json',
      body: { object: 'clock', now: T, offset_ms: T - body.real_now!, real_now: body.real_now },
    },
  );
  const read = (await call(app, { method: 'GET', url: '/_emulator/clock' })).body as Record<string, number>;
  t.equal(read.offset_ms, body.offset_ms);
  t.equal(read.now, read.real_now! + read.offset_ms!);
  t.ok(read.now! >= T && read.now! < T + SOON);
  const inv = await invite(app, { email_address: 'ada@example.com', expires_in_days: 2 });
  t.ok(inv.created_at >= T && inv.created_at < T + SOON, 'created_at comes from the instance clock');
  t.equal(inv.expires_at, inv.created_at + 2 * DAY);
});

t.test('advance_ms moves the clock by that much, negative moves it back, now:null returns to real time', async (t) => {
  const app = await build(t);
  await setClock(app, { now: T });
  const ahead = (await setClock(app, { advance_ms: DAY })).body as Record<string, number>;
  t.ok(ahead.now! >= T + DAY && ahead.now! < T + DAY + SOON);
  const back = (await setClock(app, { advance_ms: -2 * DAY })).body as Record<string, number>;
  t.ok(back.now! >= T - DAY && back.now! < T - DAY + SOON);
  const real = (await setClock(app, { now: null })).body as Record<string, number>;
  t.same(real, { object: 'clock', now: real.real_now, offset_ms: 0, real_now: real.real_now });
});

t.test(
  'an expired invitation lists as expired, no longer blocks its email, can still be revoked, and its link is dead',
  async (t) => {
    const app = await build(t);
    const old = await invite(app, { email_address: 'ada@example.com', expires_in_days: 1 });
    await setClock(app, { advance_ms: DAY });
    const expired = (await call(app, { method: 'GET', url: '/v1/invitations?status=expired' })).body as any[];
    t.same(
      expired.map((i) => [i.id, i.status]),
      [[old.id, 'expired']],
    );
    t.same((await call(app, { method: 'GET', url: '/v1/invitations?status=pending' })).body, []);

    const link = await call(app, {
      method: 'GET',
      url: new URL(old.url).pathname + new URL(old.url).search,
      key: null,
    });
    t.same({ status: link.status, type: link.type }, { status: 400, type: 'text/html; charset=utf-8' });
    t.match(link.body, '<h1>Invitation expired</h1>');

    const fresh = await invite(app, { email_address: 'ada@example.com' });
    t.equal(fresh.status, 'pending');
    const revoked = await call(app, { method: 'POST', url: `/v1/invitations/${old.id}/revoke` });
    t.same([revoked.status, (revoked.body as any).status], [200, 'revoked']);
  },
);

t.test('an invitation is pending until the very millisecond it expires', async (t) => {
  const app = await build(t);
  await setClock(app, { now: T });
  const inv = await invite(app, { email_address: 'ada@example.com', expires_in_days: 1 });
  // The clock keeps flowing, so go back a minute from the expiry to stay safely before it.
  await setClock(app, { now: inv.expires_at - SOON });
  t.equal(((await call(app, { method: 'GET', url: '/v1/invitations' })).body as any[])[0].status, 'pending');
  await setClock(app, { now: inv.expires_at });
  t.equal(((await call(app, { method: 'GET', url: '/v1/invitations' })).body as any[])[0].status, 'expired');
});

t.test('each instance has its own clock', async (t) => {
  const app = await build(t);
  await setClock(app, { now: T });
  const other = (await call(app, { method: 'GET', url: '/_emulator/clock', key: OTHER_KEY })).body as Record<
    string,
    number
  >;
  t.equal(other.offset_ms, 0);
  const inv = await invite(app, { email_address: 'ada@example.com' }, OTHER_KEY);
  t.ok(inv.created_at < T, 'the other instance still runs on real time');
});

t.test('clock bodies are validated and a refused change leaves the clock alone', async (t) => {
  const app = await build(t);
  await setClock(app, { now: T });
  const invalid = (param: string, long: string) => ({
    message: 'is invalid',
    long_message: `${param} is invalid. ${long}`,
    code: 'form_param_value_invalid',
    meta: { param_name: param },
  });
  const timeExpected = `Expected an integer number of milliseconds since 1970, from 0 to ${MAX_TIME} (the year 9999), or null.`;
  const advanceExpected = 'Expected an integer number of milliseconds (negative moves the clock back).';
  clerkError(t, await setClock(app, {}), 422, {
    message: 'is missing',
    long_message: 'Send exactly one of now or advance_ms.',
    code: 'form_param_missing',
    meta: { param_name: 'now' },
  });
  clerkError(t, await call(app, { method: 'POST', url: '/_emulator/clock' }), 422, {
    message: 'is missing',
    long_message: 'Send exactly one of now or advance_ms.',
    code: 'form_param_missing',
    meta: { param_name: 'now' },
  });
  clerkError(t, await setClock(app, { now: T, speed: 2 }), 422, {
    message: 'is unknown',
    long_message: 'speed is not a valid parameter for this request.',
    code: 'form_param_unknown',
    meta: { param_name: 'speed' },
  });
  clerkError(
    t,
    await setClock(app, { now: T, advance_ms: 1 }),
    422,
    invalid('advance_ms', 'Send exactly one of now or advance_ms.'),
  );
  clerkError(t, await setClock(app, { now: 1.5 }), 422, invalid('now', timeExpected));
  clerkError(t, await setClock(app, { now: '2040-01-01' }), 422, invalid('now', timeExpected));
  clerkError(t, await setClock(app, { now: -1 }), 422, invalid('now', timeExpected));
  clerkError(t, await setClock(app, { now: MAX_TIME + 1 }), 422, invalid('now', timeExpected));
  clerkError(t, await setClock(app, { advance_ms: 1e300 }), 422, invalid('advance_ms', advanceExpected));
  clerkError(t, await setClock(app, { advance_ms: '5' }), 422, invalid('advance_ms', advanceExpected));
  const back = await setClock(app, { advance_ms: -T - 10 * DAY });
  t.equal(back.status, 422);
  t.match((back.body as any).errors[0], {
    code: 'form_param_value_invalid',
    meta: { param_name: 'advance_ms' },
    long_message: /must stay between 0 and 253402300799999/,
  });
  const after = (await call(app, { method: 'GET', url: '/_emulator/clock' })).body as Record<string, number>;
  t.ok(after.now! >= T && after.now! < T + SOON, 'unchanged');
});

t.test('now and advance_ms sent together, even as null, answer that exactly one is needed', async (t) => {
  const app = await build(t);
  await setClock(app, { now: T });
  const exactlyOne = {
    message: 'is invalid',
    long_message: 'advance_ms is invalid. Send exactly one of now or advance_ms.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'advance_ms' },
  };
  clerkError(t, await setClock(app, { now: null, advance_ms: null }), 422, exactlyOne);
  clerkError(t, await setClock(app, { now: T, advance_ms: null }), 422, exactlyOne);
  clerkError(t, await setClock(app, { now: null, advance_ms: 1000 }), 422, exactlyOne);
  clerkError(t, await setClock(app, { advance_ms: null }), 422, {
    message: 'is invalid',
    long_message: 'advance_ms is invalid. Expected an integer number of milliseconds (negative moves the clock back).',
    code: 'form_param_value_invalid',
    meta: { param_name: 'advance_ms' },
  });
  const after = (await call(app, { method: 'GET', url: '/_emulator/clock' })).body as Record<string, number>;
  t.ok(after.now! >= T && after.now! < T + SOON, 'unchanged');
});

t.test('the clock can be set to the last millisecond of the year 9999 and to 0', async (t) => {
  const app = await build(t);
  t.equal(((await setClock(app, { now: MAX_TIME })).body as any).now, MAX_TIME);
  t.equal(((await setClock(app, { now: 0 })).body as any).now, 0);
});
