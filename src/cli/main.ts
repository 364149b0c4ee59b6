// The command line: what dist/cli.js runs, from the bundle (see src/cli.ts).

import { readFileSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, parseCliArgs, SETTINGS, settingSource } from '../config.js';
import { DatabaseOpenError } from '../db/open-error.js';
import type { Endpoint } from '../emulator/webhooks-endpoints.js';
import { redactTicket } from '../http/logging.js';
import { startServer } from '../server.js';
import { capYoungGeneration } from './young-generation.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function help(): string {
  const rows = SETTINGS.map((s) => [`--${s.flag}`, s.env, s.default, s.help]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [
    `clerk-invitations-mock ${pkg.version}: a local emulator of Clerk's Backend API invitations`,
    '',
    'Usage: clerk-invitations-mock [serve|healthcheck] [flags]',
    '',
    line(['flag', 'env', 'default', 'meaning']),
    ...rows.map(line),
    '',
    'Flags win over environment variables. healthcheck exits 0 when the configured server answers /_emulator/health.',
  ].join('\n');
}

/** WEBHOOK_URL's endpoint and the secret the app verifies with: printed, since a generated one is known nowhere else. */
function webhookLines(endpoint: Endpoint | undefined): string[] {
  if (!endpoint) return [];
  return [
    `  webhooks: ${redactTicket(endpoint.url)} (email.created, user.created)`,
    `  verify them with: CLERK_WEBHOOK_SIGNING_SECRET=${endpoint.secret}`,
  ];
}

async function healthcheck(port: number, host: string): Promise<number> {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${target.includes(':') ? `[${target}]` : target}:${port}/_emulator/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help || args.version) {
    console.log(args.help ? help() : pkg.version);
    return 0;
  }
  const config = loadConfig(process.env, argv);
  if (args.command === 'healthcheck') return healthcheck(config.port, config.host);
  capYoungGeneration(4);
  const server = await startServer(config);
  const { app } = server;
  const mode =
    config.secretKeys.length > 0
      ? `locked (${config.secretKeys.length} key${config.secretKeys.length > 1 ? 's' : ''})`
      : 'open (any sk_test_… or sk_live_… key)';
  const data =
    config.databasePath === ':memory:'
      ? ':memory: (nothing is kept after exit; set DATABASE_PATH to keep data)'
      : config.databasePath;
  console.log(
    [
      `clerk-invitations-mock ${pkg.version} listening on ${server.url}`,
      `  keys:  ${mode}`,
      `  data:  ${data}`,
      `  links: ${app.publicUrl}/v1/tickets/accept?ticket=…`,
      `  docs:  ${server.url}/docs`,
      `  ui:    ${server.url}/_emulator/ui`,
      // Clerk's JS SDKs add /v1 themselves; the Go, Python and Ruby SDKs take the whole API URL.
      `  point your app at it: CLERK_API_URL=${server.url} (a client that takes the full API URL: ${server.url}/v1)`,
      ...webhookLines(app.webhooks.fromConfig),
    ].join('\n'),
  );
  closeWithGrace({ delay: 5000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await server.close();
  });
  return -1;
}

/** Runs the command; sets the exit code when it ends, or leaves the server running. */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      const message =
        err instanceof DatabaseOpenError
          ? `${settingSource('databasePath', process.env, argv)} ${err.path}: ${err.reason}`
          : err instanceof ConfigError
            ? err.message
            : ((err as Error).message ?? String(err));
      console.error(`clerk-invitations-mock: ${message}`);
      process.exitCode = 1;
    },
  );
}

// For the build's warm-up run, which makes the bundle's code cache (scripts/warm-cli.mjs, run by scripts/bundle-cli.mjs).
export { loadConfig } from '../config.js';
export { startServer } from '../server.js';
