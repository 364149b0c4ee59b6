import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { build, call, clerkError, KEY, OTHER_KEY, type Reply } from './helper.js';

const TOO_MANY = {
  message: 'Too many requests',
  long_message: 'Too many requests, retry later',
  code: 'too_many_requests',
};
const HOUR = 3_600_000;

/** A limit as GET /_emulator/rate-limits shows it. */
const limit = (name: string, max: number, windowMs: number, used = 0, retryAfterMs = 0) => ({
  name,
  limit: max,
  window_ms: windowMs,
  used,
  retry_after_ms: retryAfterMs,
});
const devLimits = (v1 = 0, creates = 0, bulks = 0, v1RetryMs = 0) => [
  limit('/v1', 100, 10_000, v1, v1RetryMs),
  limit('POST /v1/invitations', 100, HOUR, creates),
  limit('POST /v1/invitations/bulk', 25, HOUR, bulks),
];

const list = (app: FastifyInstance, key = KEY) => call(app, { method: 'GET', url: '/v1/invitations', key });
let made = 0;
const create = (app: FastifyInstance, key = KEY) =>
  call(app, { method: 'POST', url: '/v1/invitations', payload: { email_address: `rl-${made++}@example.com` }, key });
const bulk = (app: FastifyInstance, key = KEY) =>
  call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [{ email_address: `rl-bulk-${made++}@example.com` }],
    key,
  });
const limits = async (app: FastifyInstance, key = KEY) =>
  (await call(app, { method: 'GET', url: '/_emulator/rate-limits', key })).body as {
    profile: string;
    limits: { name: string; retry_after_ms: number; used: number }[];
  };
const setProfile = (app: FastifyInstance, profile: unknown, key = KEY) =>
  call(app, { method: 'POST', url: '/_emulator/rate-limits', payload: { profile }, key });
const advance = async (t: Test, app: FastifyInstance, ms: number, key = KEY) =>
  t.equal((await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: ms }, key })).status, 200);

/** Sends n requests, each of which must be accepted. */
async function accepted(t: Test, n: number, send: () => Promise<Reply>): Promise<void> {
  const statuses = new Set<number>();
  for (let i = 0; i < n; i++) statuses.add((await send()).status);
  t.same([...statuses], [200], `${n} requests accepted`);
}

/** Asserts the whole 429 a client sees, with its Retry-After. */
function tooMany(t: Test, reply: Reply, retryAfter: string): void {
  clerkError(t, reply, 429, TOO_MANY);
  t.equal(reply.headers['retry-after'], retryAfter, 'Retry-After');
}

/** The milliseconds GET /_emulator/rate-limits gives until the named limit has room again. */
const retryAfterMs = async (app: FastifyInstance, name: string): Promise<number> =>
  (await limits(app)).limits.find((l) => l.name === name)!.retry_after_ms;

/** Moves the clock so the named limit has room again in n.5 s, and returns the Retry-After it must answer: "n". */
async function halfSecondShort(t: Test, app: FastifyInstance, name: string): Promise<string> {
  const wait = await retryAfterMs(app, name);
  await advance(t, app, (wait % 1000) + 500);
  return String(Math.floor(wait / 1000));
}

t.test('off, the default: nothing is ever refused and the profile shows no limits', async (t) => {
  const app = await build(t);
  const r = await call(app, { method: 'GET', url: '/_emulator/rate-limits' });
  t.same(r, { ...r, status: 200, type: 'application/json' });
  t.same(r.body, { object: 'rate_limits', profile: 'off', limits: [] });
  await accepted(t, 30, () => bulk(app));
  await accepted(t, 120, () => list(app));
  t.same(await limits(app), { object: 'rate_limits', profile: 'off', limits: [] }, 'nothing is counted');
});

