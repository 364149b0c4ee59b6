import { execFile } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { TurnBufferedStream } from '../src/http/log-stream.js';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('../src/http/log-stream.ts', import.meta.url));

/** An underlying destination that records each write call. */
function recorder() {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => writes.push(text) > 0 } };
}

t.test('the lines of one turn go out together, in order, at the end of the turn', async (t) => {
  const { writes, out } = recorder();
  const stream = new TurnBufferedStream(out);
  stream.write('a\n');
  stream.write('b\n');
  stream.write('c\n');
  t.same(writes, [], 'nothing written while the turn runs');
  await nextTurn();
  t.same(writes, ['a\nb\nc\n'], 'one write for the three lines');
  stream.write('d\n');
  await nextTurn();
  t.same(writes, ['a\nb\nc\n', 'd\n'], 'a later turn: a write of its own');
  await nextTurn();
  t.equal(writes.length, 2, 'an idle turn writes nothing');
});

t.test('flushSync writes what is pending at once, and only once', async (t) => {
  const { writes, out } = recorder();
  const stream = new TurnBufferedStream(out);
  stream.flushSync();
  t.same(writes, [], 'nothing pending: no write');
  stream.write('a\n');
  stream.write('b\n');
  stream.flushSync();
  t.same(writes, ['a\nb\n']);
  await nextTurn();
  t.same(writes, ['a\nb\n'], 'the end of the turn finds nothing left');
});

t.test('a line logged just before process.exit() still reaches stdout', async (t) => {
  const script = `
    const { stdoutStream } = await import(${JSON.stringify(MODULE)});
    const stream = stdoutStream();
    stream.write('first\\n');
    stream.write('last\\n');
    process.exit(3);`;
  const child = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]).catch(
    (err: unknown) => err,
  );
  t.match(child, { code: 3, stdout: 'first\nlast\n' });
});

t.test('stdout closed by its reader: logging stops, the process goes on', async (t) => {
  // `head -c 0` exits at once, so the pipe's reader is gone before the first write (EPIPE).
  const script = `
    const { stdoutStream } = await import(${JSON.stringify(MODULE)});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stream = stdoutStream();
    for (let i = 0; i < 3; i++) {
      stream.write('line ' + i + '\\n');
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stderr.write('still running');`;
  const { stderr } = await run(
    'sh',
    ['-c', `"${process.execPath}" --import tsx --input-type=module -e "$SCRIPT" | head -c 0`],
    {
      env: { ...process.env, SCRIPT: script },
    },
  );
  t.equal(stderr, 'still running');
});
