import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { DEFAULT_GROWTH_FACTOR, youngGenerationPolicy } from '../src/cli/young-generation.js';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('../src/cli/young-generation.ts', import.meta.url));

// In a child process, whose V8 flags this changes: keep everything alive so that V8 grows the young
// generation as fast as it can (to 32 MiB with Node 20's defaults), yielding so that GC entries arrive.
const script = (cap: boolean) => `
  import v8 from 'node:v8';
  const { capYoungGeneration } = await import(${JSON.stringify(MODULE)});
  if (${cap}) capYoungGeneration(1);
  const kept = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 20000; i++) kept.push({ i, s: 'x' + i });
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20);`;

const newSpaceMiB = async (cap: boolean): Promise<number> =>
  Number((await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(cap)])).stdout);

t.test('capYoungGeneration stops the young generation growing soon after the cap', async (t) => {
  const [capped, free] = await Promise.all([newSpaceMiB(true), newSpaceMiB(false)]);
  t.ok(capped <= 8, `capped at 1 MiB per semi-space: ${capped} MiB in all (one or two late doublings allowed)`);
  t.ok(free > capped, `uncapped it grows further: ${free} MiB`);
});

t.test("the growth factor is 1 only while the young generation is at the cap, and V8's again below it", async (t) => {
  const MiB = 2 ** 20;
  const next = youngGenerationPolicy(8 * MiB);
  t.same(
    [2, 4, 8, 16, 8, 2, 1, 4, 8, 8].map((n) => next(n * MiB)),
    [undefined, undefined, 1, undefined, undefined, DEFAULT_GROWTH_FACTOR, undefined, undefined, 1, undefined],
    'set once on reaching the cap, restored once V8 has shrunk it, nothing set while the state holds',
  );
});
