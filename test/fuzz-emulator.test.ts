import t from 'tap';
import { fixture } from './fuzz/fixtures.js';
import { fuzzRoute } from './fuzz/harness.js';
import { emulatorRoutes, unknownPaths } from './fuzz/routes.js';

t.test('fuzzing the /_emulator routes and paths no route serves', async (t) => {
  const f = await fixture(t);
  for (const spec of [...emulatorRoutes(f), unknownPaths]) await fuzzRoute(t, f.app, spec);
});
