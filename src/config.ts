import { parseArgs } from 'node:util';
import { z } from 'zod';
import { JOURNAL_TOTAL_BYTES, JOURNAL_TOTAL_FACTOR } from './emulator/journal-store.js';
import { RATE_LIMIT_PROFILES, type RateLimitProfile } from './emulator/rate-limits-profiles.js';
import { webhookUrl } from './emulator/webhooks-endpoints.js';
import { isSecret, SECRET_EXPECTED } from './emulator/webhooks-signing.js';
import { hostName } from './http/hosts.js';

export const SECRET_KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_-]{1,128}$/;
/** The largest JOURNAL_SIZE: bounds the journal's entries (its bytes are bounded apart, see src/emulator/journal-store.ts). */
export const MAX_JOURNAL_SIZE = 100_000;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  secretKeys: string[];
  /** undefined: http://localhost:<the port actually listened on> */
  publicUrl: string | undefined;
  seedFile: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Host names, besides loopback ones, the PUBLIC_URL host and the listen address, that requests may carry in Host. */
  allowedHosts: string[];
  /** Requests kept in each instance's journal; 0 turns the journal off. */
  journalSize: number;
  /** The rate-limit profile of every instance until POST /_emulator/rate-limits changes it. */
  rateLimit: RateLimitProfile;
  /** An endpoint every instance sends its webhooks to (contract §11). */
  webhookUrl: string | undefined;
  /** Its signing secret; undefined: one is generated at start and printed in the banner. */
  webhookSecret: string | undefined;
}

/** One setting: its env name, its flag, its default as shown in --help, and what it means. */
export interface Setting {
  key: keyof Config;
  env: string;
  flag: string;
  default: string;
  help: string;
}

export const SETTINGS: Setting[] = [
  { key: 'port', env: 'PORT', flag: 'port', default: '4010', help: 'listen port (0 picks a free one)' },
  { key: 'host', env: 'HOST', flag: 'host', default: '127.0.0.1', help: 'listen address (0.0.0.0 for all interfaces)' },
  {
    key: 'databasePath',
    env: 'DATABASE_PATH',
    flag: 'db',
    default: ':memory:',
    help: 'SQLite file; :memory: keeps nothing across restarts',
  },
  {
    key: 'secretKeys',
    env: 'CLERK_SECRET_KEYS',
    flag: 'secret-key',
    default: '(none: open mode)',
    help: 'accepted secret keys, comma-separated; the flag may repeat',
  },
  {
    key: 'publicUrl',
    env: 'PUBLIC_URL',
    flag: 'public-url',
    default: 'http://localhost:<port>',
    help: 'base URL of invitation links',
  },
  {
    key: 'seedFile',
    env: 'SEED_FILE',
    flag: 'seed',
    default: '(none)',
    help: 'JSON file of instances, users and invitations loaded at start',
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    help: `log level: ${LOG_LEVELS.join(', ')}`,
  },
  {
    key: 'allowedHosts',
    env: 'ALLOWED_HOSTS',
    flag: 'allowed-host',
    default: '(none)',
    help: 'more names requests may carry in Host, e.g. a compose service name (loopback, the PUBLIC_URL host and the listen address always pass), comma-separated; the flag may repeat',
  },
  {
    key: 'journalSize',
    env: 'JOURNAL_SIZE',
    flag: 'journal-size',
    default: '1000',
    help: `requests kept in each instance's journal (GET /_emulator/requests), ${JOURNAL_TOTAL_FACTOR} times that and ${JOURNAL_TOTAL_BYTES / 2 ** 20} MiB in all; 0 turns the journal off`,
  },
  {
    key: 'rateLimit',
    env: 'RATE_LIMIT',
    flag: 'rate-limit',
    default: 'off',
    help: `rate-limit profile of instances: ${RATE_LIMIT_PROFILES.join(', ')} (Clerk's development or production limits, 429 with Retry-After)`,
  },
  {
    key: 'webhookUrl',
    env: 'WEBHOOK_URL',
    flag: 'webhook-url',
    default: '(none)',
    help: 'an endpoint every instance sends its webhooks to (email.created, user.created), e.g. your app in docker-compose',
  },
  {
    key: 'webhookSecret',
    env: 'WEBHOOK_SECRET',
    flag: 'webhook-secret',
    default: '(generated, printed)',
    help: "WEBHOOK_URL's whsec_… signing secret: give your app's CLERK_WEBHOOK_SIGNING_SECRET the same value",
  },
];

/** The settings that take a list: comma-separated, and a flag that may repeat. */
const LISTS = new Set<keyof Config>(['secretKeys', 'allowedHosts']);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const port = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));
const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash;
  } catch {
    return false;
  }
});

