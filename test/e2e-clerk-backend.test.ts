// End to end: a real server on a free port, driven by Clerk's own @clerk/backend client, as the README shows.
import { createClerkClient, type Invitation } from '@clerk/backend';
import { ClerkAPIResponseError } from '@clerk/backend/errors';
import t, { type Test } from 'tap';
import { defaultConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { DAY_MS, INV_ID, outbox, serve } from './helper.js';

/** Runs a call that must fail, and returns the SDK's error. */
async function apiError(t: Test, call: Promise<unknown>): Promise<ClerkAPIResponseError> {
  try {
    await call;
  } catch (err) {
    t.ok(err instanceof ClerkAPIResponseError, 'a ClerkAPIResponseError');
    const e = err as ClerkAPIResponseError;
    t.match(e.clerkTraceId, /^[0-9a-f]{32}$/, 'clerkTraceId from the body');
    return e;
  }
  throw new Error('expected the call to fail');
}

const TICKET = /^http:\/\/localhost:\d+\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_-]{43}$/;

t.test('the README example works as written', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: 'sk_test_local', apiUrl: server.url });
  const invitation = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });
  t.equal(invitation.status, 'pending');
  t.match(invitation.url, TICKET);
  t.equal(invitation.url?.startsWith(`http://localhost:${new URL(server.url).port}/`), true, 'links use the real port');
  const { data, totalCount } = await clerk.invitations.getInvitationList();
  t.same(
    data.map((i) => i.id),
    [invitation.id],
  );
  t.equal(totalCount, 1);
  const revoked = await clerk.invitations.revokeInvitation(invitation.id);
  t.equal(revoked.status, 'revoked');
  t.equal(revoked.revoked, true);
  t.equal(revoked.url, undefined);
});

t.test('createInvitation sends every option the way the server reads it', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: 'sk_test_create', apiUrl: server.url });
  const before = Date.now();
  const inv = await clerk.invitations.createInvitation({
    emailAddress: 'Grace@Example.com',
    publicMetadata: { teamId: 't_1', nested: { camelKey: true } },
    redirectUrl: 'https://app.example.com/welcome',
    notify: true,
    ignoreExisting: false,
    expiresInDays: 3,
    templateSlug: 'waitlist_invitation',
  });
  t.match(inv.id, INV_ID);
  t.equal(inv.emailAddress, 'grace@example.com');
  t.same(inv.publicMetadata, { teamId: 't_1', nested: { camelKey: true } }, 'metadata keys are not snake-cased');
  t.ok(inv.createdAt >= before && inv.createdAt === inv.updatedAt);
  t.same(Object.keys(inv.raw ?? {}), [
    'object',
    'id',
    'email_address',
    'public_metadata',
    'status',
    'url',
    'expires_at',
    'created_at',
    'updated_at',
  ]);
  t.equal((inv.raw as unknown as { expires_at: number }).expires_at, inv.createdAt + 3 * DAY_MS);
  t.same(
    outbox(server.app, 'sk_test_create').map((e) => [e['template_slug'], e['redirect_url']]),
    [['waitlist_invitation', 'https://app.example.com/welcome']],
  );

  const quiet = await clerk.invitations.createInvitation({
    emailAddress: 'grace@example.com',
    notify: false,
    ignoreExisting: true,
  });
  t.equal(quiet.status, 'pending');
  t.match(quiet.url, TICKET);
  t.equal(outbox(server.app, 'sk_test_create').length, 1, 'notify: false sent nothing');
});

