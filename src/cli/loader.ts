import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The CLI (src/cli/main.ts and its dependencies but the native and lazily loaded ones) as one CommonJS-shaped script. */
export const BUNDLE_PATH = fileURLToPath(new URL('./bundle.js', import.meta.url));
/** V8's code cache of the bundle, made by a warm-up run at build time. */
export const CODE_CACHE_PATH = fileURLToPath(new URL('./bundle.cache', import.meta.url));

export type Cli = typeof import('./main.js');

export interface LoadedBundle {
  cli: Cli;
  /** For the build's warm-up run: `script.createCachedData()` once the start path has run. */
  script: vm.Script;
  /** true when there was a cache and V8 refused it (another Node version or other V8 flags). */
  cacheRejected: boolean;
}

const readIfThere = (path: string): Buffer | undefined => {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/**
 * Loads the bundle as Node loads a CommonJS file, but compiled through vm.Script so that V8 can start from
 * the code cache instead of parsing and compiling the whole bundle (BENCHMARKS.md).
 * undefined when there is no bundle: run from src, or a build without it.
 */
export function loadBundle(): LoadedBundle | undefined {
  const source = readIfThere(BUNDLE_PATH)?.toString('utf8');
  if (source === undefined) return undefined;
  const cachedData = readIfThere(CODE_CACHE_PATH);
  // V8 checks only the source length against the cache: the build writes both files together.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE_PATH,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(BUNDLE_PATH), module, BUNDLE_PATH, dirname(BUNDLE_PATH));
  return { cli: module.exports, script, cacheRejected: script.cachedDataRejected === true };
}
