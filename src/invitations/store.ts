import type { Statement } from 'better-sqlite3';
import { DAY_MS } from '../clock.js';
import type { DB } from '../db/open.js';
import { immediateWriter, type Writer } from '../db/transactions.js';
import { errors } from '../errors.js';
import type { CreateInput } from './schemas.js';
import { type InvitationRow, newRow, ROW_SELECT, RowInserter } from './table.js';

/** The unary + keeps the planner off the expires_at range, which would walk every live pending row. */
export const DUPLICATE_CHECK_SQL = `SELECT 1 FROM invitations
  WHERE instance_id = ? AND email_address = ? AND status = 'pending' AND +expires_at > ? LIMIT 1`;

/** The invitation writes of Clerk's routes: create, bulk create, revoke, delete (lists: list/reader.ts). */
export class InvitationStore {
  private readonly byId: Statement;
  private readonly pendingFor: Statement;
  private readonly userExists: Statement;
  private readonly insert: RowInserter;
  private readonly setStatus: Statement;
  private readonly remove: Statement;
  private readonly immediate: Writer;

  constructor(db: DB) {
    this.byId = db.prepare(`SELECT ${ROW_SELECT} FROM invitations WHERE instance_id = ? AND id = ?`);
    this.pendingFor = db.prepare(DUPLICATE_CHECK_SQL);
    this.userExists = db.prepare('SELECT 1 FROM users WHERE instance_id = ? AND email_address = ?');
    this.insert = new RowInserter(db);
    this.setStatus = db.prepare('UPDATE invitations SET status = ?, updated_at = ? WHERE instance_id = ? AND id = ?');
    this.remove = db.prepare('DELETE FROM invitations WHERE instance_id = ? AND id = ?');
    this.immediate = immediateWriter(db);
  }

  get(instanceId: number, id: string): InvitationRow | undefined {
    return this.byId.get(instanceId, id) as InvitationRow | undefined;
  }

  /** The checks and the insert run in one IMMEDIATE transaction, so concurrent creates cannot both pass. */
  create(instanceId: number, now: number, input: CreateInput): InvitationRow {
    return this.immediate(() => {
      if (!input.ignore_existing) {
        if (this.userExists.get(instanceId, input.email_address)) throw errors.identifierExists();
        if (this.pendingFor.get(instanceId, input.email_address, now)) throw errors.duplicate([input.email_address]);
      }
      return this.insertOne(instanceId, now, input);
    });
  }

  /** All or nothing: every item is checked before any is written, all in one transaction. */
  createBulk(instanceId: number, now: number, inputs: CreateInput[]): InvitationRow[] {
    return this.immediate(() => {
      if (inputs.some((i) => this.userExists.get(instanceId, i.email_address))) throw errors.identifierExists();
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const i of inputs) {
        if (
          !i.ignore_existing &&
          (seen.has(i.email_address) || this.pendingFor.get(instanceId, i.email_address, now))
        ) {
          duplicates.add(i.email_address);
        }
        seen.add(i.email_address);
      }
      if (duplicates.size > 0) throw errors.duplicate([...duplicates]);
      return inputs.map((i) => this.insertOne(instanceId, now, i));
    });
  }

  private insertOne(instanceId: number, now: number, input: CreateInput): InvitationRow {
    const { email_address, public_metadata, redirect_url, template_slug, notify } = input;
    const expires_at = now + input.expires_in_days * DAY_MS;
    const row = newRow({
      email_address,
      public_metadata,
      redirect_url,
      template_slug,
      notify,
      created_at: now,
      expires_at,
    });
    this.insert.run(instanceId, row);
    return row;
  }

  /** Pending or expired become revoked; revoked and accepted are errors. */
  revoke(instanceId: number, now: number, id: string): InvitationRow {
    return this.immediate(() => {
      const row = this.get(instanceId, id);
      if (!row) throw errors.invitationNotFound(id);
      if (row.status === 'revoked') throw errors.alreadyRevoked();
      if (row.status === 'accepted') throw errors.alreadyAccepted();
      this.setStatus.run('revoked', now, instanceId, id);
      return { ...row, status: 'revoked' as const, updated_at: now };
    });
  }

  /** Removes the invitation, and with it its email in the outbox. */
  delete(instanceId: number, id: string): void {
    if (this.remove.run(instanceId, id).changes === 0) throw errors.invitationNotFound(id);
  }
}
