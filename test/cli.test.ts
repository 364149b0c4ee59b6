import { readFileSync } from 'node:fs';
import t from 'tap';
import { SETTINGS } from '../src/config.js';
import { startEmulator } from '../src/index.js';
import { closedPort, runCli, startCli } from './built-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

t.test('--help prints a table of every flag with its env name and default', async (t) => {
  const r = await runCli(['--help']);
  t.equal(r.code, 0);
  t.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  t.match(lines[0], `clerk-invitations-mock ${version}`);
  t.match(
    lines.find((l) => l.startsWith('flag')),
    /^flag +env +default +meaning$/,
  );
  for (const s of SETTINGS) {
    const row = lines.find((l) => l.startsWith(`--${s.flag} `));
    t.match(
      row,
      new RegExp(`^--${s.flag} +${s.env} +${s.default.replace(/[()<>:]/g, '\\$&')} +${s.help.slice(0, 10)}`),
      s.flag,
    );
  }
});

t.test('--version prints the package version', async (t) => {
  t.same(await runCli(['--version']), { code: 0, signal: null, stdout: `${version}\n`, stderr: '' });
});

t.test('a bad flag value exits 1 with one line naming the flag', async (t) => {
  t.same(await runCli(['--port', 'abc']), {
    code: 1,
    signal: null,
    stdout: '',
    stderr: 'clerk-invitations-mock: --port: must be an integer from 0 to 65535 (got "abc")\n',
  });
});

t.test('a bad env value exits 1 with one line naming the variable', async (t) => {
  t.same(await runCli([], { LOG_LEVEL: 'loud' }), {
    code: 1,
    signal: null,
    stdout: '',
    stderr: 'clerk-invitations-mock: LOG_LEVEL: must be fatal, error, warn, info, debug, trace, silent (got "loud")\n',
  });
});

t.test('an unknown flag exits 1 with one line naming it', async (t) => {
  t.same(await runCli(['--bogus']), {
    code: 1,
    signal: null,
    stdout: '',
    stderr: 'clerk-invitations-mock: unknown flag --bogus (see --help)\n',
  });
});

t.test('start-up says where it listens, the key mode, the data, the docs and how to point an app at it', async (t) => {
  // The flag wins over a bad env value, which is then never read.
  const cli = await startCli(['--port', '0', '--log-level', 'warn'], {
    PORT: 'abc',
    CLERK_SECRET_KEYS: 'sk_test_a,sk_test_b',
  });
  t.teardown(() => void cli.child.kill('SIGKILL'));
  const port = new URL(cli.url).port;
  t.same(cli.banner, [
    `clerk-invitations-mock ${version} listening on http://127.0.0.1:${port}`,
    '  keys:  locked (2 keys)',
    '  data:  :memory: (nothing is kept after exit; set DATABASE_PATH to keep data)',
    `  links: http://localhost:${port}/v1/tickets/accept?ticket=…`,
    `  docs:  http://127.0.0.1:${port}/docs`,
    `  ui:    http://127.0.0.1:${port}/_emulator/ui`,
    `  point your app at it: CLERK_API_URL=http://127.0.0.1:${port} (a client that takes the full API URL: http://127.0.0.1:${port}/v1)`,
  ]);
  // The full API URL that the hint names is where a Go, Python or Ruby client sends its requests.
  const fullUrl = / \(a client that takes the full API URL: (\S+)\)$/.exec(cli.banner[6] ?? '')?.[1];
  const list = await fetch(`${fullUrl}/invitations`, { headers: { authorization: 'Bearer sk_test_a' } });
  t.same(
    { status: list.status, type: list.headers.get('content-type'), body: await list.json() },
    { status: 200, type: 'application/json', body: [] },
  );
  const health = await fetch(`${cli.url}/_emulator/health`);
  t.same(
    { status: health.status, type: health.headers.get('content-type'), body: await health.json() },
    { status: 200, type: 'application/json', body: { status: 'ok' } },
  );

  t.same(
    await runCli(['healthcheck'], { PORT: port }),
    { code: 0, signal: null, stdout: '', stderr: '' },
    'healthcheck from env',
  );
  cli.child.kill('SIGTERM');
  const end = await cli.exited;
  t.same({ code: end.code, signal: end.signal }, { code: 0, signal: null }, 'SIGTERM exits 0');
});

t.test('with WEBHOOK_URL the banner names it and the secret the app verifies with, generated or given', async (t) => {
  const cli = await startCli([
    '--port',
    '0',
    '--log-level',
    'warn',
    '--webhook-url',
    'http://app:3000/api/webhooks?ticket=x',
  ]);
  t.teardown(() => void cli.child.kill('SIGKILL'));
  t.same(cli.banner.slice(7, 8), [
    '  webhooks: http://app:3000/api/webhooks?ticket=[redacted] (email.created, user.created)',
  ]);
  t.match(cli.banner[8], /^ {2}verify them with: CLERK_WEBHOOK_SIGNING_SECRET=whsec_[A-Za-z0-9+/]{32}$/);
  t.equal(cli.banner.length, 9);
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const given = await startCli(['--port', '0', '--log-level', 'warn'], {
    WEBHOOK_URL: 'http://app:3000/api/webhooks',
    WEBHOOK_SECRET: secret,
  });
  t.teardown(() => void given.child.kill('SIGKILL'));
  t.equal(given.banner[8], `  verify them with: CLERK_WEBHOOK_SIGNING_SECRET=${secret}`);
});

t.test('open mode is the default and says which keys it takes', async (t) => {
  const cli = await startCli(['--log-level', 'warn'], { PORT: '0' });
  t.teardown(() => void cli.child.kill('SIGKILL'));
  t.equal(cli.banner[1], '  keys:  open (any sk_test_… or sk_live_… key)');
  cli.child.kill('SIGINT');
  const end = await cli.exited;
  t.same({ code: end.code, signal: end.signal }, { code: 0, signal: null }, 'SIGINT exits 0');
});

t.test('healthcheck exits 1 when nothing answers on the configured port', async (t) => {
  t.same(await runCli(['healthcheck', '--port', String(await closedPort())]), {
    code: 1,
    signal: null,
    stdout: '',
    stderr: '',
  });
});

t.test('healthcheck reaches a server listening on all interfaces through loopback', async (t) => {
  const emulator = await startEmulator({ host: '0.0.0.0' });
  t.teardown(() => emulator.close());
  const port = new URL(emulator.url).port;
  t.same(await runCli(['healthcheck'], { PORT: port, HOST: '0.0.0.0' }), {
    code: 0,
    signal: null,
    stdout: '',
    stderr: '',
  });
});
