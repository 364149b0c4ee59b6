import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { cleanEnv, startCli } from './built-cli.js';

const run = promisify(execFile);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

t.test('the build makes the CLI bundle and a code cache that V8 accepts in a plain node process', async (t) => {
  t.ok(existsSync(`${DIST}cli/bundle.js`) && existsSync(`${DIST}cli/bundle.cache`), 'both files built');
  const script = `import { loadBundle } from ${JSON.stringify(`${DIST}cli/loader.js`)};
    const loaded = loadBundle();
    console.log(JSON.stringify({ run: typeof loaded?.cli.run, rejected: loaded?.cacheRejected }));`;
  const { NODE_OPTIONS: _options, ...env } = cleanEnv();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  t.same(JSON.parse(stdout), { run: 'function', rejected: false });
});

// The bundle turns the docs' import() of @fastify/swagger(-ui) and yaml into require(): check they load.
t.test('the bundled CLI serves the lazily loaded docs UI and the OpenAPI document', async (t) => {
  const cli = await startCli(['--port', '0', '--log-level', 'warn']);
  t.teardown(() => void cli.child.kill('SIGKILL'));
  const docs = await fetch(`${cli.url}/docs`);
  t.same(
    { status: docs.status, type: docs.headers.get('content-type'), ui: (await docs.text()).includes('swagger-ui') },
    { status: 200, type: 'text/html; charset=utf-8', ui: true },
  );
  const yaml = await fetch(`${cli.url}/openapi.yaml`);
  t.same(
    { status: yaml.status, type: yaml.headers.get('content-type'), start: (await yaml.text()).split('\n')[0] },
    { status: 200, type: 'application/yaml', start: 'openapi: 3.1.0' },
  );
  const json = await fetch(`${cli.url}/openapi.json`);
  const doc = (await json.json()) as { openapi: string; servers: unknown };
  t.same(
    { status: json.status, type: json.headers.get('content-type'), openapi: doc.openapi, servers: doc.servers },
    {
      status: 200,
      type: 'application/json',
      openapi: '3.1.0',
      // The banner's own URL: "Try it out" calls the server the page was opened from.
      servers: [{ url: cli.url, description: 'This emulator.' }],
    },
  );
  cli.child.kill('SIGTERM');
  t.equal((await cli.exited).code, 0, 'SIGTERM exits 0');
});
