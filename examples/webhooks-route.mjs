// A Next.js-style route handler (app/api/webhooks/route.js), written as Clerk's docs write it: verifyWebhook
// reads CLERK_WEBHOOK_SIGNING_SECRET, checks the Svix signature and returns the event. Against the emulator
// nothing changes: give it the secret the emulator printed (WEBHOOK_SECRET) or the endpoint's `secret`.
// In Next.js, import from '@clerk/nextjs/webhooks' instead; the function is the same.
import { verifyWebhook } from '@clerk/backend/webhooks';

/** What the app did with each verified event, for the example's own output. */
export const received = [];

export async function POST(request) {
  try {
    const evt = await verifyWebhook(request);
    if (evt.type === 'user.created') {
      // Where an app creates its own user row for the invitee who just signed up.
      const email = evt.data.email_addresses.find((e) => e.id === evt.data.primary_email_address_id);
      received.push(`user.created ${evt.data.id} ${email?.email_address} ${JSON.stringify(evt.data.public_metadata)}`);
    } else if (evt.type === 'email.created') {
      received.push(`email.created ${evt.data.to_email_address} ${evt.data.data.action_url}`);
    }
    return new Response('Webhook received', { status: 200 });
  } catch (err) {
    received.push(`refused: ${err.message}`);
    return new Response('Error verifying webhook', { status: 400 });
  }
}
