import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { build, call, clerkError, invite, KEY, OTHER_KEY } from './helper.js';

// Each key is its own instance: for every route that takes an id or lists data, a second key sees
// nothing of the first key's, cannot change it, and the first key's view stays exactly as it was.

const notFound = (id: string) => ({
  message: 'not found',
  long_message: `No invitation was found with id ${id}.`,
  code: 'resource_not_found',
});
const emptyPage = { data: [], total_count: 0 };

async function view(t: Test, app: FastifyInstance, key: string) {
  const get = async (url: string) => {
    const r = await call(app, { method: 'GET', url, key });
    t.equal(r.type, 'application/json');
    return r.body as any;
  };
  const clock = await get('/_emulator/clock');
  return {
    invitations: await get(
      '/v1/invitations?status=pending&status=accepted&status=revoked&status=expired&paginated=true&limit=500',
    ),
    emails: await get('/_emulator/emails'),
    users: await get('/_emulator/users'),
    offset: clock.offset_ms,
  };
}

t.test("a second key gets 404 or an empty list for every piece of the first key's data", async (t) => {
  const app = await build(t);
  const pending = await invite(app, { email_address: 'ada@example.com', public_metadata: { team: 'a' } });
  const toRevoke = await invite(app, { email_address: 'bob@example.com' });
  const toAccept = await invite(app, { email_address: 'cy@example.com' });
  t.equal((await call(app, { method: 'POST', url: `/v1/invitations/${toRevoke.id}/revoke` })).status, 200);
  t.equal((await call(app, { method: 'POST', url: `/_emulator/invitations/${toAccept.id}/accept` })).status, 200);
  t.equal(
    (await call(app, { method: 'POST', url: '/_emulator/users', payload: { email_address: 'dee@example.com' } }))
      .status,
    200,
  );
  t.equal((await call(app, { method: 'POST', url: '/_emulator/clock', payload: { advance_ms: 60_000 } })).status, 200);
  const mine = await view(t, app, KEY);
  t.equal(mine.invitations.total_count, 3);
  t.equal(mine.emails.total_count, 3);
  t.equal(mine.users.total_count, 2);

  const other = { key: OTHER_KEY };
  t.same(
    await view(t, app, OTHER_KEY),
    { invitations: emptyPage, emails: emptyPage, users: emptyPage, offset: 0 },
    'lists are empty, the clock is untouched',
  );
  for (const url of [
    '/v1/invitations',
    `/v1/invitations?query=${pending.id}`,
    '/v1/invitations?query=ada',
    '/v1/invitations?status=revoked',
  ]) {
    t.same((await call(app, { method: 'GET', url, ...other })).body, [], url);
  }
  t.same((await call(app, { method: 'GET', url: '/_emulator/emails?to=ada@example.com', ...other })).body, emptyPage);
  for (const inv of [pending, toRevoke, toAccept]) {
    clerkError(
      t,
      await call(app, { method: 'POST', url: `/v1/invitations/${inv.id}/revoke`, ...other }),
      404,
      notFound(inv.id),
    );
    clerkError(
      t,
      await call(app, { method: 'POST', url: `/_emulator/invitations/${inv.id}/accept`, ...other }),
      404,
      notFound(inv.id),
    );
    clerkError(
      t,
      await call(app, { method: 'DELETE', url: `/v1/invitations/${inv.id}`, ...other }),
      404,
      notFound(inv.id),
    );
  }

  const reset = await call(app, { method: 'POST', url: '/_emulator/reset', ...other });
  t.same(
    reset.body,
    {
      object: 'reset',
      invitations: 0,
      users: 0,
      emails: 0,
      clock_reset: false,
      webhook_endpoints: 0,
      webhook_messages: 0,
    },
    'reset removes nothing of the first key',
  );
  const clock = await call(app, {
    method: 'POST',
    url: '/_emulator/clock',
    payload: { advance_ms: 3_600_000 },
    ...other,
  });
  t.equal((clock.body as { offset_ms: number }).offset_ms, 3_600_000);

  const same = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'ada@example.com' },
    ...other,
  });
  t.equal(same.status, 200, "the first key's pending invitation is no duplicate for the second");
  const bulk = await call(app, {
    method: 'POST',
    url: '/v1/invitations/bulk',
    payload: [{ email_address: 'bob@example.com' }, { email_address: 'cy@example.com' }],
    ...other,
  });
  t.equal(bulk.status, 200, 'nor are its revoked and accepted ones');
  const user = await call(app, {
    method: 'POST',
    url: '/_emulator/users',
    payload: { email_address: 'dee@example.com' },
    ...other,
  });
  t.equal(user.status, 200, "the first key's user is no taken email for the second");
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/v1/invitations',
        payload: { email_address: 'cy@example.com' },
        ...other,
      })
    ).status,
    400,
    "the second key's own data does count",
  );

  const after = await view(t, app, KEY);
  t.same(after, mine, 'the first key sees exactly what it saw before');
  const theirs = await view(t, app, OTHER_KEY);
  t.same([theirs.invitations.total_count, theirs.emails.total_count, theirs.users.total_count], [3, 3, 1]);
  t.notOk(theirs.invitations.data.some((i: { id: string }) => [pending.id, toRevoke.id, toAccept.id].includes(i.id)));
});

