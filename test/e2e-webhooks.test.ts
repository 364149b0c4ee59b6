// End to end: an app on @clerk/backend invites through a listening emulator started with WEBHOOK_URL; the
// invitee clicks the link; the app's endpoint verifies every delivery with verifyWebhook.
import { createClerkClient } from '@clerk/backend';
import t from 'tap';
import { serve } from './helper.js';
import { checkDelivery, receiver } from './webhook-receiver.js';

const KEY = 'sk_test_webhooks_e2e';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

t.test('WEBHOOK_URL receives email.created for the invitation and user.created when its link is clicked', async (t) => {
  const hook = await receiver(t);
  const server = await serve(t, { webhookUrl: hook.url, webhookSecret: SECRET });
  const clerk = createClerkClient({ secretKey: KEY, apiUrl: server.url });
  const invitation = await clerk.invitations.createInvitation({
    emailAddress: 'ada@example.com',
    publicMetadata: { role: 'admin' },
    redirectUrl: 'http://localhost:3000/welcome',
  });
  const bulk = await clerk.invitations.createInvitationBulk([
    { emailAddress: 'b@example.com' },
    { emailAddress: 'c@example.com', notify: false },
  ]);
  t.equal(bulk.length, 2);
  const clicked = await fetch(invitation.url!, { redirect: 'manual' });
  t.equal(clicked.status, 303);
  const deliveries = await hook.waitFor(3);
  const events = [];
  for (const d of deliveries) events.push(await checkDelivery(t, d, SECRET));
  t.same(
    events
      .map((e) => [
        e['type'],
        e['type'] === 'user.created' ? e['data'].email_addresses[0].email_address : e['data'].to_email_address,
      ])
      .sort(),
    [
      ['email.created', 'ada@example.com'],
      ['email.created', 'b@example.com'],
      ['user.created', 'ada@example.com'],
    ],
  );
  const user = events.find((e) => e['type'] === 'user.created')!;
  t.same(user['data'].public_metadata, { role: 'admin' });
  t.equal(new Set(events.map((e) => e['instance_id'])).size, 1, 'one instance, one ins_ id');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(hook.deliveries.length, 3, 'nothing for notify: false');
});
