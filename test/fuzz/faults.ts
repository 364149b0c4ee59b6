import fc from 'fast-check';
import { digestKey } from '../../src/db/instances.js';
import { MAX_FAULTS } from '../../src/emulator/faults-store.js';
import { KEY, OTHER_KEY } from '../helper.js';
import { headers, type IdPick, idPick, json, method, payload, query } from './arbitraries.js';
import type { Fixture } from './fixtures.js';
import type { RouteSpec } from './harness.js';
import * as shapes from './shapes.js';

// The control routes of faults: near-valid fault bodies with garbage mixed in, ids of either key or none.

const often = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4 * bad.length, arbitrary: good }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));

const faultBody = fc.record(
  {
    method: often(fc.constantFrom('GET', 'POST', 'DELETE', '*'), fc.constantFrom('PUT', 'get', ''), json),
    path: often(
      fc.constantFrom(
        '*',
        '/v1/invitations',
        '/v1/invitations/bulk',
        '/v1/invitations/{id}/revoke',
        '/v1/invitations/{invitation_id}',
      ),
      fc.constantFrom('/v1/tickets/accept', '/_emulator/reset', '/v1/invitations/', '/v1/{x}', ''),
      fc.string({ maxLength: 30 }),
      json,
    ),
    status: often(fc.oneof(fc.integer({ min: 400, max: 599 }), fc.constant(null)), fc.integer(), fc.double(), json),
    error: often(
      fc.oneof(
        fc.constant(null),
        fc.record(
          {
            code: often(fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/), fc.string({ maxLength: 20 }), json),
            message: often(fc.string({ minLength: 1, maxLength: 20 }), json),
            long_message: often(fc.string({ minLength: 1, maxLength: 20 }), json),
          },
          { requiredKeys: [] },
        ),
      ),
      json,
    ),
    // Short delays only: no keyed /v1 request runs in this fuzz, but a created fault must stay harmless.
    delay_ms: often(fc.integer({ min: 0, max: 50 }), fc.integer({ min: -10, max: 40_000 }), json),
    close: often(fc.boolean(), json),
    when: often(fc.constantFrom('before', 'after'), fc.string({ maxLength: 8 }), json),
    times: often(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(null)), fc.integer(), json),
    probability: often(fc.double({ min: 0, max: 1, noNaN: true }), fc.double(), json),
    retry_after: often(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(null)), fc.integer(), json),
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

export function faultRoutes(f: Fixture): RouteSpec<unknown>[] {
  const { app } = f;
  const instanceOf = (key: string) => app.instances.resolve(digestKey(key), Date.now()).id;
  const own = instanceOf(KEY);
  const other = instanceOf(OTHER_KEY);
  const memory = () => JSON.stringify([app.faults.of(own), app.faults.of(other)]);
  const spec = {
    method: 'POST',
    path: '*',
    status: 503,
    error: null,
    delay_ms: 0,
    close: false,
    when: 'before',
    times: 1,
    probability: 1,
    retry_after: null,
  } as const;
  /** Keeps a fault in each instance to delete, and room under the cap for creates to keep succeeding. */
  const topUp = () => {
    if ((app.faults.of(own)?.length ?? 0) >= MAX_FAULTS - 5) app.faults.clear(own);
    if (!app.faults.of(own)) app.faults.create(own, Date.now(), spec);
    if (!app.faults.of(other)) app.faults.create(other, Date.now(), spec);
  };
  const idOf = (pick: IdPick): string => {
    if (pick.kind === 'raw') return pick.raw;
    const list = app.faults.of(pick.kind === 'own' ? own : other) ?? [];
    return list.length === 0 ? 'flt_none' : list[pick.n % list.length]!.id;
  };
  const collection = { POST: shapes.fault, GET: shapes.faultList, DELETE: shapes.faultsDeleted };
  const route = (name: string, usual: string, body: fc.Arbitrary<string | undefined>): RouteSpec<Sample> => ({
    name,
    input: fc.record({ method: method(usual), headers, query: sometimes, payload: body }),
    request: (s) => {
      topUp();
      return { method: s.method, url: withQuery('/_emulator/faults', s.query), headers: s.headers, payload: s.payload };
    },
    success: collection,
    successStatus: { POST: 201 },
    memory,
  });
  const one: RouteSpec<[Sample, IdPick]> = {
    name: 'DELETE /_emulator/faults/{id}',
    input: fc.tuple(fc.record({ method: method('DELETE'), headers, query: sometimes, payload: noBody }), idPick),
    request: ([s, pick]) => {
      topUp();
      return {
        method: s.method,
        url: withQuery(`/_emulator/faults/${idOf(pick)}`, s.query),
        headers: s.headers,
        payload: s.payload,
      };
    },
    success: { DELETE: shapes.faultDeleted },
    memory,
  };
  return [
    route('POST /_emulator/faults', 'POST', payload(faultBody)),
    route('GET /_emulator/faults', 'GET', noBody),
    route('DELETE /_emulator/faults', 'DELETE', noBody),
    one as RouteSpec<unknown>,
  ] as RouteSpec<unknown>[];
}
