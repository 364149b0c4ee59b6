import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { SETTINGS } from '../config.js';

const DATABASE_PATH = SETTINGS.find((s) => s.key === 'databasePath')!.env;

/**
 * The database could not be opened, migrated or written at start-up. The message is one line naming the
 * setting and the path; the command names the flag instead when the path came from --db.
 */
export class DatabaseOpenError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, cause?: unknown) {
    super(`${DATABASE_PATH} ${path}: ${reason}`, { cause });
    this.name = 'DatabaseOpenError';
    this.path = path;
    this.reason = reason;
  }
}

const READ_ONLY = 'cannot be written: the file or its file system is read-only';

/** What went wrong, for a person: an error of the file system (creating the file) or of SQLite (using it). */
export function openFailure(path: string, err: unknown): DatabaseOpenError {
  if (err instanceof DatabaseOpenError) return err;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const c = typeof code === 'string' ? code : '';
  let reason: string;
  if (c === 'ENOENT') reason = `cannot be created: the folder ${dirname(path)} does not exist`;
  else if (c === 'EACCES' || c === 'EPERM') reason = `cannot be created: no permission to write in ${dirname(path)}`;
  else if (c === 'EROFS') reason = 'cannot be created: the file system is read-only';
  else if (c === 'ENOSPC' || c === 'SQLITE_FULL') reason = 'cannot be written: the disk is full';
  else if (c === 'SQLITE_NOTADB') reason = 'is not a SQLite database';
  // WAL mode keeps -wal and -shm files beside the database: its folder must be writable too.
  else if (c === 'SQLITE_READONLY_DIRECTORY')
    reason = 'cannot be written: its folder is read-only (the -wal and -shm files live beside it)';
  else if (c.startsWith('SQLITE_READONLY')) reason = READ_ONLY;
  else if (c.startsWith('SQLITE_IOERR')) reason = `cannot be read or written: the disk failed (${c}); is it full?`;
  else if (c.startsWith('SQLITE_CANTOPEN'))
    reason = onReadOnlyFileSystem(path) ? READ_ONLY : `cannot be opened (${c}): is it, or its folder, unreadable?`;
  else reason = String(message ?? err);
  return new DatabaseOpenError(path, reason, err);
}

/** SQLite reports a WAL database on a read-only file system as one it cannot open: the -shm file cannot be made. */
function onReadOnlyFileSystem(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return false;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EROFS';
  }
}
