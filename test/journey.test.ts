import t from 'tap';
import { serve } from './helper.js';

// What a test suite does against a running emulator, with plain fetch, the way the README shows it.
t.test('two workers run the whole journey side by side without seeing each other', async (t) => {
  const server = await serve(t);
  // Links use localhost; the server listens on 127.0.0.1 only.
  const local = (url: string) => url.replace('//localhost:', '//127.0.0.1:');

  const journey = async (key: string, email: string) => {
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      t.equal(res.headers.get('content-type'), 'application/json', `${method} ${path}`);
      return { status: res.status, body: (await res.json()) as any };
    };

    const existing = await api('POST', '/_emulator/users', { email_address: 'taken@example.com' });
    t.equal(existing.status, 200);
    const refused = await api('POST', '/v1/invitations', { email_address: 'taken@example.com' });
    t.equal(refused.body.errors[0].code, 'form_identifier_exists');

    const created = await api('POST', '/v1/invitations', {
      email_address: email,
      redirect_url: 'https://app.example.com/accept?from=mail',
    });
    t.equal(created.status, 200);
    const mail = await api('GET', `/_emulator/emails?to=${encodeURIComponent(email)}`);
    t.equal(mail.body.total_count, 1);
    const [message] = mail.body.data;
    t.same([message.invitation_id, message.url], [created.body.id, created.body.url]);

    const click = await fetch(local(message.url), { redirect: 'manual' });
    const ticket = new URL(message.url).searchParams.get('ticket');
    t.same(
      [click.status, click.headers.get('location')],
      [303, `https://app.example.com/accept?from=mail&__clerk_ticket=${ticket}`],
    );

    const accepted = await api('GET', '/v1/invitations?status=accepted&paginated=true');
    t.same(
      accepted.body.data.map((i: any) => [i.id, i.email_address]),
      [[created.body.id, email]],
    );
    const users = await api('GET', '/_emulator/users');
    t.same(
      users.body.data.map((u: any) => u.email_address),
      [email, 'taken@example.com'],
    );

    const reset = await api('POST', '/_emulator/reset');
    t.same(reset.body, {
      object: 'reset',
      invitations: 1,
      users: 2,
      emails: 1,
      clock_reset: false,
      webhook_endpoints: 0,
      webhook_messages: 0,
    });
    t.same((await api('GET', '/v1/invitations')).body, []);
  };

  await Promise.all([journey('sk_test_worker_a', 'a@example.com'), journey('sk_test_worker_b', 'b@example.com')]);
});
