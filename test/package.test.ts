import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { pack, ROOT } from './npm-pack.js';

// The tarball installed into an empty folder (minutes: better-sqlite3 compiles when no prebuilt binary
// can be downloaded) is not here but in test-install/package-install.test.ts, which CI runs as
// .ci/steps/20-package-install.sh.

t.test('the tarball holds only what running needs', async (t) => {
  const [{ files }] = await pack('--dry-run');
  const paths = files.map((f) => f.path).sort();
  const allowed =
    /^(LICENSE|README\.md|package\.json|openapi\.yaml|migrations\/\d+-[\w-]+\.sql|dist\/[\w/-]+\.(js|d\.ts)|dist\/ui\/[\w-]+\.(html|js|css|svg))$/;
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
    // The dashboard, served at /_emulator/ui.
    ...readdirSync(join(ROOT, 'dist/ui')).map((f) => `dist/ui/${f}`),
    ...readdirSync(join(ROOT, 'migrations')).map((m) => `migrations/${m}`),
    ...(existsSync(join(ROOT, 'openapi.yaml')) ? ['openapi.yaml'] : []),
  ];
  t.same(
    required.filter((p) => !paths.includes(p)),
    [],
    'everything running needs',
  );
});