t.test('dev: the 101st /v1 request within 10 s answers 429 with Retry-After until the oldest leaves', async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  t.same(await limits(app), { object: 'rate_limits', profile: 'dev', limits: devLimits() });
  await accepted(t, 1, () => create(app));
  // A second between the oldest request and the others, so that it leaves the window alone.
  await advance(t, app, 1_000);
  await accepted(t, 99, () => list(app));
  const wait = await retryAfterMs(app, '/v1');
  t.ok(wait > 0 && wait <= 10_000, 'the window is full');
  // Leaves the oldest request 4.5 s from leaving the window, whatever the time the fill took.
  await advance(t, app, wait - 4_500);
  tooMany(t, await list(app), '5');
  const view = await limits(app);
  const left = view.limits[0]!.retry_after_ms;
  t.ok(left > 4_000 && left <= 4_500, `retry_after_ms ${left} counts down on the instance clock`);
  t.same(view, {
    object: 'rate_limits',
    profile: 'dev',
    limits: devLimits(100, 1, 0, left),
  });
  tooMany(t, await create(app), '5');

  await advance(t, app, left);
  await accepted(t, 1, () => list(app));
  t.equal((await list(app)).status, 429, 'the oldest left, freeing one place and no more');
});

t.test('a refused request changes nothing and is not counted', async (t) => {
  const app = await build(t, { rateLimit: 'prod' });
  await accepted(t, 100, () => create(app));
  await advance(t, app, 10_000);
  const expected = await halfSecondShort(t, app, 'POST /v1/invitations');
  const refused = await create(app);
  const view = await limits(app);
  const wait = view.limits[1]!.retry_after_ms;
  tooMany(t, refused, expected);
  t.ok(wait > HOUR - 21_000 && wait <= HOUR - 10_000, 'an hour after the first create');
  t.same(
    view,
    {
      object: 'rate_limits',
      profile: 'prod',
      limits: [
        limit('/v1', 1000, 10_000, 0),
        limit('POST /v1/invitations', 100, HOUR, 100, wait),
        limit('POST /v1/invitations/bulk', 25, HOUR, 0),
      ],
    },
    'the refused create counts in no window',
  );
  const page = (await call(app, { method: 'GET', url: '/v1/invitations?paginated=true&limit=1' })).body as {
    total_count: number;
  };
  t.equal(page.total_count, 100, 'no invitation was created');
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/emails?limit=1' })).body as any).total_count, 100);
});

t.test('bulk and single creates have separate hourly limits, Retry-After at least 1 s', async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  await accepted(t, 25, () => bulk(app));
  const expected = await halfSecondShort(t, app, 'POST /v1/invitations/bulk');
  tooMany(t, await bulk(app), expected);
  await accepted(t, 1, () => create(app));
  t.same(
    (await limits(app)).limits.map((l) => [l.name, l.used]),
    [
      ['/v1', 26],
      ['POST /v1/invitations', 1],
      ['POST /v1/invitations/bulk', 25],
    ],
    'a bulk counts in the bulk window only, a create in the create window only',
  );
  // 900 ms before the oldest bulk leaves: a fraction of a second still answers Retry-After: 1.
  await advance(t, app, (await retryAfterMs(app, 'POST /v1/invitations/bulk')) - 900);
  tooMany(t, await bulk(app), '1');
  await advance(t, app, 900);
  await accepted(t, 1, () => bulk(app));
});

t.test('the link, /_emulator/*, the docs and unrouted paths are never limited', async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  const inv = (await create(app)).body as { url: string };
  await accepted(t, 99, () => list(app));
  t.equal((await list(app)).status, 429, 'the /v1 window is full');
  const link = new URL(inv.url);
  t.equal((await call(app, { method: 'GET', url: link.pathname + link.search, key: null })).status, 200, 'the link');
  for (const url of ['/_emulator/health', '/_emulator/clock', '/_emulator/rate-limits', '/_emulator/emails'])
    t.equal((await call(app, { method: 'GET', url })).status, 200, url);
  t.equal((await call(app, { method: 'GET', url: '/openapi.json', key: null })).status, 200, 'the docs');
  t.equal((await call(app, { method: 'GET', url: '/v1/nowhere' })).status, 404, 'an unknown /v1 path');
  t.equal((await call(app, { method: 'PUT', url: '/v1/invitations' })).status, 405, 'another method');
  t.equal((await limits(app)).limits[0]!.used, 100, 'none of them counted');
});

