import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { cleanEnv } from './built-cli.js';

// The tarball installed into an empty folder (minutes: better-sqlite3 compiles when no prebuilt binary
// can be downloaded) is not here but in test-install/package-install.test.ts, which CI runs as
// .ci/steps/20-package-install.sh.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** npm without the npm_* variables of the `npm test` that runs us, which would steer the inner npm. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !/^npm_/i.test(k)));
}

// --ignore-scripts skips `prepare`: dist was built by `npm test`, and rebuilding it now would pull it
// from under the other test files that run the CLI in parallel.
const pack = async (...args: string[]) =>
  JSON.parse(
    (await run('npm', ['pack', '--ignore-scripts', '--json', ...args], { cwd: ROOT, env: npmEnv() })).stdout,
  ) as [{ filename: string; files: { path: string }[] }];

t.test('the tarball holds only what running needs', async (t) => {
  const [{ files }] = await pack('--dry-run');
  const paths = files.map((f) => f.path).sort();
  const allowed =
    /^(LICENSE|README\.md|package\.json|openapi\.yaml|migrations\/\d+-[\w-]+\.sql|dist\/[\w/-]+\.(js|d\.ts))$/;
  t.same(
    paths.filter((p) => !allowed.test(p)),
    [],
    'nothing else',
  );
  const required = [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/cli.js',
    'dist/index.js',
    'dist/index.d.ts',
    ...readdirSync(join(ROOT, 'migrations')).map((m) => `migrations/${m}`),
    ...(existsSync(join(ROOT, 'openapi.yaml')) ? ['openapi.yaml'] : []),
  ];
  t.same(
    required.filter((p) => !paths.includes(p)),
    [],
    'everything running needs',
  );
});
