import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/** One benchmarked request shape, declarative so that both load generators can replay it. */
export interface Operation {
  name: string;
  method: 'GET' | 'POST';
  /** `{id}` is replaced by the next of `ids`; request j uses ids[j mod ids] with keys[j mod keys]. */
  path: string;
  ids?: string[];
  /** Unique emails on every request: one create body, or a bulk array of ten. */
  body?: 'create' | 'bulk10';
  /** Bearer keys, rotated request by request (one instance, or many). */
  keys: string[];
  /** Overrides the run's connections, e.g. 1 to see latency without queueing. */
  connections?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Makes emails unique across runs against the same database. */
  tag: string;
}

export type Driver = 'wrk' | 'autocannon';

export function pickDriver(wanted: string | undefined): Driver {
  if (wanted === 'wrk' || wanted === 'autocannon') return wanted;
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk --version exits 1 after printing; only a missing binary is ENOENT.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'autocannon';
  }
  return 'wrk';
}

export const load = (driver: Driver, op: Operation, o: LoadOptions): Promise<LoadResult> => {
  const options = { ...o, connections: op.connections ?? o.connections };
  return driver === 'wrk' ? wrk(op, options) : cannon(op, options);
};

const emails = (tag: string, n: number, count: number): string[] =>
  Array.from({ length: count }, (_, k) => `bench-${tag}-${count}-${n}-${k}@example.com`);

function bodyFor(op: Operation, tag: string, n: number): string | undefined {
  if (op.body === 'create') return JSON.stringify({ email_address: emails(tag, n, 1)[0] });
  if (op.body === 'bulk10') return JSON.stringify(emails(tag, n, 10).map((email_address) => ({ email_address })));
  return undefined;
}

async function cannon(op: Operation, o: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 20,
    requests: [
      {
        method: op.method,
        setupRequest: (req) => {
          const i = n++;
          const body = bodyFor(op, o.tag, i);
          return {
            ...req,
            path: op.path.replace('{id}', op.ids?.[i % op.ids.length] ?? ''),
            headers: {
              authorization: `Bearer ${op.keys[i % op.keys.length]}`,
              ...(op.method === 'POST' ? { 'content-type': 'application/json' } : {}),
            },
            ...(body !== undefined ? { body } : {}),
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const lua = (s: string): string => JSON.stringify(s);
const WRK_THREADS = 2;

const WRK_DONE = `function done(summary, latency, requests)
  io.write(string.format("JSON {\\"p50\\":%f,\\"p99\\":%f}\\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;

/** A wrk script: each thread takes every k-th id and numbers its emails apart from the others. */
function wrkScript(op: Operation, o: LoadOptions): string {
  // A fixed request is built once by wrk itself, the cheapest way to drive it.
  if (!op.ids && !op.body && op.keys.length === 1) {
    return `wrk.method = ${lua(op.method)}\nwrk.path = ${lua(op.path)}\nwrk.headers["Authorization"] = ${lua(`Bearer ${op.keys[0]}`)}\n${WRK_DONE}`;
  }
  const ids = op.ids ? `ids = {${op.ids.map(lua).join(',')}}` : 'ids = {}';
  const keys = `keys = {${op.keys.map((k) => lua(`Bearer ${k}`)).join(',')}}`;
  const email = `"bench-${o.tag}-${op.body === 'bulk10' ? 10 : 1}-t" .. tid .. "-" .. n .. "-"`;
  const body =
    op.body === 'create'
      ? `'{"email_address":"' .. ${email} .. '0@example.com"}'`
      : op.body === 'bulk10'
        ? `(function() local t = {} for k = 0, 9 do t[#t + 1] = '{"email_address":"' .. ${email} .. k .. '@example.com"}' end return "[" .. table.concat(t, ",") .. "]" end)()`
        : 'nil';
  return `${ids}
${keys}
local threads, counter = {}, 1
function setup(thread) thread:set("tid", counter); counter = counter + 1; table.insert(threads, thread) end
n = 0
nthreads = ${Math.min(WRK_THREADS, o.connections)}
function request()
  n = n + 1
  local path = ${lua(op.path)}
  local j = (n - 1) * nthreads + tid - 1
  if #ids > 0 then path = path:gsub("{id}", ids[j % #ids + 1]) end
  local headers = { Authorization = keys[j % #keys + 1] }
  ${op.method === 'POST' ? 'headers["Content-Type"] = "application/json"' : ''}
  return wrk.format(${lua(op.method)}, path, headers, ${body})
end
${WRK_DONE}`;
}

async function wrk(op: Operation, o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  try {
    const script = join(dir, 'op.lua');
    writeFileSync(script, wrkScript(op, o));
    // A slow operation queues 50 requests deep: wrk's default 2 s timeout would drop them from the latencies.
    const args = [
      '-t',
      String(Math.min(WRK_THREADS, o.connections)),
      '-c',
      String(o.connections),
      '-d',
      `${o.seconds}s`,
      '--timeout',
      '20s',
      '-s',
      script,
      o.url,
    ];
    const out = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0);
    const latency = JSON.parse(/^JSON (.*)$/m.exec(out)?.[1] ?? '{"p50":0,"p99":0}') as { p50: number; p99: number };
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
      requests: num(/(\d+) requests in/),
      rps: num(/Requests\/sec:\s+([\d.]+)/),
      p50: latency.p50,
      p99: latency.p99,
      non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
      errors: socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
