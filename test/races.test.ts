import t, { type Test } from 'tap';
import { KEY, serve } from './helper.js';

// Through a real listening server, many requests at once: the store's IMMEDIATE transactions make
// every check-then-write atomic. RACE_SIZE makes the runs bigger.
const SIZE = Number(process.env['RACE_SIZE'] ?? 100);

interface Answer {
  status: number;
  type: string | null;
  body: any;
}

async function sender(t: Test) {
  const server = await serve(t);
  const send = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
  return send;
}

const codes = (answers: Answer[]) =>
  answers.map((a) => (a.status === 200 ? 'ok' : `${a.status} ${a.body.errors?.[0]?.code}`));
const tally = (answers: Answer[]) =>
  codes(answers).reduce<Record<string, number>>((acc, c) => {
    acc[c] = (acc[c] ?? 0) + 1;
    return acc;
  }, {});

t.test(`${SIZE} concurrent creates of one email give exactly one invitation`, async (t) => {
  const send = await sender(t);
  const answers = await Promise.all(
    Array.from({ length: SIZE }, () => send('POST', '/v1/invitations', { email_address: 'race@example.com' })),
  );
  t.same(tally(answers), { ok: 1, '400 duplicate_record': SIZE - 1 });
  t.ok(answers.every((a) => a.type === 'application/json'));
  const pending = await send('GET', '/v1/invitations?status=pending&paginated=true');
  t.equal(pending.body.total_count, 1);
  t.equal(pending.body.data[0].id, answers.find((a) => a.status === 200)!.body.id);
});

t.test(`${SIZE} concurrent revokes of one invitation give exactly one success`, async (t) => {
  const send = await sender(t);
  const created = await send('POST', '/v1/invitations', { email_address: 'revoke@example.com' });
  const answers = await Promise.all(
    Array.from({ length: SIZE }, () => send('POST', `/v1/invitations/${created.body.id}/revoke`)),
  );
  t.same(tally(answers), { ok: 1, '400 invitation_already_revoked': SIZE - 1 });
  const revoked = answers.find((a) => a.status === 200)!.body;
  t.same([revoked.status, revoked.revoked, revoked.url], ['revoked', true, undefined]);
});

t.test('concurrent bulks sharing emails never both succeed for the same email', async (t) => {
  const send = await sender(t);
  const pool = Array.from({ length: 12 }, (_, i) => `shared-${i}@example.com`);
  // Each bulk takes 3 addresses from a sliding window, so neighbours overlap by one or two.
  const bulks = Array.from({ length: SIZE }, (_, i) =>
    [0, 1, 2].map((k) => pool[(i + k * (1 + (i % 3))) % pool.length]!),
  );
  const answers = await Promise.all(
    bulks.map((emails) =>
      send(
        'POST',
        '/v1/invitations/bulk',
        emails.map((email_address) => ({ email_address })),
      ),
    ),
  );
  t.ok(
    answers.every((a) => a.status === 200 || (a.status === 400 && a.body.errors[0].code === 'duplicate_record')),
    'only successes and duplicate_record',
  );
  const won = new Map<string, number>();
  answers.forEach((a, i) => {
    if (a.status !== 200) return;
    t.same(
      a.body.map((inv: { email_address: string }) => inv.email_address),
      bulks[i],
      'a successful bulk created all its items, in order',
    );
    for (const email of bulks[i]!) won.set(email, (won.get(email) ?? 0) + 1);
  });
  t.ok(
    [...won.values()].every((n) => n === 1),
    `no email won twice (${won.size} emails invited by ${tally(answers)['ok']} bulks)`,
  );
  const pending = await send('GET', '/v1/invitations?status=pending&limit=500');
  const perEmail = new Map<string, number>();
  for (const inv of pending.body as { email_address: string }[])
    perEmail.set(inv.email_address, (perEmail.get(inv.email_address) ?? 0) + 1);
  t.same(
    Object.fromEntries(perEmail),
    Object.fromEntries(won),
    'the stored pending invitations are exactly those answered 200',
  );
});
