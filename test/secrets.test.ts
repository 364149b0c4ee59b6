import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { digestKey } from '../src/db/instances.js';
import { buildApp } from '../src/http/app.js';

// Keys are credentials and tickets are one-click logins: neither may be stored raw (keys) or show up
// in any log line at any level, trace included; request bodies are never logged either.

const KEYS = [`sk_test_${randomBytes(24).toString('hex')}`, `sk_live_${randomBytes(24).toString('hex')}`];
const MALFORMED = `sk_test_${randomBytes(16).toString('hex')}!!`;
const MARKER = `body-marker-${randomBytes(8).toString('hex')}`;

t.test('no key in the database, no key, ticket or body in the logs at trace level', async (t) => {
  const dir = t.testdir();
  const lines: string[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp(defaultConfig({ databasePath: join(dir, 'secrets.db') }), {
    logger: { level: 'trace', stream },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const send = async (
    method: string,
    path: string,
    key: string | undefined,
    body?: string,
    type = 'application/json',
  ) => {
    const res = await fetch(base + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, text: await res.text() };
  };

  const tickets: string[] = [];
  const keep = (text: string) => tickets.push(...[...text.matchAll(/ticket=([A-Za-z0-9_-]+)/g)].map((m) => m[1]!));
  for (const [i, key] of KEYS.entries()) {
    const one = await send(
      'POST',
      '/v1/invitations',
      key,
      JSON.stringify({ email_address: `a${i}@example.com`, public_metadata: { note: MARKER } }),
    );
    t.equal(one.status, 200);
    keep(one.text);
    const bulk = await send(
      'POST',
      '/v1/invitations/bulk',
      key,
      JSON.stringify([{ email_address: `b${i}@example.com`, redirect_url: 'https://app.example.com/in' }]),
    );
    keep(bulk.text);
    const id = (JSON.parse(one.text) as { id: string }).id;
    t.equal((await send('GET', '/v1/invitations?query=example', key)).status, 200);
    t.equal((await send('GET', '/_emulator/emails', key)).status, 200);
    t.equal(
      (
        await send(
          'POST',
          '/_emulator/users',
          key,
          JSON.stringify({ email_address: `u${i}@example.com`, public_metadata: { note: MARKER } }),
        )
      ).status,
      200,
    );
    t.equal((await send('POST', `/v1/invitations/${id}/revoke`, key)).status, 200);
    t.equal((await send('POST', '/v1/invitations', key, `{"email_address":"${MARKER}`)).status, 400);
    t.equal((await send('POST', '/v1/invitations', key, MARKER, 'text/plain')).status, 400);
    t.equal((await send('POST', '/v1/invitations', key, JSON.stringify({ email_address: MARKER }))).status, 422);
    t.equal((await send('GET', '/v1/nowhere', key)).status, 404);
  }
  t.equal(tickets.length, 4);
  t.equal(
    (await send('GET', `/v1/tickets/accept?ticket=${tickets[1]}`, undefined)).status,
    303,
    'a link with a redirect',
  );
  t.equal((await send('GET', `/v1/tickets/accept?ticket=${tickets[0]}`, undefined)).status, 400, 'a revoked link');
  t.equal((await send('HEAD', `/v1/tickets/accept?ticket=${tickets[3]}`, undefined)).status, 200);
  t.equal((await send('GET', '/v1/invitations', MALFORMED)).status, 401);
  t.equal((await send('GET', '/v1/invitations', `${KEYS[0]}x`.replace('sk_test_', 'pk_test_'))).status, 401);
  const overflow = await new Promise<number | undefined>((resolve, reject) => {
    const req = request(
      `${base}/v1/invitations?pad=${'x'.repeat(17_000)}`,
      { headers: { authorization: `Bearer ${KEYS[0]}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end();
  });
  t.equal(overflow, 431, 'headers Node refuses are answered, and their raw bytes not logged');
  await app.close();

  const log = lines.join('');
  t.ok(
    lines.length > 40 && log.includes('incoming request') && log.includes('client error'),
    `${lines.length} log lines captured, client errors included`,
  );
  t.match(log, /ticket=\[redacted\]/, 'logged URLs show the ticket redacted');
  for (const secret of [...KEYS, MALFORMED, `${KEYS[0]}x`.replace('sk_test_', 'pk_test_')])
    t.notOk(log.includes(secret), `no whole key in the logs (${secret.slice(0, 12)}…)`);
  for (const ticket of tickets) t.notOk(log.includes(ticket), `no ticket token in the logs (${ticket.slice(0, 6)}…)`);
  t.notOk(log.includes(MARKER), 'no request body in the logs');

  const db = new Database(join(dir, 'secrets.db'), { readonly: true });
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  const cells = tables.flatMap((table) => (db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]).flat());
  t.same(
    db.prepare('SELECT key_digest FROM instances ORDER BY id').pluck().all(),
    KEYS.map(digestKey),
    'instances hold SHA-256 digests',
  );
  db.close();
  for (const key of KEYS) {
    t.notOk(
      cells.some((c) => (Buffer.isBuffer(c) ? c.includes(key) : String(c).includes(key))),
      'no table holds the raw key',
    );
    for (const file of readdirSync(dir))
      t.notOk(readFileSync(join(dir, file)).includes(key), `${file} bytes hold no raw key`);
  }
});
