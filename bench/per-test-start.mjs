// One cold start, timed from inside a fresh process: `node bench/per-test-start.mjs emulator|fastify`.
// Prints one JSON line, { importMs, startMs, totalMs, sinceOriginMs }, when listening, then closes and exits.
const began = performance.now();
const side = process.argv[2];
let close;
let imported;
if (side === 'emulator') {
  const { startEmulator } = await import('../dist/index.js');
  imported = performance.now();
  const emulator = await startEmulator();
  close = () => emulator.close();
} else if (side === 'fastify') {
  const { default: Fastify } = await import('fastify');
  imported = performance.now();
  const app = Fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
} else {
  throw new Error(`usage: per-test-start.mjs emulator|fastify, not ${side}`);
}
const ready = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: imported - began, startMs: ready - imported, totalMs: ready - began, sinceOriginMs: ready })}\n`,
);
await close();
