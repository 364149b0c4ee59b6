import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/** A folder every user may enter (mkdtemp makes it 0700), removed at teardown. */
export function openFolder(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'cim-storage-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Root ignores permission bits, so a read-only file only stops a process of another user: as root the
 * command runs as nobody; as anyone else, as itself.
 */
export const UNPRIVILEGED: { uid?: number; gid?: number } = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * A tmpfs of `kib` KiB, unmounted at teardown, or undefined where the machine does not allow mounting
 * (not root, or no CAP_SYS_ADMIN in the container).
 */
export function tinyFilesystem(t: Test, kib: number): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'cim-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  t.teardown(() => {
    // Lazily, so a file a test left open cannot fail the teardown; then the empty mount point goes.
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Makes a mounted tmpfs read-only. */
export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path, whose removal frees it. */
export function fillUp(dir: string): string {
  const filler = join(dir, 'filler');
  writeFileSync(filler, '');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeFileSync(filler, chunk, { flag: 'a' });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOSPC') throw err;
  }
  return filler;
}

/** Why a test that needs a tmpfs is skipped here, or false where mounting one works. */
export const cannotMount: string | false = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'cim-mount-check-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return false;
  } catch {
    return 'this machine does not allow mounting a tmpfs (root with CAP_SYS_ADMIN is needed)';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
