// A test file for any runner (here node:test: node --test examples/invitations.test.mjs): one
// emulator for the file, on a free port with an in-memory database, emptied between tests.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createClerkClient } from '@clerk/backend';
import { startEmulator } from 'clerk-invitations-mock';

let emulator;
let clerk;

before(async () => {
  emulator = await startEmulator();
  clerk = createClerkClient({ secretKey: emulator.secretKey, apiUrl: emulator.url });
});
beforeEach(() => emulator.reset());
after(() => emulator.close());

test('inviting someone creates a pending invitation', async () => {
  const invitation = await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });
  assert.equal(invitation.status, 'pending');
  const { totalCount } = await clerk.invitations.getInvitationList();
  assert.equal(totalCount, 1);
});

test('inviting the same address twice is refused, as Clerk does', async () => {
  await clerk.invitations.createInvitation({ emailAddress: 'grace@example.com' });
  await assert.rejects(clerk.invitations.createInvitation({ emailAddress: 'grace@example.com' }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.errors[0].code, 'duplicate_record');
    return true;
  });
});
