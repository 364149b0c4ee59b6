import type { Statement } from 'better-sqlite3';
import { type Instance, instanceNow } from '../clock.js';
import type { DB } from '../db/open.js';
import { immediateWriter } from '../db/transactions.js';
import { errors } from '../errors.js';
import { effectiveStatus } from '../invitations/model.js';
import { type InvitationRow, rowSelect } from '../invitations/table.js';
import type { UserStore } from './users-store.js';
import type { Webhooks } from './webhooks.js';

/** Why an invitation is not accepted; 'unanswerable': the link's answer for it cannot be built (a bad stored redirect_url). */
export type Refusal = 'unknown' | 'revoked' | 'accepted' | 'expired' | 'unanswerable';

export type AcceptResult<T = undefined> =
  | { ok: true; row: InvitationRow; now: number; userCreated: boolean; answer: T }
  | { ok: false; reason: Refusal; row: InvitationRow | undefined };

/** Builds what the accepting request will answer, from the pending row; null when no answer can be sent. */
export type Answer<T> = (row: InvitationRow) => T | null;

const noAnswer: Answer<undefined> = () => undefined;

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
    private readonly webhooks: Webhooks,
  ) {
    const from = 'FROM invitations i JOIN instances n ON n.id = i.instance_id';
    this.byTicket = db.prepare(`SELECT ${COLUMNS} ${from} WHERE i.ticket = ?`);
    this.byId = db.prepare(`SELECT ${COLUMNS} ${from} WHERE i.instance_id = ? AND i.id = ?`);
    this.markAccepted = db.prepare(
      `UPDATE invitations SET status = 'accepted', updated_at = ? WHERE instance_id = ? AND id = ? AND status = 'pending'`,
    );
  }

  /** What a click would do, without doing it (for HEAD requests from link checkers). */
  peekTicket(ticket: string, answer: Answer<unknown>): Refusal | undefined {
    const found = this.byTicket.get(ticket) as Found | undefined;
    if (!found) return 'unknown';
    return this.refusal(found, this.clock(found)) ?? (answer(found) === null ? 'unanswerable' : undefined);
  }

  /** Accepts by the link's ticket, only once its answer is built: an invitation whose answer cannot be sent stays pending. */
  acceptTicket<T>(ticket: string, answer: Answer<T>): AcceptResult<T> {
    return immediateWriter(this.db)(() => this.accept(this.byTicket.get(ticket) as Found | undefined, answer));
  }

  /** The programmatic twin of the link, answering in Clerk errors. */
  acceptById(instance: Instance, id: string): { row: InvitationRow; now: number } {
    const result = immediateWriter(this.db)(() =>
      this.accept(this.byId.get(instance.id, id) as Found | undefined, noAnswer),
    );
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
      /* c8 ignore next 2 -- noAnswer always answers, so accepting by id is never unanswerable */
      case 'unanswerable':
        throw errors.internal();
    }
  }

  private clock(found: Found): number {
    return instanceNow({ id: found.instance_id, clockOffsetMs: found.clock_offset_ms });
  }

  private refusal(row: InvitationRow, now: number): Refusal | undefined {
    const status = effectiveStatus(row, now);
    return status === 'pending' ? undefined : status;
  }

  private accept<T>(found: Found | undefined, answerFor: Answer<T>): AcceptResult<T> {
    if (!found) return { ok: false, reason: 'unknown', row: undefined };
    const { instance_id: instanceId, clock_offset_ms: _offset, ...row } = found;
    const now = this.clock(found);
    const reason = this.refusal(row, now);
    if (reason) return { ok: false, reason, row };
    const answer = answerFor(row);
    if (answer === null) return { ok: false, reason: 'unanswerable', row };
    if (this.markAccepted.run(now, instanceId, row.id).changes === 0) return { ok: false, reason: 'accepted', row };
    // An existing user with this email is kept as it is: the invitation is accepted, no second account appears.
    const userCreated = !this.users.findByEmail(instanceId, row.email_address);
    if (userCreated) {
      const metadata = JSON.parse(row.public_metadata) as Record<string, unknown>;
      this.webhooks.userCreated(instanceId, this.users.insert(instanceId, row.email_address, metadata, now), now);
    }
    return { ok: true, row: { ...row, status: 'accepted', updated_at: now }, now, userCreated, answer };
  }
}
