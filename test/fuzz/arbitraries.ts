import fc from 'fast-check';
import { KEY, OTHER_KEY } from '../helper.js';

// Inputs a hostile or sloppy client might send: mostly near-valid, so both success and every
// rejection path are reached, with raw garbage mixed in.

const often = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4 * bad.length, arbitrary: good }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));

export const json = fc.jsonValue({ maxDepth: 3 });
const unicode = fc.string({ unit: 'binary', maxLength: 30 });

export const authorization = fc.oneof(
  { weight: 16, arbitrary: fc.constant(`Bearer ${KEY}`) },
  { weight: 2, arbitrary: fc.constant(`Bearer ${OTHER_KEY}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^sk_(test|live)_[A-Za-z0-9_-]{1,12}$/).map((k) => `Bearer ${k}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `Bearer ${s}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Basic c2tfdGVzdDp4',
      'Bearer',
      `bearer   ${KEY}`,
      `Bearer ${KEY} x`,
      `Bearer sk_test_${'a'.repeat(129)}`,
    ),
  },
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** Authorization, Content-Type, Clerk-API-Version and stray headers; each may be missing. */
export const headers = fc
  .record({
    authorization: fc.option(authorization, { freq: 12, nil: undefined }),
    'content-type': fc.option(contentType, { freq: 6, nil: undefined }),
    'clerk-api-version': fc.option(
      fc.oneof(fc.constantFrom('2025-04-10', '2021-02-05'), fc.string({ maxLength: 12 })),
      { freq: 2, nil: undefined },
    ),
    extra: fc.dictionary(fc.stringMatching(/^x-[a-z-]{1,12}$/), fc.string({ maxLength: 20 }), { maxKeys: 2 }),
  })
  .map(({ extra, ...known }) => {
    const out: Record<string, string> = { ...extra };
    for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
    return out;
  });

export const email = often(
  fc.oneof(
    fc.constantFrom('ada@example.com', 'BOB@Example.com', ' carol@example.com ', 'dave@example.org'),
    fc
      .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,11}$/), fc.constantFrom('example.com', 'x.io'))
      .map(([l, d]) => `${l}@${d}`),
  ),
  fc.string({ maxLength: 30 }),
  unicode,
  json,
  fc.constantFrom('a@b', '@example.com', 'a b@example.com', '', '   ', null),
);

const urlBase = fc.constantFrom('https://app.test/', 'http://host/', 'http://localhost:3000/a?b=1', 'https://x.io/p#f');
/** A character a URL may not carry (controls, DEL, C1) or that parsing would drop (whitespace at the ends). */
const urlHostile = fc.constantFrom(
  '\r\n',
  '\r',
  '\n',
  '\u0000',
  '\t',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u009b',
  ' ',
  '\u00a0',
);

/** redirect_url values a sloppy or hostile client sends: Unicode, control characters, odd but valid URLs. */
const redirectUrl = fc.oneof(
  fc.tuple(urlBase, unicode).map(([b, u]) => b + u),
  fc
    .tuple(urlBase, fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ maxLength: 12 }))
    .map(([b, g, a]) => `${b}${g}?q=${g}${a}#${g}`),
  fc.tuple(urlBase, urlHostile, fc.nat()).map(([b, c, n]) => {
    const at = n % (b.length + 1);
    return b.slice(0, at) + c + b.slice(at);
  }),
  fc.tuple(urlBase, urlHostile, fc.boolean()).map(([b, c, front]) => (front ? c + b : b + c)),
  fc.constantFrom(
    'https://app.test/日本',
    'http://host/über?name=José',
    'http://[::1]:3000/x',
    'HTTP://EXAMPLE.COM',
    'https://user:pa ss@x.io/',
    'https://münchen.de/ä?ö=ü#ß',
    'https://x.io/%zz?a=%&b=%E0%A4%A',
    'https://x.io/#\u{1F600}\u200b\u202e',
    'https://x.io/\ud800',
    'http://x.io:99999/',
    'http://x.io:65535/?__clerk_ticket=old',
    'https://x.io/a#b#c',
    'https://x.io/?',
    'https:x.io',
    'https:///x.io',
    `https://x.io/${'a'.repeat(2040)}`,
    `https://x.io/${'é'.repeat(400)}`,
  ),
);

const metadata = often(fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 4 }), json);

