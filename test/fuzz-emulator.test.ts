import t from 'tap';
import { fixture } from './fuzz/fixtures.js';
import { fuzzRoute } from './fuzz/harness.js';
import { emulatorRoutes } from './fuzz/routes.js';

t.test('fuzzing the /_emulator routes and the ticket link', async (t) => {
  const f = await fixture(t);
  for (const spec of emulatorRoutes(f)) await fuzzRoute(t, f.app, spec);
});
