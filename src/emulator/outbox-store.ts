import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { ticketUrl } from '../invitations/model.js';
import { EMAIL_SELECT, type EmailRow } from '../invitations/table.js';

export interface Email {
  object: 'email';
  id: string;
  to_email_address: string;
  template_slug: string;
  invitation_id: string;
  url: string;
  redirect_url: string | null;
  created_at: number;
}

export interface OutboxQuery {
  to: string | undefined;
  limit: number;
  offset: number;
}

const SELECT = `SELECT ${EMAIL_SELECT} FROM invitations`;
const SENT = 'instance_id = @instance AND email_id IS NOT NULL';
// Newest first, in the order of writing among equal times (seq, which ends the invitations_outbox index).
const ORDER = 'ORDER BY created_at DESC, seq DESC LIMIT @limit OFFSET @offset';

/** The outbox's statements, whole and by recipient (their plans are pinned by test/list-plans.test.ts). */
export const OUTBOX_SQL = {
  all: { rows: `${SELECT} WHERE ${SENT} ${ORDER}`, count: `SELECT count(*) FROM invitations WHERE ${SENT}` },
  // INDEXED BY: else the planner walks invitations_outbox in order, every sent row of the instance, to spare
  // itself the sort of one address's few.
  to: {
    rows: `${SELECT} INDEXED BY invitations_email WHERE ${SENT} AND email_address = @to ${ORDER}`,
    count: `SELECT count(*) FROM invitations WHERE ${SENT} AND email_address = @to`,
  },
};

/** The messages each instance "sent": the invitations created with notify (by InvitationStore or the seed). */
export class OutboxStore {
  private readonly all: { rows: Statement; count: Statement };
  private readonly to: { rows: Statement; count: Statement };

  constructor(
    db: DB,
    private readonly baseUrl: () => string,
  ) {
    this.all = { rows: db.prepare(OUTBOX_SQL.all.rows), count: db.prepare(OUTBOX_SQL.all.count).pluck() };
    this.to = { rows: db.prepare(OUTBOX_SQL.to.rows), count: db.prepare(OUTBOX_SQL.to.count).pluck() };
  }

  /** Newest first. The link is rebuilt from the current public URL so it works even if that changed since. */
  list(instanceId: number, q: OutboxQuery): { data: Email[]; total: number } {
    const { rows, count } = q.to === undefined ? this.all : this.to;
    const params = {
      instance: instanceId,
      limit: q.limit,
      offset: q.offset,
      ...(q.to === undefined ? {} : { to: q.to }),
    };
    const data = (rows.all(params) as EmailRow[]).map(
      (r): Email => ({
        object: 'email',
        id: r.id,
        to_email_address: r.to_email_address,
        template_slug: r.template_slug,
        invitation_id: r.invitation_id,
        url: ticketUrl(this.baseUrl(), r.ticket),
        redirect_url: r.redirect_url,
        created_at: r.created_at,
      }),
    );
    return { data, total: count.get(params) as number };
  }
}
