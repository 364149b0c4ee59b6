// @clerk/backend against the emulator: the only change from production is apiUrl.
//   CLERK_API_URL=http://localhost:4010 CLERK_SECRET_KEY=sk_test_local node examples/clerk-backend.mjs
import { createClerkClient } from '@clerk/backend';

const clerk = createClerkClient({
  secretKey: process.env.CLERK_SECRET_KEY ?? 'sk_test_local',
  apiUrl: process.env.CLERK_API_URL ?? 'http://localhost:4010',
});

const invitation = await clerk.invitations.createInvitation({
  emailAddress: 'ada@example.com',
  publicMetadata: { role: 'admin' },
  redirectUrl: 'http://localhost:3000/welcome',
  ignoreExisting: true,
});
console.log('created', invitation.id, invitation.status, invitation.url);

const { data, totalCount } = await clerk.invitations.getInvitationList({ status: 'pending' });
console.log('pending', totalCount, data.map((i) => i.emailAddress).join(', '));

const revoked = await clerk.invitations.revokeInvitation(invitation.id);
console.log('revoked', revoked.id, revoked.status);
