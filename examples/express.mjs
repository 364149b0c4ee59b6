// An Express app using @clerk/express (npm install express @clerk/express). Its clerkClient reads
// CLERK_SECRET_KEY and CLERK_API_URL from the environment, so pointing it at the emulator is:
//   CLERK_API_URL=http://localhost:4010 CLERK_SECRET_KEY=sk_test_local node examples/express.mjs
// (PORT sets the app's own port, 3000 by default.)
//   curl -X POST localhost:3000/invite -H 'content-type: application/json' -d '{"email":"ada@example.com"}'
import { clerkClient } from '@clerk/express';
import { verifyWebhook } from '@clerk/express/webhooks';
import express from 'express';

const app = express();

// Clerk's webhooks, as Clerk's docs handle them: the emulator sends user.created when an invitee signs up
// (start it with WEBHOOK_URL=http://localhost:3000/api/webhooks; give this app CLERK_WEBHOOK_SIGNING_SECRET,
// the secret its banner prints). verifyWebhook reads the raw body, so this route comes before express.json().
app.post('/api/webhooks', async (req, res) => {
  try {
    const evt = await verifyWebhook(req);
    if (evt.type === 'user.created')
      console.log('user.created', evt.data.id, evt.data.email_addresses[0]?.email_address);
    res.send('Webhook received');
  } catch {
    res.status(400).send('Error verifying webhook');
  }
});
app.use(express.json());

app.post('/invite', async (req, res, next) => {
  try {
    const invitation = await clerkClient.invitations.createInvitation({ emailAddress: req.body.email });
    res.json({ id: invitation.id, url: invitation.url });
  } catch (err) {
    next(err);
  }
});

app.get('/invitations', async (_req, res, next) => {
  try {
    const { data, totalCount } = await clerkClient.invitations.getInvitationList();
    res.json({ totalCount, emails: data.map((i) => i.emailAddress) });
  } catch (err) {
    next(err);
  }
});

// Clerk's refusals (a ClerkAPIResponseError: status and errors, e.g. 400 duplicate_record) go back to the caller as
// JSON with Clerk's status; anything else is a 500 with no stack trace (Express's own handler answers HTML).
app.use((err, _req, res, _next) => {
  if (typeof err?.status === 'number' && Array.isArray(err.errors)) {
    res
      .status(err.status)
      .json({ errors: err.errors.map(({ code, message, longMessage }) => ({ code, message, longMessage })) });
    return;
  }
  console.error(err);
  res.status(500).json({ errors: [{ code: 'internal_error', message: 'Something went wrong' }] });
});

const server = app.listen(Number(process.env.PORT ?? 3000), (err) => {
  if (err) throw err;
  console.log(`app on http://localhost:${server.address().port}, Clerk API at ${process.env.CLERK_API_URL}`);
});