t.test('POST /_emulator/rate-limits sets the profile; a bad body is a 422 that changes nothing', async (t) => {
  const app = await build(t);
  const r = await setProfile(app, 'dev');
  t.same(r, { ...r, status: 200, type: 'application/json' });
  t.same(r.body, { object: 'rate_limits', profile: 'dev', limits: devLimits() });
  const invalid = {
    message: 'is invalid',
    long_message: 'profile is invalid. Expected one of off, dev, prod.',
    code: 'form_param_value_invalid',
    meta: { param_name: 'profile' },
  };
  clerkError(t, await setProfile(app, 'fast'), 422, invalid);
  clerkError(t, await setProfile(app, 1), 422, invalid);
  clerkError(t, await call(app, { method: 'POST', url: '/_emulator/rate-limits', payload: {} }), 422, {
    message: 'is missing',
    long_message: 'profile must be included.',
    code: 'form_param_missing',
    meta: { param_name: 'profile' },
  });
  clerkError(
    t,
    await call(app, { method: 'POST', url: '/_emulator/rate-limits', payload: { profile: 'off', limit: 5 } }),
    422,
    {
      message: 'is unknown',
      long_message: 'limit is not a valid parameter for this request.',
      code: 'form_param_unknown',
      meta: { param_name: 'limit' },
    },
  );
  t.equal((await limits(app)).profile, 'dev', 'still dev');
  t.same((await setProfile(app, 'off')).body, { object: 'rate_limits', profile: 'off', limits: [] });
});

t.test('a lower profile keeps the requests counted under a higher one', async (t) => {
  const app = await build(t, { rateLimit: 'prod' });
  await accepted(t, 150, () => list(app));
  const set = (await setProfile(app, 'dev')).body as { limits: { retry_after_ms: number }[] };
  const wait = set.limits[0]!.retry_after_ms;
  t.ok(wait > 0 && wait <= 10_000, 'until the 51st oldest leaves');
  t.same(set, {
    object: 'rate_limits',
    profile: 'dev',
    limits: devLimits(150, 0, 0, wait),
  });
  t.equal((await list(app)).status, 429, '150 counted, 100 allowed');
});

t.test('moving the clock back keeps counted requests counted', async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  await accepted(t, 24, () => bulk(app));
  await advance(t, app, -HOUR);
  await accepted(t, 1, () => bulk(app));
  t.equal((await limits(app)).limits[2]!.used, 25);
  t.equal((await bulk(app)).status, 429, 'the requests now in the future still count');
  await advance(t, app, 2 * HOUR);
  await accepted(t, 25, () => bulk(app));
});

t.test('reset returns the instance to the configured profile and empties its windows', async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  t.equal((await setProfile(app, 'prod')).status, 200);
  await accepted(t, 25, () => bulk(app));
  t.equal((await bulk(app)).status, 429);
  await accepted(t, 1, () => bulk(app, OTHER_KEY));
  t.equal((await call(app, { method: 'POST', url: '/_emulator/reset' })).status, 200);
  t.same(await limits(app), { object: 'rate_limits', profile: 'dev', limits: devLimits() });
  t.same((await limits(app, OTHER_KEY)).limits[2], limit('POST /v1/invitations/bulk', 25, HOUR, 1), 'another key kept');
  await accepted(t, 25, () => bulk(app));

  const off = await build(t);
  t.equal((await setProfile(off, 'dev')).status, 200);
  t.equal((await call(off, { method: 'POST', url: '/_emulator/reset' })).status, 200);
  t.same(await limits(off), { object: 'rate_limits', profile: 'off', limits: [] });
});
