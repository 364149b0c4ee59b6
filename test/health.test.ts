import t from 'tap';
import { build, call } from './helper.js';

t.test('health answers ok without a key', async (t) => {
  const app = await build(t);
  const r = await call(app, { method: 'GET', url: '/_emulator/health', key: null });
  t.same(
    { status: r.status, type: r.type, body: r.body },
    { status: 200, type: 'application/json', body: { status: 'ok' } },
  );
});
