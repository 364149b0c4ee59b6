// Runs the bundled CLI's start path once (build app, listen, answer /_emulator/health), then writes V8's
// code cache of the bundle: it holds every function compiled so far, so a start from it compiles almost nothing.
import { writeFileSync } from 'node:fs';
import { CODE_CACHE_PATH, loadBundle } from '../dist/cli/loader.js';

const loaded = loadBundle();
if (!loaded) throw new Error('dist/cli/bundle.js is missing');
const { cli, script } = loaded;
const config = cli.loadConfig({}, ['--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--log-level', 'silent']);
const server = await cli.startServer(config);
try {
  const res = await fetch(`${server.url}/_emulator/health`);
  if (res.status !== 200) throw new Error(`warm-up: /_emulator/health answered ${res.status}`);
  writeFileSync(CODE_CACHE_PATH, script.createCachedData());
} finally {
  await server.close();
}
