import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cleanEnv } from './built-cli.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const run = promisify(execFile);

/** npm without the npm_* variables of the `npm`/`npx` that runs us, which would steer the inner npm. */
export function npmEnv(): NodeJS.ProcessEnv {
  // npm_config_nodedir stays: it names the headers of the Node running this (node-release.sh sets it), and without
  // it a native addon may be built for whatever Node the machine's npmrc names, which this Node cannot load.
  return Object.fromEntries(
    Object.entries(cleanEnv()).filter(([k]) => !/^npm_/i.test(k) || /^npm_config_nodedir$/i.test(k)),
  );
}

/**
 * `npm pack` of the project as built. --ignore-scripts skips `prepare`: dist is built before (by `npm test`),
 * packing exactly that build is the point, and rebuilding it would pull it from under tests running the CLI.
 */
export const pack = async (...args: string[]) =>
  JSON.parse(
    (await run('npm', ['pack', '--ignore-scripts', '--json', ...args], { cwd: ROOT, env: npmEnv() })).stdout,
  ) as [{ filename: string; files: { path: string }[] }];
