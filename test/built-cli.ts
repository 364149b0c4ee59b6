import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../src/config.js';

/** The built command, as npm links it; `npm test` builds dist before tap runs. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The test runner's env without any emulator setting, so a developer's PORT or DATABASE_PATH cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const s of SETTINGS) delete env[s.env];
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): { exited: Promise<Finished>; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { exited, out: () => stdout, err: () => stderr };
}

/** Runs the command to completion, as another user when given one (uid and gid). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  user: { uid?: number; gid?: number } = {},
): Promise<Finished> {
  if (user.uid === undefined) return collect(spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env) })).exited;
  // The test runner adds its process tracking to every child's NODE_OPTIONS, and it writes under this user's
  // folders, which another user cannot: env(1) drops it.
  const command = ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, CLI, ...args];
  return collect(spawn('env', command, { env: cleanEnv(env), ...user })).exited;
}

export interface RunningCli {
  child: ChildProcess;
  /** The URL from the "listening on" line. */
  url: string;
  /** The start-up banner: stdout lines that are not JSON log lines. */
  banner: string[];
  exited: Promise<Finished>;
}

/** Starts the server and resolves once its banner has been printed in full. */
export async function startCli(args: string[], env: Record<string, string> = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env) });
  const { exited, out, err } = collect(child);
  const bannerDone = (): boolean => /point your app at it: .*\n/.test(out());
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (bannerDone()) resolve();
    };
    child.stdout?.on('data', check);
    void exited.then((f) => reject(new Error(`exited ${f.code} before start-up: ${f.stderr}`)));
  });
  if (err() !== '') throw new Error(`unexpected stderr: ${err()}`);
  const banner = out()
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('{'));
  const url = /listening on (\S+)/.exec(banner[0] ?? '')?.[1];
  if (!url) throw new Error(`no listening line in ${JSON.stringify(banner)}`);
  return { child, url, banner, exited };
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}
