// The compose example's app: plain fetch against CLERK_API_URL with CLERK_SECRET_KEY, as any
// Clerk client does once its base URL points at the emulator.
const api = process.env.CLERK_API_URL ?? 'http://localhost:4010';
const headers = { authorization: `Bearer ${process.env.CLERK_SECRET_KEY}`, 'content-type': 'application/json' };

const created = await fetch(`${api}/v1/invitations`, {
  method: 'POST',
  headers,
  body: JSON.stringify({ email_address: `guest-${Date.now()}@example.com`, ignore_existing: true }),
});
console.log('create:', created.status, await created.json());

const listed = await fetch(`${api}/v1/invitations?paginated=true&limit=5`, { headers });
const { data, total_count } = await listed.json();
console.log(
  `list: ${total_count} invitation(s); newest:`,
  data.map((i) => `${i.email_address} (${i.status})`),
);
