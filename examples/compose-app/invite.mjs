// The compose example's app: plain fetch against CLERK_API_URL with CLERK_SECRET_KEY, as any Clerk client does
// once its base URL points at the emulator; and a webhook route the emulator calls (WEBHOOK_URL), verified with
// CLERK_WEBHOOK_SIGNING_SECRET, so the app learns of the sign-up when the invitation link is clicked.
import { POST, received } from '../webhooks-route.mjs';
import { serveRoute } from './webhooks.mjs';

const api = process.env.CLERK_API_URL ?? 'http://localhost:4010';
const headers = { authorization: `Bearer ${process.env.CLERK_SECRET_KEY}`, 'content-type': 'application/json' };
const server = await serveRoute(POST, Number(process.env.PORT ?? 3000));

const created = await fetch(`${api}/v1/invitations`, {
  method: 'POST',
  headers,
  body: JSON.stringify({ email_address: `guest-${Date.now()}@example.com`, public_metadata: { plan: 'pro' } }),
});
const invitation = await created.json();
console.log('create:', created.status, invitation.id, invitation.email_address);

const listed = await fetch(`${api}/v1/invitations?paginated=true&limit=5`, { headers });
const { data, total_count } = await listed.json();
console.log(
  `list: ${total_count} invitation(s); newest:`,
  data.map((i) => `${i.email_address} (${i.status})`),
);

// The invitee clicks the link (its host is PUBLIC_URL, the browser's; from inside the network it is CLERK_API_URL).
const link = new URL(invitation.url);
const clicked = await fetch(`${api}${link.pathname}${link.search}`, { redirect: 'manual' });
console.log('link clicked:', clicked.status);

// Clerk sends user.created for the new user; wait for it (email.created came first, for the invitation email).
for (let i = 0; i < 100 && !received.some((r) => r.startsWith('user.created')); i++)
  await new Promise((r) => setTimeout(r, 100));
for (const line of received) console.log('webhook:', line);
server.close();
process.exitCode = received.some((r) => r.startsWith('user.created')) ? 0 : 1;
