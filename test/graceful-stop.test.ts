import { existsSync, statSync } from 'node:fs';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { spawnCli } from './cli-process.js';
import { KEY } from './helper.js';

/** A POST whose body is sent in two halves, so it is in flight for as long as the test likes. */
function halfSent(
  url: string,
  path: string,
  body: unknown,
): {
  req: ClientRequest;
  finish: () => void;
  reply: Promise<{ status: number | undefined; type: string | undefined; body: any }>;
} {
  const text = JSON.stringify(body);
  const req = request(url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    },
  });
  const reply = new Promise<{ status: number | undefined; type: string | undefined; body: any }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode, type: res.headers['content-type'], body: JSON.parse(data) }),
      );
    });
    req.on('error', reject);
  });
  const half = Math.floor(text.length / 2);
  req.write(text.slice(0, half));
  return { req, reply, finish: () => req.end(text.slice(half)) };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`on ${signal} the server stops accepting, finishes in-flight requests, checkpoints and exits 0`, async (t) => {
    const file = join(t.testdir(), 'stop.db');
    const server = await spawnCli(t, ['--db', file, '--log-level', 'debug']);
    const before = await fetch(`${server.url}/v1/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email_address: 'before@example.com' }),
    });
    t.equal(before.status, 200);

    const single = halfSent(server.url, '/v1/invitations', {
      email_address: 'inflight@example.com',
      public_metadata: { n: 1 },
    });
    const bulk = halfSent(server.url, '/v1/invitations/bulk', [
      { email_address: 'bulk-1@example.com' },
      { email_address: 'bulk-2@example.com' },
    ]);
    // At debug the server logs each request once its headers are read: from then on it is in flight.
    await server.line(/"url":"\/v1\/invitations".*"msg":"incoming request"/);
    await server.line(/"url":"\/v1\/invitations\/bulk".*"msg":"incoming request"/);

    server.proc.kill(signal);
    await server.line(/"msg":"closing"/);
    await t.rejects(fetch(`${server.url}/_emulator/health`), 'new connections are refused');

    single.finish();
    bulk.finish();
    const [one, many] = await Promise.all([single.reply, bulk.reply]);
    t.same(
      [one.status, one.type, one.body.email_address, one.body.public_metadata],
      [200, 'application/json', 'inflight@example.com', { n: 1 }],
    );
    t.same(
      [many.status, many.body.map((i: { email_address: string }) => i.email_address)],
      [200, ['bulk-1@example.com', 'bulk-2@example.com']],
    );

    t.equal(await server.exited, 0, 'exit code 0');
    t.ok(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0, 'the WAL was checkpointed: empty or gone');
    const db = new Database(file, { readonly: true });
    t.teardown(() => db.close());
    t.same(
      db.prepare('SELECT email_address FROM invitations ORDER BY seq').pluck().all(),
      ['before@example.com', 'inflight@example.com', 'bulk-1@example.com', 'bulk-2@example.com'],
      'everything answered 200 is stored',
    );
  });
}
