import { randomBytes } from 'node:crypto';
import t from 'tap';
import { base62, invitationId, ksuid, ticketToken } from '../src/ids.js';
import { ksuidMillis, ksuidSeconds, ticketMillis } from './helper.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The plain definition: the number as a BigInt, divided by 62 until nothing is left. */
function reference(bytes: Buffer, width: number): string {
  let n = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, '0');
}

t.test('base62 equals the BigInt definition at the edges and on random inputs', async (t) => {
  const edges = [
    Buffer.alloc(20),
    Buffer.alloc(20, 0xff),
    Buffer.from([...Array(19).fill(0), 1]),
    Buffer.from([1, ...Array(19).fill(0)]),
    Buffer.from([0, 0, 0, 0, 0xff, ...Array(15).fill(0)]),
    Buffer.from([61]),
    Buffer.from([62]),
    Buffer.from([0xff, 0xff, 0xff]),
  ];
  for (const b of edges) t.equal(base62(b, 27), reference(b, 27), b.toString('hex'));
  let mismatches = 0;
  for (let i = 0; i < 5000; i++) {
    const b = randomBytes(1 + (i % 20));
    if (base62(b, 27) !== reference(b, 27)) mismatches++;
  }
  t.equal(mismatches, 0, '5000 random inputs of 1 to 20 bytes');
  t.equal(base62(Buffer.alloc(20, 0xff), 27), 'aWgEPTl1tmebfsQzFP4bxwgy80V', "KSUID's largest value");
});

t.test('a KSUID is 27 base62 characters that carry its seconds and sort by time', async (t) => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  const ids = [ksuid(now - 1000), ksuid(now), ksuid(now + 1000)];
  for (const id of ids) t.match(id, /^[0-9A-Za-z]{27}$/);
  t.equal(ksuidSeconds(ids[1]!), Math.floor(now / 1000));
  t.same([...ids].sort(), ids, 'string order is time order');
  t.match(invitationId(now), /^inv_[0-9A-Za-z]{27}$/);
});

t.test('a KSUID carries the millisecond, so ids of one second sort by time too', async (t) => {
  const second = Date.UTC(2026, 10, 27, 6, 0, 0);
  const times = [second, second + 1, second + 2, second + 255, second + 256, second + 998, second + 999, second + 1000];
  const ids = times.map((ms) => ksuid(ms));
  t.same(ids.map(ksuidMillis), times, 'the time comes back to the millisecond');
  t.same([...ids].sort(), ids, 'string order is time order');
  const sameMs = Array.from({ length: 1000 }, () => ksuid(second + 7));
  t.equal(new Set(sameMs).size, 1000, 'ids of one millisecond still differ (112 random bits)');
  t.equal(ksuidMillis(ksuid(second - 1)), second - 1, 'the millisecond before a whole second');
});

t.test('a ticket is 43 URL-safe characters: the creation time, then 200 random bits', async (t) => {
  const now = Date.UTC(2026, 10, 27, 6, 0, 0);
  const times = [0, now - 64, now - 1, now, now + 1, now + 63, now + 64, now + 4096, 36 ** 9 - 1];
  const tickets = times.map((ms) => ticketToken(ms));
  for (const ticket of tickets) t.match(ticket, /^[0-9a-z]{9}[A-Za-z0-9_-]{34}$/);
  t.same(tickets.map(ticketMillis), times, 'the first 9 characters are the time in base36');
  t.same([...tickets].sort(), tickets, 'string order is time order');
  t.equal(ticketMillis(ticketToken(-5)), 0, 'a time before 1970 is clamped to 0');
  t.equal(ticketMillis(ticketToken(36 ** 9 + 5)), 36 ** 9 - 1, 'a time past 9 digits is clamped');
  const sameMs = Array.from({ length: 1000 }, () => ticketToken(now));
  t.equal(new Set(sameMs).size, 1000, 'tickets of one millisecond differ');
  t.equal(new Set(sameMs.map((x) => x.slice(9))).size, 1000, 'by their random part');
});
