import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEmulator } from '../src/index.js';
import { cleanEnv, closedPort } from './built-cli.js';

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

t.test(
  'the Express example: @clerk/express finds the emulator by CLERK_API_URL, listens on PORT, answers errors as JSON',
  async (t) => {
    const emulator = await startEmulator();
    t.teardown(() => emulator.close());
    const child = spawn(process.execPath, ['examples/express.mjs'], {
      cwd: ROOT,
      env: cleanEnv({ PORT: '0', CLERK_API_URL: emulator.url, CLERK_SECRET_KEY: emulator.secretKey, NODE_OPTIONS: '' }),
    });
    t.teardown(() => void child.kill('SIGKILL'));
    child.stdout.setEncoding('utf8');
    const [line] = (await once(child.stdout, 'data')) as [string];
    t.equal(line, `app on ${/^app on (http:\/\/localhost:\d+)/.exec(line)?.[1]}, Clerk API at ${emulator.url}\n`);
    const app = /^app on (\S+),/.exec(line)![1]!;
    const invite = () =>
      fetch(`${app}/invite`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com' }),
      });
    const answer = async (res: Response) => ({
      status: res.status,
      type: res.headers.get('content-type'),
      body: await res.json(),
    });

    const created = await answer(await invite());
    t.match(created, {
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { id: /^inv_\w{27}$/, url: /^http:\/\/localhost:\d+\/v1\/tickets\/accept\?ticket=\S+$/ },
    });
    t.same(Object.keys(created.body), ['id', 'url']);
    // Clerk's 400 reaches the app's caller as JSON, not as Express's HTML page with a stack trace.
    t.same(await answer(await invite()), {
      status: 400,
      type: 'application/json; charset=utf-8',
      body: {
        errors: [
          {
            code: 'duplicate_record',
            message: 'duplicate invitation',
            longMessage: 'There are already pending invitations for the following email addresses: ada@example.com',
          },
        ],
      },
    });
    t.same(await answer(await fetch(`${app}/invitations`)), {
      status: 200,
      type: 'application/json; charset=utf-8',
      body: { totalCount: 1, emails: ['ada@example.com'] },
    });
  },
);

t.test(
  'the compose app receives user.created, verified by the Next-style handler with its signing secret',
  async (t) => {
    const port = await closedPort();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const emulator = await startEmulator({
      webhookUrl: `http://127.0.0.1:${port}/api/webhooks`,
      webhookSecret: secret,
    });
    t.teardown(() => emulator.close());
    const { stdout } = await run(process.execPath, ['examples/compose-app/invite.mjs'], {
      cwd: ROOT,
      env: cleanEnv({
        CLERK_API_URL: emulator.url,
        CLERK_SECRET_KEY: emulator.secretKey,
        CLERK_WEBHOOK_SIGNING_SECRET: secret,
        PORT: String(port),
      }),
    });
    const lines = stdout.trim().split('\n');
    t.match(lines[0], /^create: 200 inv_\w{27} guest-\d+@example\.com$/);
    t.equal(lines[2], 'link clicked: 200');
    const email = /guest-\d+@example\.com/.exec(lines[0]!)![0];
    t.match(
      lines[3],
      new RegExp(`^webhook: email\\.created ${email} http://localhost:\\d+/v1/tickets/accept\\?ticket=\\S+$`),
    );
    t.match(lines[4], new RegExp(`^webhook: user\\.created user_\\w{27} ${email} \\{"plan":"pro"\\}$`));
    t.equal(lines.length, 5);
  },
);

t.test('the Next-style handler refuses a delivery signed with another secret', async (t) => {
  const route = '../examples/webhooks-route.mjs';
  const { POST, received } = (await import(route)) as {
    POST: (r: Request) => Promise<Response>;
    received: string[];
  };
  const saved = process.env['CLERK_WEBHOOK_SIGNING_SECRET'];
  process.env['CLERK_WEBHOOK_SIGNING_SECRET'] = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  t.teardown(() => {
    if (saved === undefined) delete process.env['CLERK_WEBHOOK_SIGNING_SECRET'];
    else process.env['CLERK_WEBHOOK_SIGNING_SECRET'] = saved;
  });
  const { sign } = await import('../src/emulator/webhooks-signing.js');
  const body = '{"type":"user.created","data":{}}';
  const headers = sign(`whsec_${Buffer.alloc(24, 9).toString('base64')}`, 'msg_x', Date.now(), body);
  const res = await POST(new Request('http://app/api/webhooks', { method: 'POST', headers: { ...headers }, body }));
  t.equal(res.status, 400);
  t.equal(received.at(-1), 'refused: @clerk/backend: Unable to verify incoming webhook: No matching signature found');
});
