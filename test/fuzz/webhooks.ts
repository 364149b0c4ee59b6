import fc from 'fast-check';
import { instanceNow } from '../../src/clock.js';
import { digestKey } from '../../src/db/instances.js';
import { MAX_ENDPOINTS } from '../../src/emulator/webhooks-endpoints.js';
import { emailData, eventJson } from '../../src/emulator/webhooks-events.js';
import { KEY, OTHER_KEY } from '../helper.js';
import { headers, type IdPick, idPick, json, method, payload, query } from './arbitraries.js';
import type { Fixture } from './fixtures.js';
import type { RouteSpec } from './harness.js';
import * as shapes from './shapes.js';

// The control routes of webhooks: near-valid endpoint bodies with garbage mixed in, ids of either key or none.

const often = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4 * bad.length, arbitrary: good }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));

const secret = fc.integer({ min: 20, max: 80 }).map((n) => `whsec_${Buffer.alloc(n, n).toString('base64')}`);

const endpointBody = fc.record(
  {
    url: often(
      fc.constantFrom('http://127.0.0.1:9/hooks', 'https://app.example.com/api/webhooks?x=1', 'http://[::1]:3000/'),
      fc.constantFrom('ftp://x/y', '/relative', 'http://u:p@host/', 'http://', ' http://a/', ''),
      fc.webUrl(),
      fc.string({ maxLength: 30 }),
      json,
    ),
    events: often(
      fc.oneof(
        fc.constant(null),
        fc.subarray(['email.created', 'user.created'], { minLength: 1 }),
        fc.shuffledSubarray(['email.created', 'user.created'], { minLength: 1 }),
      ),
      fc.array(fc.constantFrom('email.created', 'user.created', 'invitation.created', ''), { maxLength: 4 }),
      json,
    ),
    secret: often(
      fc.oneof(fc.constant(null), secret),
      fc.constantFrom('whsec_', 'whsec_!!', 'sk_test_x', ''),
      fc.string({ maxLength: 40 }),
      json,
    ),
  },
  { requiredKeys: [] },
);

interface Sample {
  method: string;
  headers: Record<string, string>;
  query: string;
  payload: string | undefined;
}

const noBody = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: payload(fc.jsonValue()) },
);
const withQuery = (path: string, q: string) => (q === '' ? path : `${path}?${q}`);
const sometimes = fc.option(query, { freq: 8, nil: '' }).map((q) => q ?? '');
const messageQuery = fc
  .record(
    {
      type: often(fc.constantFrom('email.created', 'user.created'), fc.string({ maxLength: 12 })),
      status: often(fc.constantFrom('pending', 'delivered', 'failed'), fc.string({ maxLength: 8 })),
      limit: often(fc.integer({ min: 1, max: 500 }).map(String), fc.string({ maxLength: 4 })),
      offset: often(fc.integer({ min: 0, max: 5 }).map(String), fc.string({ maxLength: 4 })),
    },
    { requiredKeys: [] },
  )
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

export function webhookRoutes(f: Fixture): RouteSpec<unknown>[] {
  const { app } = f;
  const { endpoints, messages } = app.webhooks;
  const instanceOf = (key: string) => app.instances.resolve(digestKey(key), Date.now());
  const own = instanceOf(KEY).id;
  const other = instanceOf(OTHER_KEY).id;
  const messageIds = app.db.prepare('SELECT id FROM webhook_messages WHERE instance_id = ? ORDER BY seq').pluck();
  /** Keeps an endpoint and a message in each instance to delete and retry, and room under the cap for creates. */
  const topUp = () => {
    for (const id of [own, other]) {
      const list = endpoints.list(id);
      if (list.length >= MAX_ENDPOINTS - 3) for (const e of list) endpoints.delete(id, e.id);
      const endpoint =
        endpoints.list(id)[0] ??
        endpoints.create(id, Date.now(), {
          url: 'http://127.0.0.1:9/hooks',
          events: ['email.created', 'user.created'],
          secret: undefined,
        });
      if (messageIds.all(id).length === 0) {
        const instance = instanceOf(id === own ? KEY : OTHER_KEY);
        const now = instanceNow(instance);
        const email = {
          id: 'ema_fuzz',
          to_email_address: 'f@example.net',
          template_slug: 'invitation',
          url: 'http://localhost:4010/x',
        };
        const body = eventJson('email.created', emailData(email, 'http://localhost:4010'), now, instance.publicId);
        messages.enqueue(id, [endpoint.id], 'email.created', body, now, Date.now());
      }
    }
  };
  const pick = (ids: string[], p: IdPick, none: string) =>
    p.kind === 'raw' ? p.raw : ids.length === 0 ? none : ids[p.n % ids.length]!;
  const endpointId = (p: IdPick) =>
    pick(
      endpoints.list(p.kind === 'other' ? other : own).map((e) => e.id),
      p,
      'ep_none',
    );
  const messageId = (p: IdPick) => pick(messageIds.all(p.kind === 'other' ? other : own) as string[], p, 'msg_none');
  const collection = (
    name: string,
    path: string,
    usual: string,
    body: fc.Arbitrary<string | undefined>,
    q: fc.Arbitrary<string>,
    success: RouteSpec<unknown>['success'],
  ): RouteSpec<Sample> => ({
    name,
    input: fc.record({ method: method(usual), headers, query: q, payload: body }),
    request: (s) => {
      topUp();
      return { method: s.method, url: withQuery(path, s.query), headers: s.headers, payload: s.payload };
    },
    success,
    successStatus: { POST: 201 },
  });
  const withId = (
    name: string,
    path: (p: IdPick) => string,
    usual: string,
    success: RouteSpec<unknown>['success'],
  ): RouteSpec<[Sample, IdPick]> => ({
    name,
    input: fc.tuple(fc.record({ method: method(usual), headers, query: sometimes, payload: noBody }), idPick),
    request: ([s, p]) => {
      topUp();
      return { method: s.method, url: withQuery(path(p), s.query), headers: s.headers, payload: s.payload };
    },
    success,
  });
  const endpointsPath = '/_emulator/webhooks/endpoints';
  const both = { POST: shapes.webhookEndpoint, GET: shapes.webhookEndpointList };
  return [
    collection(`POST ${endpointsPath}`, endpointsPath, 'POST', payload(endpointBody), sometimes, both),
    collection(`GET ${endpointsPath}`, endpointsPath, 'GET', noBody, sometimes, both),
    withId(`DELETE ${endpointsPath}/{id}`, (p) => `${endpointsPath}/${endpointId(p)}`, 'DELETE', {
      DELETE: shapes.webhookEndpointDeleted,
    }),
    collection('GET /_emulator/webhooks/messages', '/_emulator/webhooks/messages', 'GET', noBody, messageQuery, {
      GET: shapes.webhookMessageList,
    }),
    withId(
      'POST /_emulator/webhooks/messages/{id}/retry',
      (p) => `/_emulator/webhooks/messages/${messageId(p)}/retry`,
      'POST',
      { POST: shapes.webhookMessage },
    ),
  ] as RouteSpec<unknown>[];
}
