import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Server {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from /_emulator/health. */
  startMs: number;
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

export interface EmulatorOptions {
  db: string;
  /** Where the server's stdout (its request log) goes; /dev/null by default. */
  logFile?: string;
  /** Directory for a V8 CPU profile (node --cpu-prof), written when the server exits. */
  profileDir?: string;
  /** More flags for the command, e.g. --journal-size 0. */
  flags?: string[];
  /** The --rate-limit profile of every instance; the CLI's default (off) when not given. */
  rateLimit?: 'off' | 'dev' | 'prod';
}

/** The built CLI, exactly as users run it, with the logging it ships with (info, one line per request). */
export function startEmulator(o: EmulatorOptions): Promise<Server> {
  const flags = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const limits = o.rateLimit ? ['--rate-limit', o.rateLimit] : [];
  return start(
    (port) => ['node', [...flags, 'dist/cli.js', '--port', String(port), '--db', o.db, ...limits, ...(o.flags ?? [])]],
    o.logFile,
  );
}

export function startBaseline(): Promise<Server> {
  return start((port) => ['node', ['--import', 'tsx', 'bench/baseline.ts', String(port)]]);
}

async function start(command: (port: number) => [string, string[]], logFile = '/dev/null'): Promise<Server> {
  const port = await freePort();
  const [cmd, args] = command(port);
  const out = openSync(logFile, 'a');
  const began = performance.now();
  // The shipped default log level, whatever the caller's shell sets.
  const { LOG_LEVEL: _level, ...env } = process.env;
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', out, 'inherit'], env });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const startMs = await waitHealthy(url, child, began);
  return {
    url,
    pid: child.pid!,
    startMs,
    rssMiB: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, began: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${url}/_emulator/health`, { headers: { authorization: 'Bearer sk_test_health' } });
      if (res.ok) return performance.now() - began;
    } catch {
      // not listening yet
    }
    if (performance.now() - began > 30_000) throw new Error('server not healthy after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
