import t from 'tap';
import { JOURNAL_TOTAL_FACTOR, JournalStore, type Recorded } from '../src/emulator/journal-store.js';

const recorded = (id: string): Recorded => ({
  id,
  method: 'GET',
  url: '/v1/invitations',
  status: 200,
  durationMs: 1,
  createdAt: 0,
  requestBody: null,
  responseBody: null,
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
