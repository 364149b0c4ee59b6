// What a test suite pays per test, set against bare Fastify doing the same steps in the same run:
// the package's cold import and first startEmulator(), reset() of 100 invitations, one awaited create.
// Alone: npm run build && node --import tsx bench/per-test.ts [--smoke]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import type { Emulator } from '../src/index.js';
import { perTestLines, perTestTargets } from './report.js';
import { ROOT } from './servers.js';

/** One cold start: times from inside the child (from the top of its script) and of the child from outside. */
export interface StartSample {
  /** The script's first line until the package (or fastify) is imported. */
  importMs: number;
  /** From there until startEmulator() resolved (or the bare app listens). */
  startMs: number;
  /** importMs + startMs: what the target compares. */
  totalMs: number;
  /** From spawn until the child said it was ready, and until it had closed and exited. */
  readyWallMs: number;
  exitWallMs: number;
}

export interface StartSide {
  /** Medians over the samples, each field on its own. */
  median: StartSample;
  samples: StartSample[];
}

export interface PerTestResult {
  /** Fresh child processes alternating emulator and bare Fastify, after one unmeasured pair. */
  start: { emulator: StartSide; fastify: StartSide; ratio: number };
  /** Emulator.reset() of an instance just filled with 100 invitations (10 bulks of 10), in-process. */
  reset: { invitations: number; medianMs: number; p90Ms: number; samples: number };
  /**
   * One POST /v1/invitations awaited at a time, by fetch from the process that started the emulator
   * (startEmulator) and, in alternating blocks, to a bare Fastify POST route in the same process.
   */
  create: {
    perBlock: number;
    rounds: { emulatorMs: number; fastifyMs: number }[];
    emulatorMs: number;
    fastifyMs: number;
    ratio: number;
  };
}

/** The built package, as a test imports it; its types come from src. */
const PACKAGE = join(ROOT, 'dist/index.js');
const CHILD = join(ROOT, 'bench/per-test-start.mjs');

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const median = (xs: number[]): number => percentile(xs, 0.5);

function coldStart(side: 'emulator' | 'fastify'): Promise<StartSample> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [CHILD, side], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let readyWallMs = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!readyWallMs && out.includes('\n')) readyWallMs = performance.now() - began;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 || !readyWallMs) return reject(new Error(`per-test-start.mjs ${side} exited with ${code}`));
      const inside = JSON.parse(out) as Pick<StartSample, 'importMs' | 'startMs' | 'totalMs'>;
      resolve({ ...inside, readyWallMs, exitWallMs: performance.now() - began });
    });
  });
}

function side(samples: StartSample[]): StartSide {
  const of = (key: keyof StartSample) => median(samples.map((s) => s[key]));
  return {
    median: {
      importMs: of('importMs'),
      startMs: of('startMs'),
      totalMs: of('totalMs'),
      readyWallMs: of('readyWallMs'),
      exitWallMs: of('exitWallMs'),
    },
    samples,
  };
}

async function starts(n: number): Promise<PerTestResult['start']> {
  const emulator: StartSample[] = [];
  const fastify: StartSample[] = [];
  for (let i = 0; i <= n; i++) {
    // Alternated, the order swapped each pair; the first pair only warms the file cache.
    const [first, second] = i % 2 ? (['fastify', 'emulator'] as const) : (['emulator', 'fastify'] as const);
    const a = await coldStart(first);
    const b = await coldStart(second);
    if (i === 0) continue;
    (first === 'emulator' ? emulator : fastify).push(a);
    (second === 'emulator' ? emulator : fastify).push(b);
  }
  const e = side(emulator);
  const f = side(fastify);
  return { emulator: e, fastify: f, ratio: e.median.totalMs / f.median.totalMs };
}

async function post(url: string, key: string, body: string): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res;
}