const createFields = fc.record(
  {
    email_address: email,
    public_metadata: metadata,
    redirect_url: often(
      fc.constantFrom('https://app.example.com/welcome', 'http://localhost:3000/accept?x=1'),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      redirectUrl,
      redirectUrl,
      fc.constantFrom('javascript:alert(1)', 'ftp://x.io', '/relative', ''),
      json,
    ),
    notify: often(fc.boolean(), json),
    ignore_existing: often(fc.boolean(), json),
    expires_in_days: often(fc.integer({ min: 1, max: 365 }), fc.integer({ min: -5, max: 400 }), fc.double(), json),
    template_slug: often(fc.constantFrom('invitation', 'waitlist_invitation'), fc.string({ maxLength: 20 }), json),
  },
  { requiredKeys: ['email_address'] },
);

/** A create body: near-valid fields, sometimes a missing email, sometimes unknown keys. */
export const createBody = fc.oneof(
  { weight: 8, arbitrary: createFields },
  { weight: 1, arbitrary: createFields.map(({ email_address: _, ...rest }) => rest) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(createFields, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), json, { minKeys: 1, maxKeys: 2 }))
      .map(([a, b]) => ({ ...a, ...b })),
  },
);

/** A raw body: serialised values, truncated or malformed JSON, or nothing at all. */
export const payload = (value: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 12, arbitrary: value.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: json.map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: value.map((v) => JSON.stringify(v)).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 40 }),
        unicode,
        fc.constantFrom('{', '[]', 'null', '"x"', '{"a":1}{', '\u0000', ' '),
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const queryKey = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'limit',
      'offset',
      'status',
      'query',
      'order_by',
      'paginated',
      'to',
      'email_address',
      'method',
      'path',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const queryValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '10',
      '0',
      '1',
      '500',
      '501',
      '-1',
      '8.14',
      'abc',
      '1e3',
      ' 5',
      '0x10',
      'pending',
      'expired',
      'revoked',
      'accepted',
      'PENDING',
      'true',
      'false',
      'created_at',
      '-email_address',
      '+expires_at',
      'ada',
      'example',
      '%',
      '_',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: unicode },
  { weight: 1, arbitrary: fc.nat().map(String) },
);
const rawJunk = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '&&',
  '=',
  'a[b]=1',
  'status[]=pending',
  '__proto__=1',
  'constructor[prototype]=1',
  'limit=1&limit=2',
  '+',
  '%00',
  ';',
  '?',
);

/** A query string: known and unknown keys, repeated keys, encoded junk and raw junk. */
export const query = fc
  .tuple(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 8 }), fc.array(rawJunk, { maxLength: 2 }))
  .map(([pairs, junk]) =>
    [...pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`), ...junk].join('&'),
  );

/** Which id goes in the path: one of the caller's, one of another key's, a made-up one, or junk. */
export type IdPick = { kind: 'own' | 'other'; n: number } | { kind: 'raw'; raw: string };
export const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((n) => ({ kind: 'own' as const, n })) },
  { weight: 2, arbitrary: fc.nat().map((n) => ({ kind: 'other' as const, n })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.stringMatching(/^inv_[0-9A-Za-z]{27}$/),
        fc.string({ maxLength: 40 }).map(encodeURIComponent),
        unicode.map(encodeURIComponent),
        fc.constantFrom('', '%', '..', '%2F', 'inv_', 'a'.repeat(150), '%00', 'inv_%2e%2e', '__proto__'),
      )
      .map((raw) => ({ kind: 'raw' as const, raw })),
  },
);

export const method = (usual: string) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
  );
