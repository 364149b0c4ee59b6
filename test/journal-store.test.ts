import t from 'tap';
import {
  JOURNAL_ENTRY_OVERHEAD,
  JOURNAL_TOTAL_BYTES,
  JOURNAL_TOTAL_FACTOR,
  JournalStore,
  type Recorded,
} from '../src/emulator/journal-store.js';

const recorded = (
  id: string,
  requestBody: Recorded['requestBody'] = null,
  responseBody: Recorded['responseBody'] = null,
): Recorded => ({
  id,
  method: 'GET',
  url: '/v1/invitations',
  status: 200,
  durationMs: 1,
  createdAt: 0,
  requestBody,
  responseBody,
  faultId: null,
  rateLimited: false,
});
const ids = (store: JournalStore, instance: number) => [...store.entries(instance)].map((r) => r.id);

t.test('10,000 instances filling their journals never keep more than 20 × JOURNAL_SIZE entries in all', async (t) => {
  const size = 50;
  const store = new JournalStore(size);
  let most = 0;
  for (let instance = 1; instance <= 10_000; instance++)
    for (let i = 0; i < size; i++) {
      store.record(instance, recorded(`${instance}-${i}`));
      if (store.size > most) most = store.size;
    }
  t.equal(JOURNAL_TOTAL_FACTOR, 20);
  t.equal(most, 20 * size, 'the bound is reached and never passed');
  t.equal(store.size, 20 * size);
  t.equal(store.instances, 20, 'instances whose journal emptied are forgotten');
  t.same(ids(store, 10_000).slice(0, 2), ['10000-49', '10000-48']);
  t.same(ids(store, 9_980), [], 'the oldest instances went first');
  t.equal(ids(store, 9_981).length, size);
});

t.test('at the default size, 10,000 instances taking turns keep the newest 20,000 requests', async (t) => {
  const store = new JournalStore(1000);
  let most = 0;
  for (let round = 0; round < 3; round++)
    for (let instance = 1; instance <= 10_000; instance++) {
      store.record(instance, recorded(`${round}-${instance}`));
      if (store.size > most) most = store.size;
    }
  t.equal(most, 20_000);
  t.equal(store.instances, 10_000);
  t.same(ids(store, 1), ['2-1', '1-1']);
  t.same(ids(store, 10_000), ['2-10000', '1-10000']);
});

t.test('records, bounds and clears agree with a plain list model over a random sequence', async (t) => {
  const perInstance = 4;
  const store = new JournalStore(perInstance);
  // A deterministic sequence (a 32-bit linear congruential generator, its high bits), so a failure replays.
  let seed = 42;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  let most = 0;
  let model: { instance: number; id: string }[] = [];
  for (let step = 0; step < 5_000; step++) {
    const instance = 1 + next(30);
    if (next(20) === 0) {
      const held = model.filter((e) => e.instance === instance).length;
      t.equal(store.clear(instance), held);
      model = model.filter((e) => e.instance !== instance);
    } else {
      const id = String(step);
      store.record(instance, recorded(id));
      model.push({ instance, id });
      const mine = model.filter((e) => e.instance === instance);
      if (mine.length > perInstance) model.splice(model.indexOf(mine[0]!), 1);
      if (model.length > JOURNAL_TOTAL_FACTOR * perInstance) model.shift();
    }
    most = Math.max(most, store.size);
    if (step % 50 === 0 || step === 4_999)
      for (let i = 1; i <= 30; i++)
        t.same(
          ids(store, i),
          model
            .filter((e) => e.instance === i)
            .map((e) => e.id)
            .reverse(),
          `instance ${i} at step ${step}`,
        );
  }
  t.equal(store.size, model.length);
  t.equal(most, JOURNAL_TOTAL_FACTOR * perInstance, 'the sequence reaches the bound of all instances');
});

t.test('a journal of size 0 keeps nothing', async (t) => {
  const store = new JournalStore(0);
  store.record(1, recorded('a'));
  t.equal(store.size, 0);
  t.same(ids(store, 1), []);
  t.equal(store.clear(1), 0);
});