async function resets(emulator: Emulator, n: number): Promise<PerTestResult['reset']> {
  const samples: number[] = [];
  for (let i = 0; i <= n; i++) {
    for (let b = 0; b < 10; b++) {
      const body = Array.from({ length: 10 }, (_, k) => ({ email_address: `reset${i}-${b}-${k}@example.com` }));
      await (await post(`${emulator.url}/v1/invitations/bulk`, emulator.secretKey, JSON.stringify(body))).arrayBuffer();
    }
    const began = performance.now();
    const counts = await emulator.reset();
    const took = performance.now() - began;
    if (counts.invitations !== 100) throw new Error(`reset removed ${counts.invitations} invitations, not 100`);
    if (i > 0) samples.push(took);
  }
  return { invitations: 100, medianMs: median(samples), p90Ms: percentile(samples, 0.9), samples: samples.length };
}

/** A bare Fastify app in this process: the same bearer check, a JSON body parsed, an invitation-sized answer. */
async function bareCreate(): Promise<{ url: string; close: () => Promise<void> }> {
  const BEARER = /^Bearer +(sk_(test|live)_[A-Za-z0-9_-]{1,128}) *$/i;
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (request, reply) => {
    if (!BEARER.test(request.headers.authorization ?? '')) await reply.code(401).send({ errors: [] });
  });
  app.post('/v1/invitations', async (request) => {
    const now = Date.now();
    return {
      object: 'invitation',
      id: `inv_${String(now).padStart(27, '0')}`,
      email_address: (request.body as { email_address: string }).email_address,
      public_metadata: {},
      revoked: false,
      status: 'pending',
      url: `http://localhost:4010/v1/tickets/accept?ticket=${'x'.repeat(43)}`,
      expires_at: now + 30 * 86_400_000,
      created_at: now,
      updated_at: now,
    };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

async function creates(emulator: Emulator, rounds: number, perBlock: number): Promise<PerTestResult['create']> {
  const bare = await bareCreate();
  try {
    let n = 0;
    const block = async (base: string): Promise<number[]> => {
      const took: number[] = [];
      for (let i = 0; i < perBlock; i++) {
        // Both sides get a body of the same size: a unique address, as a test's create would send.
        const body = JSON.stringify({ email_address: `user${String(n++).padStart(7, '0')}@example.com` });
        const began = performance.now();
        await (await post(`${base}/v1/invitations`, emulator.secretKey, body)).arrayBuffer();
        took.push(performance.now() - began);
      }
      return took;
    };
    await block(emulator.url);
    await block(bare.url);
    const all = { emulator: [] as number[], fastify: [] as number[] };
    const perRound = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? (['fastify', 'emulator'] as const) : (['emulator', 'fastify'] as const);
      const got = { emulator: [] as number[], fastify: [] as number[] };
      for (const which of order) got[which] = await block(which === 'emulator' ? emulator.url : bare.url);
      all.emulator.push(...got.emulator);
      all.fastify.push(...got.fastify);
      perRound.push({ emulatorMs: median(got.emulator), fastifyMs: median(got.fastify) });
    }
    const emulatorMs = median(all.emulator);
    const fastifyMs = median(all.fastify);
    return { perBlock, rounds: perRound, emulatorMs, fastifyMs, ratio: emulatorMs / fastifyMs };
  } finally {
    await bare.close();
  }
}

/** The three per-test costs; `smoke` takes fewer samples of each. */
export async function perTest(smoke = false): Promise<PerTestResult> {
  if (!existsSync(PACKAGE)) throw new Error('dist/index.js is missing: run `npm run build` (npm run bench does)');
  const start = await starts(smoke ? 3 : 15);
  const { startEmulator } = (await import(PACKAGE)) as typeof import('../src/index.js');
  const emulator = await startEmulator();
  try {
    const reset = await resets(emulator, smoke ? 20 : 200);
    const create = await creates(emulator, smoke ? 2 : 6, smoke ? 50 : 200);
    return { start, reset, create };
  } finally {
    await emulator.close();
  }
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' } } });
  const result = await perTest(values.smoke === true);
  console.log(
    perTestTargets(result)
      .map((t) => `| ${t.met ? 'met' : 'MISSED'} | ${t.what} | ${t.goal} | ${t.actual} |`)
      .join('\n'),
  );
  console.log(perTestLines(result).join('\n'));
}
