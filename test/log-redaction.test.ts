import fc from 'fast-check';
import Fastify from 'fastify';
import t from 'tap';
import { defaultConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';
import { loggerOptions, redactTicket } from '../src/http/logging.js';
import { invite, logCapture } from './helper.js';

// A ticket is a one-click login: it is cut out of every URL shape a client may send it in, by redactTicket,
// and no log line (request lines, the link's own line, error lines) carries one.

const ticket = fc.stringMatching(/^[0-9a-z]{9}[A-Za-z0-9_-]{34}$/);

/** A word with each letter as typed, in the other case, or percent-encoded (once or twice, either hex case). */
const spelled = (word: string) =>
  fc
    .array(fc.constantFrom('lower', 'upper', 'encoded', 'ENCODED', 'twice'), {
      minLength: word.length,
      maxLength: word.length,
    })
    .map((ways) =>
      [...word]
        .map((c, i) => {
          const hex = c.charCodeAt(0).toString(16);
          return {
            lower: c,
            upper: c.toUpperCase(),
            encoded: `%${hex}`,
            ENCODED: `%${hex.toUpperCase()}`,
            twice: `%25${hex}`,
          }[ways[i]!];
        })
        .join(''),
    );

const path = fc.constantFrom('/v1/tickets/accept', '/', '/v1/invitations', '/v1/tickets/accept/x', '');
const tail = fc.constantFrom('', '&b=2', '#frag', ';x=1', '&ticket=', '?again');

/** `?ticket=`, `&ticket=`, `;ticket=`, `__clerk_ticket=`, an encoded `=` or `?`, in any case. */
const inQuery = fc
  .tuple(
    path,
    fc.constantFrom('?', '?a=1&', '?a=1;', ';', '?next=%2Fin%3F', '?a=1&b=2&'),
    fc.constantFrom('', '__clerk_', '__CLERK_'),
    spelled('ticket'),
    fc.constantFrom('=', '%3D', '%3d', '%253D'),
    ticket,
    tail,
  )
  .map(([p, lead, prefix, word, eq, tk, end]) => ({ url: `${p}${lead}${prefix}${word}${eq}${tk}${end}`, tk }));

/** `/v1/tickets/accept/<ticket>` and `/v1/tickets/<ticket>`, with anything after it. */
const inPath = fc
  .tuple(
    spelled('tickets'),
    fc.constantFrom('/accept/', '/', '%2Faccept%2F', '/ACCEPT/'),
    ticket,
    fc.constantFrom('', '?a=1', '/more', ';x', '#f'),
  )
  .map(([word, sep, tk, end]) => ({ url: `/v1/${word}${sep}${tk}${end}`, tk }));

t.test('redactTicket cuts the ticket out of every generated URL shape', async (t) => {
  let shapes = 0;
  fc.assert(
    fc.property(fc.oneof(inQuery, inPath), ({ url, tk }) => {
      const logged = redactTicket(url);
      shapes++;
      return !logged.includes(tk) && logged.includes('[redacted]');
    }),
    { numRuns: 5000 },
  );
  t.equal(shapes, 5000, 'shapes generated');
});

t.test('redactTicket keeps the rest of the URL as it was', async (t) => {
  const tk = '0mun7jhjpbmS9aOPzF5IHdxG3zzaANwk80pS7rDMTDw';
  t.same(
    [
      `/v1/tickets/accept?ticket=${tk}&x=1`,
      `/v1/tickets/accept/${tk}?a=1`,
      `/v1/tickets/${tk}`,
      `/v1/tickets/accept?ticket%3D${tk}`,
      `/v1/tickets/accept;ticket=${tk}#f`,
      `/app?next=%2Fin&__clerk_ticket=${tk}`,
      '/v1/tickets/accept',
      '/v1/invitations?query=ticketmaster&order_by=-created_at',
    ].map(redactTicket),
    [
      '/v1/tickets/accept?ticket=[redacted]&x=1',
      '/v1/tickets/accept/[redacted]?a=1',
      '/v1/tickets/[redacted]',
      '/v1/tickets/accept?ticket%3D[redacted]',
      '/v1/tickets/accept;ticket=[redacted]#f',
      '/app?next=%2Fin&__clerk_ticket=[redacted]',
      '/v1/tickets/accept',
      '/v1/invitations?query=ticketmaster&order_by=-created_at',
    ],
  );
});

t.test('no log line at trace level carries a ticket, whatever shape its link was opened in', async (t) => {
  const logs = logCapture();
  const app = await buildApp(defaultConfig({ logLevel: 'trace' }), { logger: { level: 'trace', stream: logs.stream } });
  t.teardown(() => app.close());
  const tickets: string[] = [];
  const link = async (redirect?: string) => {
    const inv = await invite(app, {
      email_address: `u${tickets.length}@example.com`,
      ...(redirect ? { redirect_url: redirect } : {}),
    });
    const tk = new URL(inv['url']).searchParams.get('ticket')!;
    tickets.push(tk);
    return tk;
  };
  const answers: number[] = [];
  const open = async (url: string) => answers.push((await app.inject({ method: 'GET', url })).statusCode);
  await open(`/v1/tickets/accept?ticket=${await link()}`);
  await open(`/v1/tickets/accept?ticket=${await link('https://app.test/in')}`);
  await open(`/v1/tickets/accept/${await link()}`);
  await open(`/v1/tickets/accept?ticket%3D${await link()}`);
  await open(`/v1/tickets/accept;ticket=${await link()}`);
  await open(`/v1/tickets/accept?a=1&TICKET=${await link()}`);
  await open(`/v1/tickets/accept?%74icket=${await link()}`);
  t.same(answers, [200, 303, 401, 400, 401, 400, 200], 'each shape was answered (the encoded key is a working link)');

  const log = logs.lines.map((l) => JSON.stringify(l)).join('\n');
  t.ok(log.includes('invitation accepted by link') && log.includes('incoming request'), 'the lines were captured');
  for (const tk of tickets) t.notOk(log.includes(tk), `no line holds the ticket ${tk.slice(0, 6)}…`);
});

t.test('error lines and rejection causes that quote a URL have its ticket cut out', async (t) => {
  const logs = logCapture();
  const log = Fastify({ logger: loggerOptions(defaultConfig(), { level: 'info', stream: logs.stream }) }).log;
  const tk = '0mun7jhjpbmS9aOPzF5IHdxG3zzaANwk80pS7rDMTDw';
  const err = Object.assign(new Error(`fetch /v1/tickets/accept?ticket=${tk} failed`), {
    url: `/v1/tickets/${tk}`,
    tried: [`/v1/tickets/accept/${tk}`, 3],
  });
  log.error({ err }, 'unexpected error');
  log.info({ code: 'request_body_invalid', cause: `bad /x;ticket=${tk}` }, 'request rejected');
  const [error, rejected] = logs.lines as any[];
  t.same(
    [error.err.message, error.err.url, error.err.tried, error.err.stack.split('\n')[0], rejected.cause],
    [
      'fetch /v1/tickets/accept?ticket=[redacted] failed',
      '/v1/tickets/[redacted]',
      ['/v1/tickets/accept/[redacted]', 3],
      'Error: fetch /v1/tickets/accept?ticket=[redacted] failed',
      'bad /x;ticket=[redacted]',
    ],
  );
});

t.test('an error holding a circular or very deep value is logged, cut, not thrown over', async (t) => {
  const logs = logCapture();
  const log = Fastify({ logger: loggerOptions(defaultConfig(), { level: 'info', stream: logs.stream }) }).log;
  const loop: Record<string, unknown> = { name: 'loop' };
  loop['self'] = loop;
  let deep: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < 20; i++) deep = { deep };
  log.error({ err: Object.assign(new Error('bad'), { loop, deep }) }, 'unexpected error');
  const [line] = logs.lines as any[];
  t.equal(line.msg, 'unexpected error');
  t.equal(line.err.message, 'bad');
  t.equal(line.err.loop.name, 'loop', 'the shallow part is kept');
  t.match(JSON.stringify(line.err.deep), /"\[too deep\]"/, 'the deep part is cut');
});
