// The crash test's webhook endpoint: it records every delivery with the server run it arrived in, answers
// 204, and at the end checks that no acknowledged email.created was lost and none came twice within a run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@clerk/backend/webhooks';
import type { Outcome, Sent } from './crash-check.js';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Received {
  run: number;
  id: string;
  type: string;
  to: string | undefined;
  verified: boolean;
}

export interface Hooks {
  url: string;
  /** Server runs so far: each start increments it, so a delivery is counted in the run that sent it. */
  run: number;
  received: Received[];
  close(): Promise<void>;
}

export async function startHooks(): Promise<Hooks> {
  const hooks: Hooks = { url: '', run: 0, received: [], close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const headers = new Headers(
      Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const request = new Request('http://hooks.test/', { method: 'POST', headers, body });
    let verified = true;
    let event: { type?: string; data?: { to_email_address?: string } } = {};
    try {
      event = (await verifyWebhook(request, { signingSecret: SECRET })) as typeof event;
    } catch {
      verified = false;
    }
    hooks.received.push({
      run: hooks.run,
      id: String(req.headers['svix-id']),
      type: String(event.type),
      to: event.data?.to_email_address,
      verified,
    });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hooks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  hooks.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hooks;
}

/** The acknowledged invitations that sent an email: each must have come as email.created. */
const expected = (sent: Sent[], notified: (email: string) => boolean): Set<string> =>
  new Set(sent.flatMap((s) => (s.answer ? s.answer.map((inv) => inv.email_address).filter(notified) : [])));

/** How many messages of the key's instance are still pending, through the restarted server. */
async function pending(url: string, key: string): Promise<number> {
  const res = await fetch(`${url}/_emulator/webhooks/messages?status=pending&limit=1`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return ((await res.json()) as { total_count: number }).total_count;
}

/**
 * Waits (up to `ms`: a killed run's claims are free again after their 30 s lease) until every acknowledged
 * email has come and no message of any key is pending (those of requests killed before their answer too).
 */
export async function waitForHooks(
  hooks: Hooks,
  sent: Sent[],
  notified: (email: string) => boolean,
  ms: number,
  server: { url: string; keys: string[] },
) {
  const want = expected(sent, notified);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = new Set(hooks.received.map((r) => r.to));
    const left = await Promise.all(server.keys.map((k) => pending(server.url, k)));
    if ([...want].every((e) => got.has(e)) && left.every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function checkHooks(hooks: Hooks, sent: Sent[], notified: (email: string) => boolean, outcome: Outcome): void {
  const want = expected(sent, notified);
  const got = new Set(hooks.received.map((r) => r.to));
  for (const email of want)
    if (!got.has(email)) outcome.failures.push(`acknowledged email.created to ${email} never came`);
  const seen = new Set<string>();
  for (const r of hooks.received) {
    if (!r.verified) outcome.failures.push(`delivery ${r.id} refused by verifyWebhook`);
    if (r.type !== 'email.created') outcome.failures.push(`delivery ${r.id} of type ${r.type}`);
    const key = `${r.run} ${r.id}`;
    if (seen.has(key)) outcome.failures.push(`${r.id} delivered twice in run ${r.run}`);
    seen.add(key);
  }
  outcome.webhooks_expected = want.size;
  outcome.webhooks_received = hooks.received.length;
  outcome.webhooks_redelivered_after_a_kill = hooks.received.length - new Set(hooks.received.map((r) => r.id)).size;
}
