import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { errors } from '../errors.js';
import { userId } from '../ids.js';

export interface UserRow {
  id: string;
  email_address: string;
  public_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface User {
  object: 'user';
  id: string;
  email_address: string;
  public_metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

export const toUser = (row: UserRow): User => ({
  object: 'user',
  id: row.id,
  email_address: row.email_address,
  public_metadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const COLUMNS = 'id, email_address, public_metadata, created_at, updated_at';

/** The users of each instance: the emulator's stand-in for "this email already has an account". */
export class UserStore {
  private readonly insertRow: Statement;
  private readonly byEmail: Statement;
  private readonly page: Statement;
  private readonly count: Statement;

  constructor(private readonly db: DB) {
    this.insertRow = db.prepare(
      `INSERT INTO users (instance_id, id, email_address, public_metadata, created_at, updated_at)
       VALUES (@instance_id, @id, @email_address, @public_metadata, @created_at, @updated_at)`,
    );
    this.byEmail = db.prepare(`SELECT ${COLUMNS} FROM users WHERE instance_id = ? AND email_address = ?`);
    this.page = db.prepare(
      `SELECT ${COLUMNS} FROM users WHERE instance_id = ? ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?`,
    );
    this.count = db.prepare('SELECT count(*) FROM users WHERE instance_id = ?').pluck();
  }

  findByEmail(instanceId: number, email: string): UserRow | undefined {
    return this.byEmail.get(instanceId, email) as UserRow | undefined;
  }

  /** Inserts without checks; callers run it inside their own transaction after checking the email is free. */
  insert(
    instanceId: number,
    email: string,
    metadata: Record<string, unknown>,
    createdAt: number,
    updatedAt = createdAt,
  ): UserRow {
    const row: UserRow = {
      id: userId(createdAt),
      email_address: email,
      public_metadata: JSON.stringify(metadata),
      created_at: createdAt,
      updated_at: updatedAt,
    };
    this.insertRow.run({ ...row, instance_id: instanceId });
    return row;
  }

  /** A second user with the same email is form_identifier_exists, as on Clerk. */
  create(instanceId: number, now: number, email: string, metadata: Record<string, unknown>): UserRow {
    return immediateWriter(this.db)(() => {
      if (this.findByEmail(instanceId, email)) throw errors.identifierExists();
      return this.insert(instanceId, email, metadata, now);
    });
  }

  list(instanceId: number, limit: number, offset: number): { rows: UserRow[]; total: number } {
    return {
      rows: this.page.all(instanceId, limit, offset) as UserRow[],
      total: this.count.get(instanceId) as number,
    };
  }
}
