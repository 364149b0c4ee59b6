import { join } from 'node:path';
import t from 'tap';
import { type CliProcess, spawnCli } from './cli-process.js';
import { KEY } from './helper.js';

// Two server processes on one database file (WAL, busy_timeout): writers wait for each other, so no
// SQLITE_BUSY reaches a client and the duplicate checks hold across processes. MULTI_PROCESS_EMAILS scales it.
const EMAILS = Number(process.env['MULTI_PROCESS_EMAILS'] ?? 20);

interface Answer {
  status: number;
  code: string | undefined;
  body: any;
}

const send = async (server: CliProcess, method: string, path: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as any;
  return { status: res.status, code: json.errors?.[0]?.code, body: json };
};

t.test('two processes sharing one database file: no 5xx and one pending invitation per email', async (t) => {
  const file = join(t.testdir(), 'shared.db');
  const [a, b] = await Promise.all([spawnCli(t, ['--db', file]), spawnCli(t, ['--db', file])]);
  const servers = [a, b, a, b];
  const emails = Array.from({ length: EMAILS }, (_, i) => `both-${i}@example.com`);
  const all: Answer[] = [];
  const run = async (jobs: Promise<Answer>[]) => {
    const answers = await Promise.all(jobs);
    all.push(...answers);
    return answers;
  };

  const created = await Promise.all(
    emails.map((email_address) => run(servers.map((s) => send(s, 'POST', '/v1/invitations', { email_address })))),
  );
  t.ok(
    created.every((answers) => answers.filter((x) => x.status === 200).length === 1),
    'each email: exactly one create succeeded',
  );
  t.ok(
    created.flat().every((x) => x.status === 200 || x.code === 'duplicate_record'),
    'the others are duplicate_record',
  );

  const second = await Promise.all(
    created.map(async (answers, i) => {
      const id = answers.find((x) => x.status === 200)!.body.id as string;
      const revokes = run(servers.map((s) => send(s, 'POST', `/v1/invitations/${id}/revoke`)));
      const creates = run([a, b].map((s) => send(s, 'POST', '/v1/invitations', { email_address: emails[i] })));
      return { revokes: await revokes, creates: await creates };
    }),
  );
  t.ok(
    second.every(({ revokes }) => revokes.filter((x) => x.status === 200).length === 1),
    'each invitation: exactly one revoke succeeded',
  );
  t.ok(
    second.every(({ revokes }) => revokes.every((x) => x.status === 200 || x.code === 'invitation_already_revoked')),
    'the others are already_revoked',
  );

  const third = await Promise.all(
    emails.map((email_address) => run(servers.map((s) => send(s, 'POST', '/v1/invitations', { email_address })))),
  );
  t.ok(
    emails.every((_, i) => [...second[i]!.creates, ...third[i]!].filter((x) => x.status === 200).length === 1),
    'each email: exactly one create succeeded after the revoke',
  );

  t.same(
    all.filter((x) => x.status >= 500).map((x) => x.body),
    [],
    'no 5xx, SQLITE_BUSY included',
  );
  const lists = await Promise.all(
    [a, b].map((s) => send(s, 'GET', '/v1/invitations?status=pending&limit=500&order_by=email_address')),
  );
  const pending = lists[0]!.body.map((inv: { email_address: string }) => inv.email_address);
  t.same(pending, [...emails].sort(), 'exactly one pending invitation per email');
  // Links differ (each process builds them from its own port); everything else is the same row.
  const rows = (list: Answer) => list.body.map(({ url: _, ...rest }: { url: string }) => rest);
  t.same(rows(lists[1]!), rows(lists[0]!), 'both processes see the same data');

  a.proc.kill('SIGTERM');
  b.proc.kill('SIGTERM');
  t.same(await Promise.all([a.exited, b.exited]), [0, 0], 'both stop cleanly');
});

t.test("two processes sharing one database file see each other's clock changes at once", async (t) => {
  const file = join(t.testdir(), 'clock.db');
  const [a, b] = await Promise.all([spawnCli(t, ['--db', file]), spawnCli(t, ['--db', file])]);
  // b has seen the key before the change, so nothing it remembers about the key may hide the new offset.
  t.equal((await send(b, 'GET', '/_emulator/clock')).body.offset_ms, 0);
  const set = await send(a, 'POST', '/_emulator/clock', { now: 4_102_444_800_000 });
  t.equal(set.status, 200);
  const seen = await send(b, 'GET', '/_emulator/clock');
  t.same([seen.status, seen.body.offset_ms], [200, set.body.offset_ms], 'b reads the offset a set');
  const created = await send(b, 'POST', '/v1/invitations', { email_address: 'later@example.com' });
  t.ok(created.body.created_at >= 4_102_444_800_000, 'b stamps with the instance clock a set');
  await send(a, 'POST', '/_emulator/reset');
  t.equal((await send(b, 'GET', '/_emulator/clock')).body.offset_ms, 0, 'b sees the reset clock');

  a.proc.kill('SIGTERM');
  b.proc.kill('SIGTERM');
  t.same(await Promise.all([a.exited, b.exited]), [0, 0], 'both stop cleanly');
});
