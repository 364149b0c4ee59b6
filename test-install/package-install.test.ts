// The packed tarball installed into an empty folder, as a user would install it. Not part of `npm test`:
// the `npm install` compiles better-sqlite3 when no prebuilt binary can be downloaded (as offline), which
// takes minutes. CI runs it as .ci/steps/20-package-install.sh; by hand, after `npm run build`:
//   npx tap --disable-coverage --timeout=900 test-install/package-install.test.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cleanEnv, type Finished } from '../test/built-cli.js';
import { npmEnv, pack, run } from '../test/npm-pack.js';

// One `npm install` of the packed tarball, which compiles better-sqlite3 when no prebuilt binary
// can be downloaded (as on this machine): minutes, not seconds.
t.setTimeout(15 * 60_000);

t.test('installed from its tarball into an empty folder, the command and the API both serve', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cim-install-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const [{ filename }] = await pack('--pack-destination', dir);
  await run('npm', ['install', `./${filename}`, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    env: npmEnv(),
  });
  t.ok(
    existsSync(join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')),
    'better-sqlite3 built on install',
  );

  const bin = spawn(join(dir, 'node_modules/.bin/clerk-invitations-mock'), ['--port', '0', '--log-level', 'warn'], {
    cwd: dir,
    env: cleanEnv(),
  });
  t.teardown(() => void bin.kill('SIGKILL'));
  let out = '';
  const exited = new Promise<Finished>((resolve) =>
    bin.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: '' })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    bin.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const found = /listening on (\S+)[\s\S]*point your app at it/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    void exited.then((f) => reject(new Error(`exited ${f.code}: ${out}`)));
  });
  const health = await fetch(`${url}/_emulator/health`);
  t.same({ status: health.status, body: await health.json() }, { status: 200, body: { status: 'ok' } });
  const created = await fetch(`${url}/v1/invitations`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_packed', 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: 'ada@example.com' }),
  });
  const body = (await created.json()) as Record<string, unknown>;
  t.same(
    {
      status: created.status,
      type: created.headers.get('content-type'),
      email: body.email_address,
      state: body.status,
    },
    { status: 200, type: 'application/json', email: 'ada@example.com', state: 'pending' },
  );
  const spec = await fetch(`${url}/openapi.json`);
  t.same(
    { status: spec.status, type: spec.headers.get('content-type') },
    { status: 200, type: 'application/json' },
    'openapi.yaml shipped',
  );
  const page = await fetch(`${url}/_emulator/ui`);
  const html = await page.text();
  const scriptPath = /src="(ui\/main-[\w-]+\.js)"/.exec(html)?.[1];
  const js = await fetch(`${url}/_emulator/${scriptPath}`);
  t.same(
    {
      page: page.status,
      type: page.headers.get('content-type'),
      js: js.status,
      jsType: js.headers.get('content-type'),
    },
    { page: 200, type: 'text/html; charset=utf-8', js: 200, jsType: 'text/javascript; charset=utf-8' },
    'the dashboard shipped',
  );
  bin.kill('SIGTERM');
  t.equal((await exited).code, 0, 'SIGTERM exits 0');

  // The package entry, as a test runner imports it from node_modules.
  const script = `import { startEmulator } from 'clerk-invitations-mock';
    const e = await startEmulator();
    const r = await fetch(e.url + '/v1/invitations', { headers: { authorization: 'Bearer ' + e.secretKey } });
    console.log(r.status, await r.text());
    await e.close();`;
  const api = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: cleanEnv() });
  t.equal(api.stdout, '200 []\n');
});