const expectations: Record<keyof Config, { schema: z.ZodType; expected: string }> = {
  port: { schema: port, expected: 'an integer from 0 to 65535' },
  host: { schema: z.string().min(1), expected: 'a host name or IP address' },
  databasePath: { schema: z.string().min(1), expected: 'a file path or :memory:' },
  secretKeys: {
    schema: z.array(z.string().regex(SECRET_KEY_PATTERN)).min(1),
    expected: 'keys of the form sk_test_… or sk_live_… (1-128 of A-Z a-z 0-9 _ -)',
  },
  publicUrl: { schema: httpUrl, expected: 'an absolute http(s) URL without query or fragment' },
  seedFile: { schema: z.string().min(1), expected: 'a file path' },
  logLevel: { schema: z.enum(LOG_LEVELS), expected: LOG_LEVELS.join(', ') },
  allowedHosts: {
    schema: z
      .array(z.string().refine((h) => hostName(h) !== undefined))
      .min(1)
      .transform((hosts) => hosts.map((h) => hostName(h) as string)),
    expected: 'host names or IP addresses without a scheme or port, comma-separated',
  },
  journalSize: {
    schema: z
      .string()
      .regex(/^\d{1,6}$/)
      .transform(Number)
      .pipe(z.number().int().min(0).max(MAX_JOURNAL_SIZE)),
    expected: `an integer from 0 to ${MAX_JOURNAL_SIZE}`,
  },
  rateLimit: { schema: z.enum(RATE_LIMIT_PROFILES), expected: RATE_LIMIT_PROFILES.join(', ') },
  webhookUrl: {
    schema: z.string().refine((s) => webhookUrl(s) !== undefined),
    expected: 'an absolute http(s) URL without a user or password',
  },
  webhookSecret: {
    schema: z.string().refine(isSecret),
    expected: SECRET_EXPECTED.replace(/^Expected /, '').replace(/\.$/, ''),
  },
};

function check<K extends keyof Config>(key: K, raw: unknown, source: string): Config[K] {
  const { schema, expected } = expectations[key];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const shown = Array.isArray(raw) ? raw.join(',') : String(raw);
    throw new ConfigError(`${source}: must be ${expected} (got ${JSON.stringify(shown.slice(0, 80))})`);
  }
  return parsed.data as Config[K];
}

export interface ParsedArgs {
  values: Partial<Record<string, string | string[]>>;
  command: 'serve' | 'healthcheck';
  help: boolean;
  version: boolean;
}

export function parseCliArgs(argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
  };
  for (const s of SETTINGS)
    options[s.flag] = LISTS.has(s.key) ? { type: 'string', multiple: true } : { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const option = /'(-[^']*)'/.exec(message)?.[1];
    throw new ConfigError(
      option && /Unknown option/.test(message)
        ? `unknown flag ${option} (see --help)`
        : (message.split('.')[0] ?? message),
    );
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== undefined && command !== 'serve' && command !== 'healthcheck')
    throw new ConfigError(`unknown command ${JSON.stringify(command)} (expected serve or healthcheck)`);
  if (extra.length) throw new ConfigError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const { help, version, ...values } = parsed.values as Record<string, string | string[] | boolean | undefined>;
  return {
    values: values as ParsedArgs['values'],
    command: command ?? 'serve',
    help: help === true,
    version: version === true,
  };
}

/** Where a setting's value comes from (flags win over env), or undefined when it is not set. */
function pickSetting(
  s: Setting,
  values: ParsedArgs['values'],
  env: NodeJS.ProcessEnv,
): { raw: unknown; source: string } | undefined {
  const flag = values[s.flag];
  if (flag !== undefined) return { raw: flag, source: `--${s.flag}` };
  const fromEnv = env[s.env];
  if (fromEnv !== undefined && fromEnv !== '') return { raw: fromEnv, source: s.env };
  return undefined;
}

/** The name a message should give a setting: its flag if the value came from one, else its env name. */
export function settingSource(key: keyof Config, env: NodeJS.ProcessEnv, argv: string[]): string {
  const setting = SETTINGS.find((s) => s.key === key)!;
  return pickSetting(setting, parseCliArgs(argv).values, env)?.source ?? setting.env;
}

/** Env and flags (flags win) to a validated Config. Pure: reads nothing but its arguments. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[] = []): Config {
  const { values } = parseCliArgs(argv);
  const pick = (s: Setting) => pickSetting(s, values, env);
  const get = <K extends keyof Config>(
    key: K,
    fallback: Config[K],
    normalise = (raw: unknown): unknown => raw,
  ): Config[K] => {
    const setting = SETTINGS.find((s) => s.key === key)!;
    const found = pick(setting);
    return found ? check(key, normalise(found.raw), found.source) : fallback;
  };
  const splitList = (raw: unknown): string[] =>
    (Array.isArray(raw) ? raw : [raw])
      .flatMap((v) => String(v).split(','))
      .map((k) => k.trim())
      .filter((k) => k !== '');
  const config: Config = {
    port: get('port', 4010),
    host: get('host', '127.0.0.1'),
    databasePath: get('databasePath', ':memory:'),
    secretKeys: get('secretKeys', [], splitList),
    publicUrl: get('publicUrl', undefined)?.replace(/\/+$/, ''),
    seedFile: get('seedFile', undefined),
    logLevel: get('logLevel', 'info'),
    allowedHosts: get('allowedHosts', [], splitList),
    journalSize: get('journalSize', 1000),
    rateLimit: get('rateLimit', 'off'),
    webhookUrl: get('webhookUrl', undefined),
    webhookSecret: get('webhookSecret', undefined),
  };
  if (config.webhookSecret !== undefined && config.webhookUrl === undefined)
    throw new ConfigError('WEBHOOK_SECRET is the secret of WEBHOOK_URL: set WEBHOOK_URL too');
  return config;
}

/** A Config for tests and embedding: defaults, with the given fields replaced. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), logLevel: 'silent', ...overrides };
}
