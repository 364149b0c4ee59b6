import type { Statement } from 'better-sqlite3';
import { type Instance, instanceNow } from '../clock.js';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { errors } from '../errors.js';
import { effectiveStatus } from '../invitations/model.js';
import { type InvitationRow, rowSelect } from '../invitations/table.js';
import type { UserStore } from './users-store.js';

export type Refusal = 'unknown' | 'revoked' | 'accepted' | 'expired';

export type AcceptResult =
  | { ok: true; row: InvitationRow; now: number; userCreated: boolean }
  | { ok: false; reason: Refusal; row: InvitationRow | undefined };

const COLUMNS = `${rowSelect('i')}, i.instance_id, n.clock_offset_ms`;

type Found = InvitationRow & { instance_id: number; clock_offset_ms: number };

/**
 * Accepting an invitation: by its link's ticket (no key, so the instance and its clock come from the
 * invitation) or by id within an instance. The status change and the new user are one transaction, and
 * the update only applies to a row still pending, so concurrent clicks accept it once.
 */
export class AcceptStore {
  private readonly byTicket: Statement;
  private readonly byId: Statement;
  private readonly markAccepted: Statement;

  constructor(
    private readonly db: DB,
    private readonly users: UserStore,
  ) {
    const from = 'FROM invitations i JOIN instances n ON n.id = i.instance_id';
    this.byTicket = db.prepare(`SELECT ${COLUMNS} ${from} WHERE i.ticket = ?`);
    this.byId = db.prepare(`SELECT ${COLUMNS} ${from} WHERE i.instance_id = ? AND i.id = ?`);
    this.markAccepted = db.prepare(
      `UPDATE invitations SET status = 'accepted', updated_at = ? WHERE instance_id = ? AND id = ? AND status = 'pending'`,
    );
  }

  /** What a click would do, without doing it (for HEAD requests from link checkers). */
  peekTicket(ticket: string): Refusal | undefined {
    const found = this.byTicket.get(ticket) as Found | undefined;
    return found ? this.refusal(found, this.clock(found)) : 'unknown';
  }

  acceptTicket(ticket: string): AcceptResult {
    return immediateWriter(this.db)(() => this.accept(this.byTicket.get(ticket) as Found | undefined));
  }

  /** The programmatic twin of the link, answering in Clerk errors. */
  acceptById(instance: Instance, id: string): { row: InvitationRow; now: number } {
    const result = immediateWriter(this.db)(() => this.accept(this.byId.get(instance.id, id) as Found | undefined));
    if (result.ok) return result;
    switch (result.reason) {
      case 'unknown':
        throw errors.invitationNotFound(id);
      case 'revoked':
        throw errors.alreadyRevoked();
      case 'accepted':
        throw errors.alreadyAccepted();
      case 'expired':
        throw errors.invitationExpired();
    }
  }

  private clock(found: Found): number {
    return instanceNow({ id: found.instance_id, clockOffsetMs: found.clock_offset_ms });
  }

  private refusal(row: InvitationRow, now: number): Refusal | undefined {
    const status = effectiveStatus(row, now);
    return status === 'pending' ? undefined : status;
  }

  private accept(found: Found | undefined): AcceptResult {
    if (!found) return { ok: false, reason: 'unknown', row: undefined };
    const { instance_id: instanceId, clock_offset_ms: _offset, ...row } = found;
    const now = this.clock(found);
    const reason = this.refusal(row, now);
    if (reason) return { ok: false, reason, row };
    if (this.markAccepted.run(now, instanceId, row.id).changes === 0) return { ok: false, reason: 'accepted', row };
    // An existing user with this email is kept as it is: the invitation is accepted, no second account appears.
    const userCreated = !this.users.findByEmail(instanceId, row.email_address);
    if (userCreated)
      this.users.insert(instanceId, row.email_address, JSON.parse(row.public_metadata) as Record<string, unknown>, now);
    return { ok: true, row: { ...row, status: 'accepted', updated_at: now }, now, userCreated };
  }
}
