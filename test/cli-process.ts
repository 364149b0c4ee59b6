import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

export interface CliProcess {
  proc: ChildProcess;
  /** Where it listens, read from its start-up banner. */
  url: string;
  /** Resolves with the first stdout line (so far or to come) matching the pattern. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Runs the real CLI in a child process, with the same TypeScript loader as this test process,
 * and kills it at teardown if the test left it running.
 */
export async function spawnCli(t: Test, args: string[], env: Record<string, string> = {}): Promise<CliProcess> {
  const proc = spawn(process.execPath, [...process.execArgv, CLI, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let partial = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      for (const w of waiting.filter((x) => x.pattern.test(l))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
  });
  const line = (pattern: RegExp): Promise<string> => {
    const found = lines.find((l) => pattern.test(l));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      waiting.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`the CLI exited (${code}) before printing ${pattern}: ${stderr}`)));
    });
  };
  const banner = await line(/listening on (http:\/\/\S+)/);
  return { proc, url: /listening on (http:\/\/\S+)/.exec(banner)![1]!, line, exited };
}
