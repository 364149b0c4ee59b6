import t from 'tap';
import { fixture } from './fuzz/fixtures.js';
import { fuzzRoute } from './fuzz/harness.js';
import { clerkRoutes, unknownPaths } from './fuzz/routes.js';

// Random and malformed requests to every Clerk route: never a 5xx, always the exact Content-Type,
// always the envelope or the documented success, and no write from any rejected request.
t.test('fuzzing the Clerk invitation routes and paths no route serves', async (t) => {
  const f = await fixture(t);
  for (const spec of [...clerkRoutes(f), unknownPaths]) await fuzzRoute(t, f.app, spec);
});
