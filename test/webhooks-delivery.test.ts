// Webhook deliveries (contract §11) to a real HTTP endpoint, each checked with @clerk/backend's verifyWebhook
// and against Clerk's webhook schemas.
import t from 'tap';
import { build, call, invite, KEY } from './helper.js';
import { checkDelivery, receiver } from './webhook-receiver.js';

const EP_ID = /^ep_[0-9A-Za-z]{27}$/;
const MSG_ID = /^msg_[0-9A-Za-z]{27}$/;
const INS_ID = /^ins_[0-9A-Za-z]{27}$/;

t.test('an invitation created with notify is delivered as email.created that verifyWebhook accepts', async (t) => {
  const app = await build(t);
  const hook = await receiver(t);
  const ep = await call(app, { method: 'POST', url: '/_emulator/webhooks/endpoints', payload: { url: hook.url } });
  t.equal(ep.status, 201);
  const secret = (ep.body as { secret: string }).secret;
  const inv = await invite(app, { email_address: 'ada@example.com', public_metadata: { role: 'admin' } });
  const [d] = await hook.waitFor(1);
  const event = await checkDelivery(t, d!, secret);
  const emails = await call(app, { method: 'GET', url: '/_emulator/emails' });
  const email = (emails.body as { data: Record<string, any>[] }).data[0]!;
  t.match(event['instance_id'], INS_ID);
  t.same(event, {
    data: {
      object: 'email',
      id: email['id'],
      slug: 'invitation',
      from_email_name: 'notifications',
      to_email_address: 'ada@example.com',
      email_address_id: null,
      user_id: null,
      subject: "You're invited",
      body: event['data'].body,
      body_plain: `You have been invited to clerk-invitations-mock.\n\nAccept invitation: ${inv['url']}\n`,
      status: 'queued',
      delivered_by_clerk: true,
      data: {
        app: { name: 'clerk-invitations-mock', domain_name: 'localhost:4010', url: 'http://localhost:4010' },
        action_url: inv['url'],
      },
    },
    object: 'event',
    type: 'email.created',
    timestamp: inv['created_at'],
    instance_id: event['instance_id'],
    event_attributes: { http_request: { client_ip: '', user_agent: '' } },
  });
  t.ok(
    String(event['data'].body).includes(String(inv['url']).replace(/&/g, '&#38;')),
    'the HTML body links the invitation',
  );
  t.match(d!.headers['svix-id'], MSG_ID);
  t.match((ep.body as { id: string }).id, EP_ID);
});
