import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+-.*\.sql$/.test(f))
    .map((name) => ({ version: Number.parseInt(name, 10), name, sql: readFileSync(join(dir, name), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `database schema version ${found} is newer than this version of clerk-invitations-mock understands ` +
        `(${known}); upgrade clerk-invitations-mock or use another database file`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Every table a migration of ours ever created (a file at an older version may still hold a later-dropped one). */
export function ourTables(migrations: Migration[] = readMigrations()): Set<string> {
  return new Set(
    migrations.flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((c) => c[1]!)),
  );
}

/**
 * The tables of another application: any table in a file we never migrated (user_version 0), else any table
 * no migration of ours created. Refused before anything is written, so the other application's file is left as it was.
 */
export function foreignTables(db: Database, migrations: Migration[] = readMigrations()): string[] {
  // One read transaction: the tables and the version of the same moment, should another process be migrating.
  const [tables, version] = db.transaction((): [string[], number] => [
    db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      )
      .pluck()
      .all() as string[],
    db.pragma('user_version', { simple: true }) as number,
  ])();
  if (version === 0) return tables;
  // A newer version's file holds tables we do not know yet: migrate() refuses it as too new instead.
  if (version > Math.max(0, ...migrations.map((m) => m.version))) return [];
  const ours = ourTables(migrations);
  return tables.filter((name) => !ours.has(name));
}

/** Applies every migration above PRAGMA user_version, one transaction per file. Returns the versions applied. */
export function migrate(db: Database, migrations: Migration[] = readMigrations()): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    // Read the version again under the write lock: another process on the same file may have just migrated.
    const ran = db
      .transaction(() => {
        if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return false;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        return true;
      })
      .immediate();
    if (ran) applied.push(m.version);
  }
  return applied;
}
