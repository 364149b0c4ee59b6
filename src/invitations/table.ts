// The invitations table (migrations 001 and 004): the one module that names its columns. Every reader
// selects ROW_SELECT (or rowSelect(alias)) and every writer inserts through RowInserter.
import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import { emailId, invitationId, ticketToken } from '../ids.js';
import type { StoredStatus, TemplateSlug } from './model.js';

/** A stored invitation, as selected by ROW_SELECT; `expired` is not stored but derived (effectiveStatus). */
export interface InvitationRow {
  id: string;
  email_address: string;
  /** JSON text, written into responses as it is. */
  public_metadata: string;
  status: StoredStatus;
  redirect_url: string | null;
  template_slug: TemplateSlug;
  notify: number;
  ticket: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

/** The columns of an InvitationRow, in the order rowFromArray reads them. */
export const ROW_COLUMNS = [
  'id',
  'email_address',
  'public_metadata',
  'status',
  'redirect_url',
  'template_slug',
  'notify',
  'ticket',
  'expires_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof InvitationRow)[];

/** The select list of an InvitationRow, each column qualified with `alias.` when one is given. */
export const rowSelect = (alias?: string): string =>
  ROW_COLUMNS.map((c) => (alias === undefined ? c : `${alias}.${c}`)).join(', ');

export const ROW_SELECT = rowSelect();

/** A row read in raw mode (an array in ROW_COLUMNS order): objects built here are cheaper than better-sqlite3's. */
export function rowFromArray(a: unknown[]): InvitationRow {
  return {
    id: a[0],
    email_address: a[1],
    public_metadata: a[2],
    status: a[3],
    redirect_url: a[4],
    template_slug: a[5],
    notify: a[6],
    ticket: a[7],
    expires_at: a[8],
    created_at: a[9],
    updated_at: a[10],
  } as InvitationRow;
}

/** One row of an instance; with notify, email_id records the email "sent" (the outbox, migration 004). */
const INSERT_SQL = `INSERT INTO invitations (instance_id, ${ROW_SELECT}, email_id)
  VALUES (?, ${ROW_COLUMNS.map(() => '?').join(', ')}, ?)`;

/** INSERT_SQL's values: the instance, the row in ROW_COLUMNS order, then the email id. */
const insertArgs = (instanceId: number, r: InvitationRow): unknown[] => [
  instanceId,
  r.id,
  r.email_address,
  r.public_metadata,
  r.status,
  r.redirect_url,
  r.template_slug,
  r.notify,
  r.ticket,
  r.expires_at,
  r.created_at,
  r.updated_at,
  r.notify ? emailId(r.created_at) : null,
];

/** An email of the outbox is the invitation that sent it: these columns, as an Email's fields (and its ticket). */
export const EMAIL_SELECT = `email_id AS id, email_address AS to_email_address, template_slug, id AS invitation_id,
  ticket, redirect_url, created_at`;

/** A row selected by EMAIL_SELECT. */
export interface EmailRow {
  id: string;
  to_email_address: string;
  template_slug: string;
  invitation_id: string;
  ticket: string;
  redirect_url: string | null;
  created_at: number;
}

/** What a new row is made from; the rest (ticket, and id, status and updated_at by default) is made here. */
export interface NewRow {
  id?: string | undefined;
  email_address: string;
  public_metadata: Record<string, unknown>;
  status?: StoredStatus;
  redirect_url: string | null;
  template_slug: TemplateSlug;
  notify: boolean;
  created_at: number;
  expires_at: number;
  updated_at?: number | undefined;
}

export function newRow(f: NewRow): InvitationRow {
  return {
    id: f.id ?? invitationId(f.created_at),
    email_address: f.email_address,
    public_metadata: JSON.stringify(f.public_metadata),
    status: f.status ?? 'pending',
    redirect_url: f.redirect_url,
    template_slug: f.template_slug,
    notify: f.notify ? 1 : 0,
    ticket: ticketToken(f.created_at),
    expires_at: f.expires_at,
    created_at: f.created_at,
    updated_at: f.updated_at ?? f.created_at,
  };
}

/** The per-status counter an insert adds to (migration 002's table; migration 006 moved the insert's count here). */
const COUNT_SQL = `INSERT INTO invitation_counts (instance_id, status, n, changes) VALUES (?, ?, 1, 1)
  ON CONFLICT (instance_id, status) DO UPDATE SET n = n + 1, changes = changes + 1`;

/** Inserts rows and counts each in invitation_counts; the caller's transaction holds both writes. */
export class RowInserter {
  private readonly insert: Statement;
  private readonly count: Statement;

  constructor(db: DB) {
    this.insert = db.prepare(INSERT_SQL);
    this.count = db.prepare(COUNT_SQL);
  }

  run(instanceId: number, row: InvitationRow): void {
    this.insert.run(insertArgs(instanceId, row));
    this.count.run(instanceId, row.status);
  }
}
