// An Express app using @clerk/express (npm install express @clerk/express). Its clerkClient reads
// CLERK_SECRET_KEY and CLERK_API_URL from the environment, so pointing it at the emulator is:
//   CLERK_API_URL=http://localhost:4010 CLERK_SECRET_KEY=sk_test_local node examples/express.mjs
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

app.listen(3000, () => console.log('app on http://localhost:3000, Clerk API at', process.env.CLERK_API_URL));