t.test('getInvitationList sends status, limit, offset, orderBy and query as the server reads them', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: 'sk_test_list', apiUrl: server.url });
  const made: Invitation[] = [];
  for (const name of ['carol', 'alice', 'bob', 'dave'])
    made.push(await clerk.invitations.createInvitation({ emailAddress: `${name}@example.com` }));
  await clerk.invitations.revokeInvitation(made[3]!.id);

  const byEmail = await clerk.invitations.getInvitationList({ orderBy: 'email_address' });
  t.same(
    byEmail.data.map((i) => i.emailAddress),
    ['alice@example.com', 'bob@example.com', 'carol@example.com'],
  );
  t.equal(byEmail.totalCount, 3);
  const page = await clerk.invitations.getInvitationList({ orderBy: '-email_address', limit: 1, offset: 1 });
  t.same(
    page.data.map((i) => i.emailAddress),
    ['bob@example.com'],
  );
  t.equal(page.totalCount, 3);
  const first = await clerk.invitations.getInvitationList({ orderBy: '+email_address', limit: 2, offset: 0 });
  t.same(
    first.data.map((i) => i.emailAddress),
    ['alice@example.com', 'bob@example.com'],
    'offset 0 (which the SDK drops) and + prefix',
  );
  const revoked = await clerk.invitations.getInvitationList({ status: 'revoked' });
  t.same(
    revoked.data.map((i) => [i.emailAddress, i.status, i.revoked]),
    [['dave@example.com', 'revoked', true]],
  );
  const query = await clerk.invitations.getInvitationList({ query: 'ALI' });
  t.same(
    query.data.map((i) => i.id),
    [made[1]!.id],
  );
  const several = await clerk.invitations.getInvitationList({
    status: ['pending', 'revoked'] as unknown as 'pending',
    orderBy: 'created_at',
  });
  t.same(
    several.data.map((i) => i.emailAddress),
    ['carol@example.com', 'alice@example.com', 'bob@example.com', 'dave@example.com'],
    'an array status is sent as repeated status= parameters',
  );
});

t.test('createInvitationBulk and deleteInvitation', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: 'sk_test_bulk', apiUrl: server.url });
  const created = await clerk.invitations.createInvitationBulk([
    { emailAddress: 'one@example.com', publicMetadata: { n: 1 } },
    { emailAddress: 'two@example.com', expiresInDays: 2, notify: false },
  ]);
  t.same(
    created.map((i) => [i.emailAddress, i.publicMetadata, i.status]),
    [
      ['one@example.com', { n: 1 }, 'pending'],
      ['two@example.com', {}, 'pending'],
    ],
  );
  const deleted = await clerk.invitations.deleteInvitation(created[0]!.id);
  t.same({ ...deleted }, { object: 'invitation', id: created[0]!.id, slug: null, deleted: true });
  const { data, totalCount } = await clerk.invitations.getInvitationList();
  t.same(
    data.map((i) => i.id),
    [created[1]!.id],
  );
  t.equal(totalCount, 1);
});

t.test('the SDK surfaces Clerk errors with status, code and trace id', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: 'sk_test_errors', apiUrl: server.url });
  const inv = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });

  const dup = await apiError(t, clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' }));
  t.equal(dup.status, 400);
  t.equal(dup.errors[0]?.code, 'duplicate_record');
  t.same(dup.errors[0]?.meta?.emailAddresses, ['ada@example.com']);

  const bulkDup = await apiError(
    t,
    clerk.invitations.createInvitationBulk([{ emailAddress: 'x@example.com' }, { emailAddress: 'x@example.com' }]),
  );
  t.equal(bulkDup.errors[0]?.code, 'duplicate_record');

  await clerk.invitations.revokeInvitation(inv.id);
  const twice = await apiError(t, clerk.invitations.revokeInvitation(inv.id));
  t.equal(twice.status, 400);
  t.equal(twice.errors[0]?.code, 'invitation_already_revoked');
  t.equal(twice.errors[0]?.longMessage, 'Invitation is already revoked.');

  const unknown = await apiError(t, clerk.invitations.revokeInvitation('inv_missing'));
  t.equal(unknown.status, 404);
  t.equal(unknown.errors[0]?.code, 'resource_not_found');
  const unknownDelete = await apiError(t, clerk.invitations.deleteInvitation('inv_missing'));
  t.equal(unknownDelete.status, 404);

  const invalid = await apiError(t, clerk.invitations.createInvitation({ emailAddress: 'not-an-email' }));
  t.equal(invalid.status, 422);
  t.equal(invalid.errors[0]?.code, 'form_param_format_invalid');
  t.equal(invalid.errors[0]?.meta?.paramName, 'email_address');
});

