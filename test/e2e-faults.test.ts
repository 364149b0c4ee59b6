// End to end: what an app built on @clerk/backend sees when a fault is injected, against a real server.
import { createClerkClient } from '@clerk/backend';
import { ClerkAPIResponseError } from '@clerk/backend/errors';
import t, { type Test } from 'tap';
import { INV_ID, serve } from './helper.js';

const KEY = 'sk_test_faults_e2e';

/** Adds a fault through the control API, as a test would with fetch. */
async function addFault(url: string, fault: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${url}/_emulator/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (r.status !== 201) throw new Error(`fault refused: ${await r.text()}`);
}

/** Runs a call that must fail, and returns the SDK's error. */
async function sdkError(t: Test, call: Promise<unknown>): Promise<ClerkAPIResponseError> {
  try {
    await call;
  } catch (err) {
    t.ok(err instanceof ClerkAPIResponseError, 'a ClerkAPIResponseError');
    return err as ClerkAPIResponseError;
  }
  throw new Error('expected the call to fail');
}

/** The fields of the SDK's error an app branches on. */
const seen = (e: ClerkAPIResponseError) => ({
  status: e.status,
  retryAfter: e.retryAfter,
  errors: e.errors.map(({ code, message, longMessage }) => ({ code, message, longMessage })),
});

t.test('a 503 once, then the app retries and succeeds', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: KEY, apiUrl: server.url });
  await addFault(server.url, { method: 'POST', path: '/v1/invitations', status: 503, retry_after: 2, times: 1 });
  const first = await sdkError(t, clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' }));
  t.same(seen(first), {
    status: 503,
    retryAfter: 2,
    errors: [
      {
        code: 'service_unavailable',
        message: 'Service unavailable',
        longMessage: 'The service is temporarily unavailable; retry later.',
      },
    ],
  });
  t.match(first.clerkTraceId, /^[0-9a-f]{32}$/);
  const retried = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });
  t.match(retried.id, INV_ID);
  t.equal(retried.status, 'pending');
  const { totalCount } = await clerk.invitations.getInvitationList();
  t.equal(totalCount, 1, 'one invitation: the 503 wrote nothing');
});

t.test('a 500 after the create committed: the retry meets duplicate_record', async (t) => {
  const server = await serve(t);
  const clerk = createClerkClient({ secretKey: KEY, apiUrl: server.url });
  await addFault(server.url, { method: 'POST', path: '/v1/invitations', status: 500, when: 'after', times: 1 });
  const lost = await sdkError(t, clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' }));
  t.same(seen(lost), {
    status: 500,
    retryAfter: undefined,
    errors: [
      {
        code: 'internal_clerk_error',
        message: 'Oops, an unexpected error occurred',
        longMessage: "There was an internal error on our servers. We've been notified and are working on fixing it.",
      },
    ],
  });
  const retry = await sdkError(t, clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' }));
  t.same(seen(retry), {
    status: 400,
    retryAfter: undefined,
    errors: [
      {
        code: 'duplicate_record',
        message: 'duplicate invitation',
        longMessage: 'There are already pending invitations for the following email addresses: ada@example.com',
      },
    ],
  });
  t.same(retry.errors[0]?.meta, { emailAddresses: ['ada@example.com'] }, 'meta, camel-cased by the SDK');
  const { data } = await clerk.invitations.getInvitationList();
  t.same(
    data.map((i) => [i.emailAddress, i.status]),
    [['ada@example.com', 'pending']],
    'the first create is there',
  );
  // What an idempotent app does: ignoreExisting makes the retry succeed with the existing invitation.
  const again = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com', ignoreExisting: true });
  t.equal(again.emailAddress, 'ada@example.com');
});

t.test(
  'close: the SDK raises a ClerkAPIResponseError with no status and unexpected_error "fetch failed"',
  async (t) => {
    const server = await serve(t);
    const clerk = createClerkClient({ secretKey: KEY, apiUrl: server.url });
    await addFault(server.url, { method: 'GET', path: '/v1/invitations', close: true, times: 1 });
    const dropped = await sdkError(t, clerk.invitations.getInvitationList());
    t.same(
      { ...seen(dropped), clerkTraceId: dropped.clerkTraceId },
      {
        status: undefined,
        retryAfter: undefined,
        errors: [{ code: 'unexpected_error', message: 'fetch failed', longMessage: undefined }],
        clerkTraceId: '',
      },
      'no status, no trace id: the answer never came',
    );
    t.same(await clerk.invitations.getInvitationList(), { data: [], totalCount: 0 }, 'the next call is answered');
  },
);
