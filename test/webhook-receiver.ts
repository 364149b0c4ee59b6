// A real HTTP endpoint for webhook tests: it records every delivery as received and answers as told.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@clerk/backend/webhooks';
import type { Test } from 'tap';
import { clerkEventProblems } from './clerk-webhooks-check.js';

export interface Delivery {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers the next delivery: a status, or 'hang' (never answers), or 'drop' (destroys the socket). */
export type Answer = number | 'hang' | 'drop';

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answers in turn; the last one repeats. */
  answers: Answer[];
  /** Resolves once `n` deliveries have arrived (fails the wait after `ms`). */
  waitFor(n: number, ms?: number): Promise<Delivery[]>;
}

export async function receiver(t: Test, answers: Answer[] = [204]): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const state: Receiver = {
    url: '',
    deliveries,
    answers,
    waitFor: (n, ms = 10_000) =>
      new Promise((resolve, reject) => {
        if (deliveries.length >= n) return resolve(deliveries.slice(0, n));
        const timer = setTimeout(() => reject(new Error(`${deliveries.length} of ${n} deliveries after ${ms} ms`)), ms);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(deliveries.slice(0, n));
          },
        });
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = state.answers.length > 1 ? state.answers.shift()! : state.answers[0]!;
      deliveries.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      for (const w of [...waiters]) {
        if (deliveries.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      if (answer === 'hang') hanging.add(res);
      else if (answer === 'drop') req.socket.destroy();
      else res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return state;
}

/** The delivery as @clerk/backend's verifyWebhook sees it, with the endpoint's secret; throws when it refuses it. */
export function verify(d: Delivery, secret: string): Promise<Record<string, any>> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(d.headers)) if (typeof v === 'string') headers.set(k, v);
  const request = new Request(`http://app.test${d.url}`, { method: d.method, headers, body: d.body });
  return verifyWebhook(request, { signingSecret: secret }) as Promise<Record<string, any>>;
}

const SVIX_ID = /^msg_[0-9A-Za-z]{27}$/;

/**
 * A delivery as the contract has it: POST, JSON, compact, Svix headers with a real-time timestamp, accepted
 * by verifyWebhook, and valid against Clerk's schema of its type. Returns the event.
 */
export async function checkDelivery(t: Test, d: Delivery, secret: string): Promise<Record<string, any>> {
  t.equal(d.method, 'POST', 'POST');
  t.equal(d.headers['content-type'], 'application/json', 'JSON');
  t.match(d.headers['svix-id'], SVIX_ID, 'svix-id');
  const stamp = Number(d.headers['svix-timestamp']);
  t.ok(Math.abs(stamp - d.at / 1000) < 5, 'svix-timestamp is real time');
  t.equal(d.body, JSON.stringify(JSON.parse(d.body)), 'compact JSON');
  const event = await verify(d, secret);
  t.same(event, JSON.parse(d.body), 'verifyWebhook accepts it and reads the body');
  t.same(clerkEventProblems(event), [], "valid against Clerk's schema");
  return event;
}