t.test(
  'bodies of 16 KiB each way across 3,000 instances keep at most 16 MiB, the oldest of all going first',
  async (t) => {
    t.equal(JOURNAL_TOTAL_BYTES, 16 * 1024 * 1024);
    const store = new JournalStore(1000);
    const body = 'x'.repeat(16 * 1024);
    const each = JOURNAL_ENTRY_OVERHEAD + '/v1/invitations'.length + 2 * body.length;
    const fits = Math.floor(JOURNAL_TOTAL_BYTES / each);
    let most = 0;
    for (let instance = 1; instance <= 3_000; instance++) {
      store.record(instance, recorded(String(instance), body, Buffer.from(body)));
      most = Math.max(most, store.bytes);
    }
    t.ok(most <= JOURNAL_TOTAL_BYTES, `at most ${JOURNAL_TOTAL_BYTES} bytes kept at any time (most ${most})`);
    t.same(
      { size: store.size, instances: store.instances, bytes: store.bytes },
      { size: fits, instances: fits, bytes: fits * each },
      'as many entries as fit, far fewer than 20 × JOURNAL_SIZE',
    );
    t.same(ids(store, 3_000 - fits), [], 'the oldest instances went first and are forgotten');
    t.same(ids(store, 3_001 - fits), [String(3_001 - fits)]);
    t.same(ids(store, 3_000), ['3000']);
  },
);

t.test('a body kept as its size counts nothing; the fixed overhead and the URL count', async (t) => {
  const store = new JournalStore(10);
  store.record(1, recorded('a', 20_000, 30_000));
  t.equal(store.bytes, JOURNAL_ENTRY_OVERHEAD + '/v1/invitations'.length);
  store.record(1, recorded('b', '{"a":1}', Buffer.from('{"b":22}')));
  t.equal(store.bytes, 2 * (JOURNAL_ENTRY_OVERHEAD + '/v1/invitations'.length) + 7 + 8);
  t.equal(store.clear(1), 2);
  t.same({ size: store.size, bytes: store.bytes, instances: store.instances }, { size: 0, bytes: 0, instances: 0 });
});

t.test('the count and byte bounds, per-instance eviction and clears agree with a plain list model', async (t) => {
  const perInstance = 40;
  const total = JOURNAL_TOTAL_FACTOR * perInstance;
  const store = new JournalStore(perInstance);
  let seed = 7;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const small = ['{"a":1}', null, 20_000, Buffer.from('{"b":[1,2,3]}')];
  const big = ['y'.repeat(16 * 1024), Buffer.alloc(16 * 1024, 'z'), 'w'.repeat(12_000), 'v'.repeat(16_000)];
  const length = (b: Recorded['requestBody'] | Recorded['responseBody']) =>
    b === null || typeof b === 'number' ? 0 : b.length;
  let model: { instance: number; id: string; bytes: number }[] = [];
  const modelBytes = () => model.reduce((sum, e) => sum + e.bytes, 0);
  const most = { small: 0, bigBytes: 0, perInstance: 0 };
  for (let step = 0; step < 6_000; step++) {
    // Half the requests go to instance 1, so that its own bound applies too; the rest spread over 30.
    const instance = next(2) === 0 ? 1 : 1 + next(30);
    const phase = step < 2_000 || step >= 4_000 ? small : big;
    if (next(40) === 0) {
      const held = model.filter((e) => e.instance === instance).length;
      t.equal(store.clear(instance), held);
      model = model.filter((e) => e.instance !== instance);
    } else {
      const id = String(step);
      const request = phase[next(4)] as Recorded['requestBody'];
      const response = phase[next(4)] as Recorded['responseBody'];
      store.record(instance, recorded(id, request, response));
      const bytes = JOURNAL_ENTRY_OVERHEAD + '/v1/invitations'.length + length(request) + length(response);
      model.push({ instance, id, bytes });
      const mine = model.filter((e) => e.instance === instance);
      if (mine.length > perInstance) model.splice(model.indexOf(mine[0]!), 1);
      while (model.length > total || modelBytes() > JOURNAL_TOTAL_BYTES) model.shift();
      most.perInstance = Math.max(most.perInstance, mine.length);
    }
    t.equal(store.bytes, modelBytes(), `bytes at step ${step}`);
    if (phase === small) most.small = Math.max(most.small, store.size);
    else most.bigBytes = Math.max(most.bigBytes, store.bytes);
    if (step % 100 === 0 || step === 5_999)
      for (let i = 1; i <= 30; i++)
        t.same(
          ids(store, i),
          model
            .filter((e) => e.instance === i)
            .map((e) => e.id)
            .reverse(),
          `instance ${i} at step ${step}`,
        );
  }
  t.equal(store.size, model.length);
  t.equal(most.small, total, 'small bodies reach the bound on entries');
  t.ok(most.bigBytes > JOURNAL_TOTAL_BYTES - 2 * 16 * 1024, 'big bodies reach the bound on bytes');
  t.ok(most.bigBytes <= JOURNAL_TOTAL_BYTES);
  t.ok(most.perInstance > perInstance, 'instance 1 reaches its own bound');
  for (let i = 1; i <= 30; i++) store.clear(i);
  t.same({ size: store.size, bytes: store.bytes, instances: store.instances }, { size: 0, bytes: 0, instances: 0 });
});