t.test('ticket links belong to their invitation only: accepting one changes no other instance', async (t) => {
  const app = await build(t);
  const a = await invite(app, { email_address: 'same@example.com' });
  const b = await invite(app, { email_address: 'same@example.com' }, OTHER_KEY);
  const page = await call(app, { method: 'GET', url: new URL(a.url).pathname + new URL(a.url).search, key: null });
  t.equal(page.status, 200);
  const theirs = await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
  t.same(
    (theirs.body as { id: string; status: string }[]).map((i) => [i.id, i.status]),
    [[b.id, 'pending']],
  );
  t.same((await call(app, { method: 'GET', url: '/_emulator/users', key: OTHER_KEY })).body, emptyPage);
  const mine = await call(app, { method: 'GET', url: '/_emulator/users' });
  t.same(
    (mine.body as { data: { email_address: string }[] }).data.map((u) => u.email_address),
    ['same@example.com'],
  );
});

t.test(
  "a key's request journal holds its own /v1 requests only: another key neither sees nor empties it",
  async (t) => {
    const app = await build(t);
    await invite(app, { email_address: 'ada@example.com' });
    await call(app, { method: 'GET', url: '/v1/invitations' });
    const journal = async (key: string) => {
      const r = await call(app, { method: 'GET', url: '/_emulator/requests', key });
      t.equal(r.type, 'application/json');
      return r.body as { data: { id: string; method: string; path: string }[]; total_count: number };
    };
    const mine = await journal(KEY);
    t.same(
      mine.data.map((e) => `${e.method} ${e.path}`),
      ['GET /v1/invitations', 'POST /v1/invitations'],
    );

    t.same(await journal(OTHER_KEY), emptyPage, 'the second key sees none of it');
    await call(app, { method: 'GET', url: '/v1/invitations', key: OTHER_KEY });
    t.same((await call(app, { method: 'DELETE', url: '/_emulator/requests', key: OTHER_KEY })).body, {
      object: 'request_journal',
      deleted: 1,
    });
    t.equal((await call(app, { method: 'POST', url: '/_emulator/reset', key: OTHER_KEY })).status, 200);
    t.same(await journal(KEY), mine, "the first key's journal is exactly as it was");
  },
);
t.test("one key's rate limits never refuse, count or change another key's requests", async (t) => {
  const app = await build(t, { rateLimit: 'dev' });
  const bulk = (key: string, n: number) =>
    call(app, { method: 'POST', url: '/v1/invitations/bulk', payload: [{ email_address: `b${n}@example.com` }], key });
  for (let i = 0; i < 25; i++) t.equal((await bulk(KEY, i)).status, 200);
  t.equal((await bulk(KEY, 25)).status, 429, 'the first key is over its bulk limit');
  t.equal(
    (await call(app, { method: 'POST', url: '/_emulator/rate-limits', payload: { profile: 'prod' } })).status,
    200,
  );
  t.equal((await bulk(OTHER_KEY, 0)).status, 200, 'the second key is not');
  const other = (await call(app, { method: 'GET', url: '/_emulator/rate-limits', key: OTHER_KEY })).body as any;
  t.equal(other.profile, 'dev', "the first key's profile is its own");
  t.same(
    other.limits.map((l: { used: number }) => l.used),
    [1, 0, 1],
    "the second key's windows hold its own request only",
  );
  t.equal((await call(app, { method: 'POST', url: '/_emulator/reset', key: OTHER_KEY })).status, 200);
  t.equal((await bulk(KEY, 26)).status, 429, "another key's reset leaves the first key's windows");
});

