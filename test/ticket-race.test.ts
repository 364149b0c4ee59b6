import t from 'tap';
import { build, call, invite, KEY, serve } from './helper.js';

const CLICKS = 20;

t.test('many simultaneous injected clicks on one link accept it once', async (t) => {
  const app = await build(t);
  const inv = await invite(app, { email_address: 'ada@example.com', redirect_url: 'https://app.example.com/welcome' });
  const u = new URL(inv.url);
  const replies = await Promise.all(
    Array.from({ length: CLICKS }, () => app.inject({ method: 'GET', url: u.pathname + u.search })),
  );
  const codes = replies.map((r) => r.statusCode).sort();
  t.same(codes, [303, ...Array(CLICKS - 1).fill(400)]);
  t.equal(((await call(app, { method: 'GET', url: '/_emulator/users' })).body as any).total_count, 1);
});

t.test('many simultaneous clicks through a real server accept it once', async (t) => {
  const server = await serve(t);
  const post = await fetch(`${server.url}/v1/invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: 'ada@example.com' }),
  });
  const inv = (await post.json()) as { url: string };
  t.ok(inv.url.startsWith(`http://localhost:${new URL(server.url).port}/`), 'the link points at the listening port');
  const replies = await Promise.all(
    Array.from({ length: CLICKS }, async () => {
      const r = await fetch(inv.url.replace('http://localhost', 'http://127.0.0.1'), { redirect: 'manual' });
      await r.text();
      return { status: r.status, type: r.headers.get('content-type') };
    }),
  );
  t.same(
    replies.filter((r) => r.status === 200),
    [{ status: 200, type: 'text/html; charset=utf-8' }],
  );
  t.equal(replies.filter((r) => r.status === 400).length, CLICKS - 1);
  const users = await fetch(`${server.url}/_emulator/users`, { headers: { authorization: `Bearer ${KEY}` } });
  t.equal(((await users.json()) as { total_count: number }).total_count, 1);
});
