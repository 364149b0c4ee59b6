import t, { type Test } from 'tap';
import { ConfigError, defaultConfig, loadConfig } from '../src/config.js';

const defaults = {
  port: 4010,
  host: '127.0.0.1',
  databasePath: ':memory:',
  secretKeys: [],
  publicUrl: undefined,
  seedFile: undefined,
  logLevel: 'info',
  allowedHosts: [],
  journalSize: 1000,
  rateLimit: 'off',
  webhookUrl: undefined,
  webhookSecret: undefined,
};

/** The ConfigError loadConfig throws, which must be one line naming the setting. */
function failure(t: Test, env: NodeJS.ProcessEnv, argv: string[] = []): string {
  try {
    loadConfig(env, argv);
  } catch (err) {
    t.type(err, ConfigError);
    const message = (err as Error).message;
    t.notMatch(message, /\n/, 'one line');
    return message;
  }
  t.fail('expected a ConfigError');
  return '';
}

t.test('with no environment every setting has its default', async (t) => {
  t.same(loadConfig({}), defaults);
  t.same(loadConfig({ PORT: '', HOST: '', LOG_LEVEL: '' }), defaults, 'an empty variable counts as unset');
  t.same(defaultConfig(), { ...defaults, logLevel: 'silent' });
});

t.test('every variable is read', async (t) => {
  t.same(
    loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATABASE_PATH: '/data/mock.db',
      CLERK_SECRET_KEYS: 'sk_test_a, sk_live_b,,',
      PUBLIC_URL: 'https://invites.example.com/',
      SEED_FILE: 'seed.json',
      LOG_LEVEL: 'debug',
      ALLOWED_HOSTS: 'clerk, Mock.Internal.,,::1',
      JOURNAL_SIZE: '0',
      RATE_LIMIT: 'dev',
      WEBHOOK_URL: 'http://app:3000/api/webhooks',
      WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
    {
      port: 0,
      host: '0.0.0.0',
      databasePath: '/data/mock.db',
      secretKeys: ['sk_test_a', 'sk_live_b'],
      publicUrl: 'https://invites.example.com',
      seedFile: 'seed.json',
      logLevel: 'debug',
      allowedHosts: ['clerk', 'mock.internal', '[::1]'],
      journalSize: 0,
      rateLimit: 'dev',
      webhookUrl: 'http://app:3000/api/webhooks',
      webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
  );
  t.equal(loadConfig({ PORT: '65535' }).port, 65535);
  t.equal(loadConfig({ PUBLIC_URL: 'http://localhost:4010/mock//' }).publicUrl, 'http://localhost:4010/mock');
});

t.test('flags win over the environment and --secret-key repeats', async (t) => {
  const config = loadConfig({ PORT: '1', CLERK_SECRET_KEYS: 'sk_test_env' }, [
    '--port',
    '2',
    '--secret-key',
    'sk_test_a',
    '--secret-key',
    'sk_test_b,sk_test_c',
    '--db',
    'x.db',
    '--log-level',
    'warn',
  ]);
  t.equal(config.port, 2);
  t.same(config.secretKeys, ['sk_test_a', 'sk_test_b', 'sk_test_c']);
  t.equal(config.databasePath, 'x.db');
  t.equal(config.logLevel, 'warn');
});

t.test('a bad PORT is a ConfigError naming PORT', async (t) => {
  for (const port of ['65536', 'abc', '-1', '80.5', '4010 ', '123456']) {
    t.equal(failure(t, { PORT: port }), `PORT: must be an integer from 0 to 65535 (got ${JSON.stringify(port)})`);
  }
});

t.test('a bad CLERK_SECRET_KEYS is a ConfigError naming it', async (t) => {
  t.equal(
    failure(t, { CLERK_SECRET_KEYS: 'sk_test_ok,pk_test_nope' }),
    'CLERK_SECRET_KEYS: must be keys of the form sk_test_… or sk_live_… (1-128 of A-Z a-z 0-9 _ -) (got "sk_test_ok,pk_test_nope")',
  );
  t.match(
    failure(t, { CLERK_SECRET_KEYS: ',' }),
    /^CLERK_SECRET_KEYS: must be keys/,
    'only separators is not a key list',
  );
  t.match(failure(t, {}, ['--secret-key', 'nope']), /^--secret-key: must be keys/);
});

t.test('a bad PUBLIC_URL is a ConfigError naming it', async (t) => {
  for (const url of [
    'localhost:4010',
    'ftp://example.com',
    'https://example.com/?x=1',
    'https://example.com/#top',
    'not a url',
  ]) {
    t.equal(
      failure(t, { PUBLIC_URL: url }),
      `PUBLIC_URL: must be an absolute http(s) URL without query or fragment (got ${JSON.stringify(url)})`,
    );
  }
});

t.test('a bad LOG_LEVEL is a ConfigError naming it', async (t) => {
  t.equal(
    failure(t, { LOG_LEVEL: 'loud' }),
    'LOG_LEVEL: must be fatal, error, warn, info, debug, trace, silent (got "loud")',
  );
  t.equal(
    failure(t, { LOG_LEVEL: 'INFO' }),
    'LOG_LEVEL: must be fatal, error, warn, info, debug, trace, silent (got "INFO")',
  );
});

t.test('--allowed-host repeats, wins over ALLOWED_HOSTS, and a bad entry is a ConfigError naming it', async (t) => {
  t.same(
    loadConfig({ ALLOWED_HOSTS: 'env.test' }, ['--allowed-host', 'clerk', '--allowed-host', 'app.test,10.0.0.2'])
      .allowedHosts,
    ['clerk', 'app.test', '10.0.0.2'],
  );
  for (const hosts of ['clerk:4010', 'http://clerk', 'clerk/x', 'a b', 'clerk,bad host']) {
    t.equal(
      failure(t, { ALLOWED_HOSTS: hosts }),
      `ALLOWED_HOSTS: must be host names or IP addresses without a scheme or port, comma-separated (got ${JSON.stringify(hosts)})`,
    );
  }
  t.match(failure(t, { ALLOWED_HOSTS: ',' }), /^ALLOWED_HOSTS: must be host names/, 'only separators is no list');
  t.match(failure(t, {}, ['--allowed-host', 'x:1']), /^--allowed-host: must be host names/);
});

t.test('HOST and DATABASE_PATH take any non-empty value', async (t) => {
  t.equal(loadConfig({ HOST: '::1' }).host, '::1');
  t.equal(loadConfig({ DATABASE_PATH: './relative/file.sqlite' }).databasePath, './relative/file.sqlite');
  t.match(failure(t, {}, ['--host', '']), /^--host: must be a host name or IP address/);
  t.match(failure(t, {}, ['--db', '']), /^--db: must be a file path or :memory:/);
});

t.test('an unknown flag or argument is a one-line ConfigError', async (t) => {
  t.equal(failure(t, {}, ['--prot', '1']), 'unknown flag --prot (see --help)');
  t.equal(failure(t, {}, ['start']), 'unknown command "start" (expected serve or healthcheck)');
  t.equal(failure(t, {}, ['serve', 'extra']), 'unexpected argument "extra"');
});

t.test('loadConfig reads nothing but its arguments', async (t) => {
  const saved = process.env['PORT'];
  process.env['PORT'] = '9999';
  t.teardown(() => {
    if (saved === undefined) delete process.env['PORT'];
    else process.env['PORT'] = saved;
  });
  t.equal(loadConfig({}).port, 4010);
});

t.test(
  'JOURNAL_SIZE and --journal-size take 0 to 100000, the flag winning; anything else is a ConfigError',
  async (t) => {
    t.equal(loadConfig({ JOURNAL_SIZE: '25' }).journalSize, 25);
    t.equal(loadConfig({ JOURNAL_SIZE: '100000' }).journalSize, 100_000);
    t.equal(loadConfig({ JOURNAL_SIZE: '25' }, ['--journal-size', '0']).journalSize, 0);
    for (const bad of ['-1', '1.5', 'off', '100001', '1e3'])
      t.equal(
        failure(t, { JOURNAL_SIZE: bad }),
        `JOURNAL_SIZE: must be an integer from 0 to 100000 (got ${JSON.stringify(bad)})`,
      );
    t.equal(failure(t, {}, ['--journal-size', 'x']), '--journal-size: must be an integer from 0 to 100000 (got "x")');
  },
);

t.test(
  '--rate-limit wins over RATE_LIMIT, and a profile other than off, dev or prod is a ConfigError naming it',
  async (t) => {
    t.equal(loadConfig({ RATE_LIMIT: 'dev' }, ['--rate-limit', 'prod']).rateLimit, 'prod');
    t.equal(failure(t, { RATE_LIMIT: 'on' }), 'RATE_LIMIT: must be off, dev, prod (got "on")');
    t.equal(failure(t, {}, ['--rate-limit', 'Dev']), '--rate-limit: must be off, dev, prod (got "Dev")');
  },
);

t.test('WEBHOOK_URL is an http(s) URL without credentials, WEBHOOK_SECRET a whsec_ secret that needs it', async (t) => {
  t.equal(
    loadConfig({}, ['--webhook-url', 'https://app.example.com/hooks']).webhookUrl,
    'https://app.example.com/hooks',
  );
  for (const bad of ['ftp://x/y', 'app:3000', 'http://u:p@app/hooks'])
    t.equal(
      failure(t, { WEBHOOK_URL: bad }),
      `WEBHOOK_URL: must be an absolute http(s) URL without a user or password (got ${JSON.stringify(bad)})`,
    );
  for (const bad of ['sk_test_x', 'whsec_short', `whsec_${Buffer.alloc(80).toString('base64')}`])
    t.equal(
      failure(t, { WEBHOOK_URL: 'http://app/hooks' }, ['--webhook-secret', bad]),
      `--webhook-secret: must be whsec_ followed by the standard base64 of 24 to 75 bytes (got ${JSON.stringify(bad.slice(0, 80))})`,
    );
  t.equal(
    failure(t, { WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    'WEBHOOK_SECRET is the secret of WEBHOOK_URL: set WEBHOOK_URL too',
  );
});
