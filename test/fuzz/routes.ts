import fc from 'fast-check';
import { digestKey } from '../../src/db/instances.js';
import { KEY, OTHER_KEY } from '../helper.js';
import { createBody, email, headers, type IdPick, idPick, json, method, payload, query } from './arbitraries.js';
import { faultRoutes } from './faults.js';
import type { Fixture } from './fixtures.js';
import type { FuzzRequest, RouteSpec } from './harness.js';
import * as shapes from './shapes.js';
import { webhookRoutes } from './webhooks.js';

const withQuery = (path: string, q: string) => (q === '' ? path : `${path}?${q}`);
/** Query strings are rare on body routes and common on list routes. */
const sometimes = fc.option(query, { freq: 8, nil: '' }).map((q) => q ?? '');

interface Sample {
  method: string;
  headers: Record<string, string>;
  query: string;
  payload: string | undefined;
}

function spec(
  name: string,
  usual: string,
  body: fc.Arbitrary<string | undefined>,
  q: fc.Arbitrary<string>,
  url: (s: Sample) => string,
  success: RouteSpec<Sample>['success'],
  before?: () => void,
): RouteSpec<Sample> {
  return {
    name,
    input: fc.record({ method: method(usual), headers, query: q, payload: body }),
    request: (s): FuzzRequest => {
      before?.();
      return { method: s.method, url: url(s), headers: s.headers, payload: s.payload };
    },
    success,
  };
}

/** Rare bodies for routes that take none: clients send an empty JSON body, the fuzz sends anything. */
const noBody = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: payload(fc.jsonValue()) },
);

function withId(
  f: Fixture,
  path: (id: string) => string,
  name: string,
  usual: string,
  success: RouteSpec<Sample>['success'],
): RouteSpec<unknown> {
  const base = spec(name, usual, noBody, sometimes, () => '', success, f.topUp);
  return {
    ...base,
    input: fc.tuple(base.input, idPick),
    request: ([s, pick]: [Sample, Parameters<Fixture['id']>[0]]) => ({
      ...base.request(s),
      url: withQuery(path(f.id(pick)), s.query),
    }),
  } as RouteSpec<unknown>;
}

export function clerkRoutes(f: Fixture): RouteSpec<unknown>[] {
  const collection = { POST: shapes.pendingInvitation, GET: shapes.invitationList };
  return [
    {
      ...spec(
        'POST /v1/invitations',
        'POST',
        payload(createBody),
        sometimes,
        (s) => withQuery('/v1/invitations', s.query),
        collection,
      ),
      clicksLinks: true,
    },
    {
      ...spec(
        'POST /v1/invitations/bulk',
        'POST',
        payload(
          fc.oneof(
            { weight: 6, arbitrary: fc.array(createBody, { minLength: 1, maxLength: 2 }) },
            { weight: 1, arbitrary: fc.array(createBody, { maxLength: 12 }) },
            { weight: 1, arbitrary: createBody },
          ),
        ),
        sometimes,
        (s) => withQuery('/v1/invitations/bulk', s.query),
        { POST: shapes.bulkResult },
      ),
      clicksLinks: true,
    },
    spec('GET /v1/invitations', 'GET', noBody, query, (s) => withQuery('/v1/invitations', s.query), collection),
    withId(f, (id) => `/v1/invitations/${id}/revoke`, 'POST /v1/invitations/{id}/revoke', 'POST', {
      POST: shapes.revokedInvitation,
    }),
    withId(f, (id) => `/v1/invitations/${id}`, 'DELETE /v1/invitations/{id}', 'DELETE', { DELETE: shapes.deleted }),
  ] as RouteSpec<unknown>[];
}

