import t from 'tap';
import { MAX_TRACKED_INSTANCES, RateLimits } from '../src/emulator/rate-limits-store.js';

// The store's memory bound: it tracks at most MAX_TRACKED_INSTANCES instances, whatever the number of keys.

const instance = (id: number) => ({ id, clockOffsetMs: 0 });

t.test('past the bound, instances that behave as untracked ones are forgotten first', async (t) => {
  const limits = new RateLimits('dev');
  // Set to the default profile with nothing counted: forgetting them changes nothing a client sees.
  for (let id = 1; id <= MAX_TRACKED_INSTANCES; id++) limits.setProfile(id, 'dev');
  t.equal(limits.size, MAX_TRACKED_INSTANCES);
  t.equal(limits.admit(instance(0), undefined), 0);
  t.equal(limits.size, 1, 'only the counted one is left');
});

t.test('past the bound with every instance in use, the oldest tenth is forgotten', async (t) => {
  const limits = new RateLimits('off');
  for (let id = 1; id <= MAX_TRACKED_INSTANCES; id++) limits.setProfile(id, 'prod');
  limits.setProfile(0, 'dev');
  t.equal(limits.size, MAX_TRACKED_INSTANCES - MAX_TRACKED_INSTANCES / 10 + 1);
  t.equal(limits.profileOf(1), 'off', 'the oldest is back to the default');
  t.equal(limits.profileOf(MAX_TRACKED_INSTANCES / 10 + 1), 'prod', 'newer ones are kept');
  t.equal(limits.profileOf(0), 'dev');
});

t.test('a window holds at most its limit: refused requests add nothing', async (t) => {
  const limits = new RateLimits('dev');
  const one = instance(1);
  for (let i = 0; i < 100; i++) t.equal(limits.admit(one, undefined), 0);
  for (let i = 0; i < 1000; i++) t.ok(limits.admit(one, undefined) > 0);
  t.equal(limits.view(one).limits[0]?.used, 100);
  one.clockOffsetMs = 10_000;
  t.equal(limits.admit(one, undefined), 0, 'a moved clock frees the window');
  t.equal(limits.view(one).limits[0]?.used, 1);
});
