#!/usr/bin/env node
// The command's entry. After `npm run build` it runs the CLI from one bundled file with V8's code cache
// (BENCHMARKS.md: cold start); from src (tsx) there is no bundle, and the same code is imported module by module.
import { loadBundle } from './cli/loader.js';

const cli = loadBundle()?.cli ?? (await import('./cli/main.js'));
cli.run(process.argv.slice(2));