t.test("one key's faults never touch another key's requests, list, deletes or reset", async (t) => {
  const app = await build(t);
  const post = (payload: Record<string, unknown>, key: string) =>
    call(app, { method: 'POST', url: '/_emulator/faults', payload, key });
  const mine = (await post({ status: 503 }, KEY)).body as { id: string };
  await post({ close: true, when: 'after' }, KEY);
  const other = { key: OTHER_KEY };
  const created = await call(app, {
    method: 'POST',
    url: '/v1/invitations',
    payload: { email_address: 'ada@example.com' },
    ...other,
  });
  t.equal(created.status, 200, "the second key's create is not faulted");
  const id = (created.body as { id: string }).id;
  for (const [method, url] of [
    ['GET', '/v1/invitations'],
    ['POST', `/v1/invitations/${id}/revoke`],
    ['DELETE', `/v1/invitations/${id}`],
  ] as const)
    t.equal((await call(app, { method, url, ...other })).status, 200, `${method} ${url} of the second key`);
  t.same((await call(app, { method: 'GET', url: '/_emulator/faults', ...other })).body, emptyPage, 'no faults listed');
  clerkError(t, await call(app, { method: 'DELETE', url: `/_emulator/faults/${mine.id}`, ...other }), 404, {
    message: 'not found',
    long_message: `No fault was found with id ${mine.id}.`,
    code: 'resource_not_found',
  });
  t.same((await call(app, { method: 'DELETE', url: '/_emulator/faults', ...other })).body, {
    object: 'faults',
    deleted: 0,
  });
  t.equal((await call(app, { method: 'POST', url: '/_emulator/reset', ...other })).status, 200);
  const left = (await call(app, { method: 'GET', url: '/_emulator/faults' })).body as { data: { hits: number }[] };
  t.same(
    left.data.map((f) => f.hits),
    [0, 0],
    "the first key's faults are all there, never hit by the second key's requests",
  );
  t.equal((await call(app, { method: 'GET', url: '/v1/invitations' })).status, 503, 'and still apply to the first key');
});

t.test(
  "one key's webhook endpoints and messages are invisible to another key, and its events never reach them",
  async (t) => {
    const app = await build(t);
    await app.webhooks.worker.stop();
    const ep = (
      await call(app, {
        method: 'POST',
        url: '/_emulator/webhooks/endpoints',
        payload: { url: 'http://127.0.0.1:9/a' },
      })
    ).body as Record<string, any>;
    await invite(app, { email_address: 'hooked@example.com' });
    const other = { key: OTHER_KEY };
    const mine = async () => ({
      endpoints: (await call(app, { method: 'GET', url: '/_emulator/webhooks/endpoints' })).body,
      messages: (await call(app, { method: 'GET', url: '/_emulator/webhooks/messages' })).body as Record<string, any>,
    });
    const before = await mine();
    t.equal(before.messages['total_count'], 1);
    t.same((await call(app, { method: 'GET', url: '/_emulator/webhooks/endpoints', ...other })).body, emptyPage);
    t.same((await call(app, { method: 'GET', url: '/_emulator/webhooks/messages', ...other })).body, emptyPage);
    clerkError(
      t,
      await call(app, { method: 'DELETE', url: `/_emulator/webhooks/endpoints/${ep['id']}`, ...other }),
      404,
      {
        message: 'not found',
        long_message: `No webhook endpoint was found with id ${ep['id']}.`,
        code: 'resource_not_found',
      },
    );
    const msgId = before.messages['data'][0].id;
    clerkError(
      t,
      await call(app, { method: 'POST', url: `/_emulator/webhooks/messages/${msgId}/retry`, ...other }),
      404,
      {
        message: 'not found',
        long_message: `No webhook message was found with id ${msgId}.`,
        code: 'resource_not_found',
      },
    );
    const theirs = await invite(app, { email_address: 'unhooked@example.com' }, OTHER_KEY);
    await call(app, { method: 'POST', url: `/_emulator/invitations/${theirs['id']}/accept`, ...other });
    t.match((await call(app, { method: 'POST', url: '/_emulator/reset', ...other })).body, {
      webhook_endpoints: 0,
      webhook_messages: 0,
    });
    t.same(await mine(), before, "the other key's creates, accept and reset queued and removed nothing of this key's");
  },
);
