#!/usr/bin/env node
// The command's entry. After `npm run build` it runs the CLI from one bundled file with V8's code cache
// (BENCHMARKS.md: cold start); from src (tsx) there is no bundle, and the same code is imported module by module.
// First it refuses a Node older than package.json's engines, before importing anything else (static imports
// would load first): one line on stderr and exit 1, instead of a stack trace from deep inside a dependency.
import { readFileSync } from 'node:fs';
import { unsupportedNode } from './cli/node-version.js';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};
const refusal = unsupportedNode(process.versions.node, engines.node);
if (refusal !== undefined) {
  console.error(refusal);
  process.exit(1);
}

const { loadBundle } = await import('./cli/loader.js');
const cli = loadBundle()?.cli ?? (await import('./cli/main.js'));
cli.run(process.argv.slice(2));
