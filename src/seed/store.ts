import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { type InvitationRow, RowInserter } from '../invitations/table.js';

/** The writes of a seed: fully specified rows, plus the look-ups that make loading twice a no-op. */
export class SeedStore {
  private readonly ownerOf: Statement;
  private readonly sameEmailAt: Statement;
  private readonly anyForEmail: Statement;
  private readonly insertInvitation: RowInserter;

  constructor(private readonly db: DB) {
    this.ownerOf = db.prepare('SELECT instance_id FROM invitations WHERE id = ?').pluck();
    this.sameEmailAt = db.prepare(
      'SELECT 1 FROM invitations WHERE instance_id = ? AND email_address = ? AND created_at = ? LIMIT 1',
    );
    this.anyForEmail = db.prepare('SELECT 1 FROM invitations WHERE instance_id = ? AND email_address = ? LIMIT 1');
    this.insertInvitation = new RowInserter(db);
  }

  /** The instance an invitation id belongs to, if any (ids are unique across instances). */
  instanceOf(id: string): number | undefined {
    return this.ownerOf.get(id) as number | undefined;
  }

  /** Whether the instance has an invitation for this email (created at that instant, when given). */
  hasInvitation(instanceId: number, email: string, createdAt: number | undefined): boolean {
    const found =
      createdAt === undefined
        ? this.anyForEmail.get(instanceId, email)
        : this.sameEmailAt.get(instanceId, email, createdAt);
    return found !== undefined;
  }

  /** With notify, the invitation is in the outbox, sent when it was created. */
  insert(instanceId: number, row: InvitationRow): void {
    this.insertInvitation.run(instanceId, row);
  }

  /** All of a seed or none of it. */
  transaction<T>(fn: () => T): T {
    return immediateWriter(this.db)(fn);
  }
}
