import pino, { type DestinationStream } from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * The log's lines, written to a sonic-boom destination once per turn of the event loop: one write call for
 * all the lines of a turn's requests, without sonic-boom's own buffering, which measures the whole pending
 * text again for every line appended to it (BENCHMARKS.md). A line is out by the end of the turn that logged it;
 * flushSync() writes what is pending at once (pino's flush, and process exit).
 */
export class TurnBufferedStream implements DestinationStream {
  private pending: string[] = [];
  private readonly flushLater = (): void => this.flushSync();

  constructor(private readonly out: Pick<SonicBoom, 'write'>) {}

  write(line: string): void {
    if (this.pending.push(line) === 1) setImmediate(this.flushLater);
  }

  flushSync(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.out.write(text);
  }
}

let stdout: TurnBufferedStream | undefined;

/**
 * Standard output, shared by every app of the process that was given no log stream. pino.destination
 * writes synchronously and keeps pino's handling of a closed pipe (logging stops, the server goes on).
 */
export function stdoutStream(): TurnBufferedStream {
  if (!stdout) {
    const stream = new TurnBufferedStream(pino.destination({ dest: 1, sync: true }));
    process.on('exit', () => stream.flushSync());
    stdout = stream;
  }
  return stdout;
}