t.test('in locked mode a bad key is clerk_key_invalid and a good one works', async (t) => {
  const server = await serve(t, { secretKeys: ['sk_test_team_a'] });
  const bad = createClerkClient({ secretKey: 'sk_test_intruder', apiUrl: server.url });
  const e = await apiError(t, bad.invitations.getInvitationList());
  t.equal(e.status, 401);
  t.equal(e.errors[0]?.code, 'clerk_key_invalid');
  const good = createClerkClient({ secretKey: 'sk_test_team_a', apiUrl: server.url });
  t.same(await good.invitations.getInvitationList(), { data: [], totalCount: 0 });
});

t.test(
  'a client like the Ruby and Python ones (no paginated, no Clerk-API-Version, limit=10) gets bare arrays',
  async (t) => {
    const server = await serve(t);
    const headers = { authorization: 'Bearer sk_test_ruby', 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/v1/invitations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email_address: 'ruby@example.com' }),
    });
    t.equal(created.status, 200);
    t.equal(created.headers.get('content-type'), 'application/json');
    const inv = (await created.json()) as { id: string };
    const res = await fetch(`${server.url}/v1/invitations?limit=10&offset=0&status=pending`, {
      headers: { authorization: 'Bearer sk_test_ruby' },
    });
    t.equal(res.status, 200);
    t.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as { id: string }[];
    t.ok(Array.isArray(body), 'a bare array');
    t.same(
      body.map((i) => i.id),
      [inv.id],
    );
    const revoked = await fetch(`${server.url}/v1/invitations/${inv.id}/revoke`, { method: 'POST', headers });
    t.equal(revoked.status, 200, 'revoke with Content-Type: application/json and no body');
  },
);

t.test('startServer reports a taken port and leaves nothing open', async (t) => {
  const server = await serve(t);
  const port = Number(new URL(server.url).port);
  await t.rejects(startServer(defaultConfig({ port })), { code: 'EADDRINUSE' });
  const health = await fetch(`${server.url}/_emulator/health`);
  t.same(
    { status: health.status, type: health.headers.get('content-type'), body: await health.json() },
    { status: 200, type: 'application/json', body: { status: 'ok' } },
    'the first server still answers',
  );
});

t.test(
  'over the dev rate limit @clerk/backend throws a ClerkAPIResponseError with status 429 and retryAfter',
  async (t) => {
    const server = await serve(t, { rateLimit: 'dev' });
    const key = 'sk_test_rate_limited';
    const clerk = createClerkClient({ secretKey: key, apiUrl: server.url });
    const control = (path: string, body?: unknown) =>
      fetch(`${server.url}/_emulator/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((r) => r.json() as Promise<any>);
    for (let i = 0; i < 100; i++) await clerk.invitations.getInvitationList();
    // 2.5 s before the oldest request leaves the window, whatever the time the hundred took.
    const wait = (await control('rate-limits')).limits[0].retry_after_ms as number;
    await control('clock', { advance_ms: wait - 2_500 });
    const e = await apiError(t, clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' }));
    t.equal(e.status, 429);
    t.equal(e.retryAfter, 3, 'Retry-After, in whole seconds');
    t.equal(e.message, 'Too Many Requests');
    t.same(
      e.errors.map((x) => [x.code, x.message, x.longMessage]),
      [['too_many_requests', 'Too many requests', 'Too many requests, retry later']],
    );
    await control('clock', { advance_ms: (e.retryAfter as number) * 1000 });
    const inv = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });
    t.equal(inv.emailAddress, 'ada@example.com', 'waiting Retry-After on the instance clock is enough');
  },
);