export function emulatorRoutes(f: Fixture): RouteSpec<unknown>[] {
  const accept = (id: string) => `/_emulator/invitations/${id}/accept`;
  const users = { POST: shapes.user, GET: shapes.userList };
  const clock = { GET: shapes.clock, POST: shapes.clock };
  const clockBody = fc.oneof(
    fc.record(
      { now: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(null), json) },
      { requiredKeys: [] },
    ),
    fc.record({ advance_ms: fc.oneof(fc.integer({ min: -86_400_000, max: 86_400_000 }), json) }, { requiredKeys: [] }),
    fc.record({ now: json, advance_ms: json, extra: json }, { requiredKeys: [] }),
  );
  const userBody = fc.record(
    {
      email_address: email,
      public_metadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }), json),
    },
    { requiredKeys: [] },
  );
  const rateLimits = '/_emulator/rate-limits';
  const limits = { GET: shapes.rateLimits, POST: shapes.rateLimits };
  const profileBody = fc.record(
    { profile: fc.oneof(fc.constantFrom('off', 'dev', 'prod', 'Dev', ''), json), extra: json },
    { requiredKeys: [] },
  );
  // Both keys' profiles and windows as the limiter holds them.
  const memory = () =>
    JSON.stringify(
      [KEY, OTHER_KEY].map((key) => f.app.rateLimits.view(f.app.instances.resolve(digestKey(key), Date.now()))),
    );
  const ticketPage: RouteSpec<[Sample, IdPick, boolean]> = {
    name: 'GET /v1/tickets/accept',
    success: {},
    html: true,
    input: fc.tuple(
      fc.record({ method: method('GET'), headers, query: sometimes, payload: noBody }),
      idPick,
      fc.boolean(),
    ),
    request: ([s, pick, withTicket]) => {
      f.topUp();
      const q = [withTicket ? `ticket=${encodeURIComponent(f.ticket(pick))}` : '', s.query]
        .filter((x) => x !== '')
        .join('&');
      return { method: s.method, url: withQuery('/v1/tickets/accept', q), headers: s.headers, payload: s.payload };
    },
  };
  return [
    spec('GET /_emulator/health', 'GET', noBody, sometimes, (s) => withQuery('/_emulator/health', s.query), {
      GET: shapes.health,
    }),
    spec(
      'POST /_emulator/reset',
      'POST',
      noBody,
      sometimes,
      (s) => withQuery('/_emulator/reset', s.query),
      { POST: shapes.reset },
      f.topUp,
    ),
    spec(
      'POST /_emulator/users',
      'POST',
      payload(userBody),
      sometimes,
      (s) => withQuery('/_emulator/users', s.query),
      users,
    ),
    spec('GET /_emulator/users', 'GET', noBody, query, (s) => withQuery('/_emulator/users', s.query), users),
    spec('GET /_emulator/emails', 'GET', noBody, query, (s) => withQuery('/_emulator/emails', s.query), {
      GET: shapes.emailList,
    }),
    spec('GET /_emulator/clock', 'GET', noBody, sometimes, (s) => withQuery('/_emulator/clock', s.query), clock),
    spec(
      'POST /_emulator/clock',
      'POST',
      payload(clockBody),
      sometimes,
      (s) => withQuery('/_emulator/clock', s.query),
      clock,
    ),
    withId(f, accept, 'POST /_emulator/invitations/{id}/accept', 'POST', { POST: shapes.acceptedInvitation }),
    spec('GET /_emulator/invitations', 'GET', noBody, query, (s) => withQuery('/_emulator/invitations', s.query), {
      GET: shapes.paginatedInvitationList,
    }),
    withId(f, (id) => `/_emulator/invitations/${id}/revoke`, 'POST /_emulator/invitations/{id}/revoke', 'POST', {
      POST: shapes.revokedInvitation,
    }),
    withId(f, (id) => `/_emulator/invitations/${id}`, 'DELETE /_emulator/invitations/{id}', 'DELETE', {
      DELETE: shapes.deleted,
    }),
    spec('GET /_emulator/requests', 'GET', noBody, query, (s) => withQuery('/_emulator/requests', s.query), {
      GET: shapes.journalList,
      DELETE: shapes.journalCleared,
    }),
    spec('DELETE /_emulator/requests', 'DELETE', noBody, sometimes, (s) => withQuery('/_emulator/requests', s.query), {
      GET: shapes.journalList,
      DELETE: shapes.journalCleared,
    }),
    ticketPage as RouteSpec<unknown>,
    {
      ...spec('GET /_emulator/rate-limits', 'GET', noBody, sometimes, (s) => withQuery(rateLimits, s.query), limits),
      memory,
    },
    {
      ...spec(
        'POST /_emulator/rate-limits',
        'POST',
        payload(profileBody),
        sometimes,
        (s) => withQuery(rateLimits, s.query),
        limits,
      ),
      memory,
    },
    ...faultRoutes(f),
    ...webhookRoutes(f),
  ] as RouteSpec<unknown>[];
}

const segment = fc.oneof(
  fc.constantFrom(
    'v1',
    '_emulator',
    'invitations',
    'bulk',
    'revoke',
    'users',
    'emails',
    'clock',
    'requests',
    'rate-limits',
    'tickets',
    'accept',
    'faults',
    '',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

/** Paths no route serves: every answer must still be a Clerk envelope (401, 404 or 405). */
export const unknownPaths: RouteSpec<unknown> = {
  ...spec('unknown paths', 'GET', noBody, sometimes, () => '', {}),
  input: fc.tuple(
    fc.record({ method: method('GET'), headers, query: sometimes, payload: noBody }),
    fc.array(segment, { minLength: 1, maxLength: 5 }),
  ),
  request: ([s, segments]: [Sample, string[]]) => {
    let path = `/${segments.join('/')}`;
    if (
      /^\/(v1\/invitations(\/bulk|\/[^/]+\/revoke|\/[^/]+)?|v1\/tickets\/accept|_emulator\/(health|reset|users|emails|clock|requests|rate-limits|faults(\/[^/]+)?|invitations(\/[^/]+(\/accept|\/revoke)?)?|ui(\/[^/]+)?|webhooks\/(endpoints(\/[^/]+)?|messages(\/[^/]+\/retry)?)))\/?$/.test(
        path,
      )
    )
      path += '/x/y';
    return { method: s.method, url: withQuery(path, s.query), headers: s.headers, payload: s.payload };
  },
  alwaysRejected: true,
} as RouteSpec<unknown>;
