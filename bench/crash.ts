// Crash safety: drive creates (single and bulk) at the built server, SIGKILL it at random moments,
// restart it, and check that everything it acknowledged survived whole and that every acknowledged email.created
// webhook reached a local endpoint (WEBHOOK_URL), verified, never twice within one run. `npm run crash-test`.
// CRASH_ROUNDS (default 8) kills, CRASH_WORKERS (default 8) concurrent clients, CRASH_MAX_MS (default 600)
// the latest kill after start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkApi, checkFile, emptyOutcome, type Sent } from './crash-check.js';
import { startServer, stop } from './crash-server.js';
import { checkHooks, SECRET, startHooks, waitForHooks } from './crash-webhooks.js';

const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? 8);
const WORKERS = Number(process.env['CRASH_WORKERS'] ?? 8);
const MAX_MS = Number(process.env['CRASH_MAX_MS'] ?? 600);
const KEYS = ['sk_test_crash_a', 'sk_test_crash_b'];
const PUBLIC_URL = 'http://localhost:4010';

const sent: Sent[] = [];
let counter = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function item(round: number) {
  const n = counter++;
  return {
    email_address: `crash-${n}@example.com`,
    public_metadata: { round, n, tags: ['a', 'b'].slice(0, n % 3) },
    notify: n % 3 !== 0,
    expires_in_days: 1 + (n % 60),
    ...(n % 4 === 0 ? { redirect_url: `https://app.example.com/welcome?n=${n}` } : {}),
  };
}

/** One client: creates until the server stops answering. */
async function worker(url: string, round: number, alive: () => boolean): Promise<void> {
  while (alive()) {
    const key = pick(KEYS);
    const bulk = Math.random() < 0.3;
    const body = bulk ? Array.from({ length: 2 + Math.floor(Math.random() * 4) }, () => item(round)) : item(round);
    const record: Sent = { key, bulk, items: Array.isArray(body) ? body : [body], answer: undefined };
    sent.push(record);
    try {
      const res = await fetch(`${url}/v1/invitations${bulk ? '/bulk' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${text}`);
      const json = JSON.parse(text) as unknown;
      record.answer = Array.isArray(json) ? json : [json];
    } catch (err) {
      if (!alive() || (err as Error).message.startsWith('fetch failed') || (err as Error).name === 'SyntaxError')
        return;
      throw err;
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clerk-crash-'));
  const file = join(dir, 'crash.db');
  const hooks = await startHooks();
  const webhookArgs = ['--webhook-url', hooks.url, '--webhook-secret', SECRET];
  // Which emails were sent with notify (and so owe an email.created).
  const notified = new Set<string>();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      hooks.run++;
      const server = await startServer(file, PUBLIC_URL, webhookArgs);
      let up = true;
      void server.exited.then(() => (up = false));
      const workers = Array.from({ length: WORKERS }, () => worker(server.url, round, () => up));
      await sleep(50 + Math.random() * (MAX_MS - 50));
      const { signal } = await stop(server, 'SIGKILL');
      if (signal !== 'SIGKILL') throw new Error(`round ${round}: the server was not killed (${signal})`);
      await Promise.all(workers);
      process.stdout.write(
        `round ${round}: killed after ${sent.filter((s) => s.answer).length} acknowledged requests so far\n`,
      );
    }
    hooks.run++;
    const server = await startServer(file, PUBLIC_URL, webhookArgs);
    const outcome = emptyOutcome(sent);
    for (const s of sent)
      for (const i of s.items as { email_address: string; notify: boolean }[])
        if (i.notify) notified.add(i.email_address);
    const wasNotified = (email: string) => notified.has(email);
    try {
      await checkApi(server.url, KEYS, sent, outcome);
      await waitForHooks(hooks, sent, wasNotified, 60_000, { url: server.url, keys: KEYS });
      checkHooks(hooks, sent, wasNotified, outcome);
    } finally {
      const { code } = await stop(server, 'SIGTERM');
      if (code !== 0) outcome.failures.push(`the restarted server exited ${code} on SIGTERM`);
    }
    checkFile(file, outcome);
    console.log(JSON.stringify({ rounds: ROUNDS, workers: WORKERS, ...outcome }, null, 2));
    if (outcome.failures.length > 0) {
      console.error(`crash test FAILED:\n  ${outcome.failures.slice(0, 20).join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log(
        `crash test passed: ${ROUNDS} SIGKILLs, ${outcome.acknowledged_invitations} acknowledged invitations all intact, ` +
          `${outcome.unanswered_requests} unanswered requests each all-or-nothing, outbox consistent, ` +
          `${outcome.webhooks_expected} acknowledged email.created all received, none twice within a run`,
      );
    }
  } finally {
    await hooks.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
