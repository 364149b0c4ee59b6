import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEmulator } from '../src/index.js';
import { cleanEnv } from './built-cli.js';

// The examples import 'clerk-invitations-mock' itself, which resolves to this package's dist.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

t.test('the @clerk/backend example runs against an emulator given by CLERK_API_URL', async (t) => {
  const emulator = await startEmulator();
  t.teardown(() => emulator.close());
  const { stdout } = await run(process.execPath, ['examples/clerk-backend.mjs'], {
    cwd: ROOT,
    env: cleanEnv({ CLERK_API_URL: emulator.url, CLERK_SECRET_KEY: emulator.secretKey }),
  });
  const lines = stdout.trim().split('\n');
  t.match(lines[0], /^created inv_\w{27} pending http:\/\/localhost:\d+\/v1\/tickets\/accept\?ticket=\S+$/);
  t.equal(lines[1], 'pending 1 ada@example.com');
  t.match(lines[2], /^revoked inv_\w{27} revoked$/);
});

t.test('the test-runner example passes with node:test', async (t) => {
  const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', 'examples/invitations.test.mjs'], {
    cwd: ROOT,
    env: cleanEnv({ NODE_OPTIONS: '' }),
  });
  t.match(stdout, /^# pass 2$/m);
  t.match(stdout, /^# fail 0$/m);
});
