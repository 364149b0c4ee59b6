import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { ticketUrl } from '../invitations/model.js';

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

interface EmailRow {
  id: string;
  to_email_address: string;
  template_slug: string;
  invitation_id: string;
  url: string;
  ticket: string | null;
  redirect_url: string | null;
  created_at: number;
}

export interface OutboxQuery {
  to: string | undefined;
  limit: number;
  offset: number;
}

const SELECT = `SELECT e.id, e.to_email_address, e.template_slug, e.invitation_id, e.url, i.ticket, e.redirect_url, e.created_at
  FROM emails e LEFT JOIN invitations i ON i.id = e.invitation_id AND i.instance_id = e.instance_id`;

/** The messages each instance "sent". Rows are written by InvitationStore (and the seed); this reads them. */
export class OutboxStore {
  private readonly all: { rows: Statement; count: Statement };
  private readonly to: { rows: Statement; count: Statement };

  constructor(db: DB, private readonly baseUrl: () => string) {
    const order = 'ORDER BY e.created_at DESC, e.seq DESC LIMIT @limit OFFSET @offset';
    this.all = {
      rows: db.prepare(`${SELECT} WHERE e.instance_id = @instance ${order}`),
      count: db.prepare('SELECT count(*) FROM emails WHERE instance_id = @instance').pluck(),
    };
    this.to = {
      rows: db.prepare(`${SELECT} WHERE e.instance_id = @instance AND e.to_email_address = @to ${order}`),
      count: db.prepare('SELECT count(*) FROM emails WHERE instance_id = @instance AND to_email_address = @to').pluck(),
    };
  }

  /** Newest first. The link is rebuilt from the current public URL so it works even if that changed since. */
  list(instanceId: number, q: OutboxQuery): { data: Email[]; total: number } {
    const { rows, count } = q.to === undefined ? this.all : this.to;
    const params = { instance: instanceId, limit: q.limit, offset: q.offset, ...(q.to === undefined ? {} : { to: q.to }) };
    const data = (rows.all(params) as EmailRow[]).map((r): Email => ({
      object: 'email',
      id: r.id,
      to_email_address: r.to_email_address,
      template_slug: r.template_slug,
      invitation_id: r.invitation_id,
      url: r.ticket === null ? r.url : ticketUrl(this.baseUrl(), r.ticket),
      redirect_url: r.redirect_url,
      created_at: r.created_at,
    }));
    return { data, total: count.get(params) as number };
  }
}
