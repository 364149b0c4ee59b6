// The Invitation as Clerk clients see it, and the vocabulary of its fields.
import type { InvitationRow } from './table.js';

export type StoredStatus = 'pending' | 'accepted' | 'revoked';
export type Status = StoredStatus | 'expired';
export const STATUSES: readonly Status[] = ['pending', 'accepted', 'revoked', 'expired'];
export const TEMPLATE_SLUGS = ['invitation', 'waitlist_invitation'] as const;
export type TemplateSlug = (typeof TEMPLATE_SLUGS)[number];
/** Clerk's expiry when expires_in_days is not given. */
export const DEFAULT_EXPIRES_IN_DAYS = 30;

export interface Invitation {
  object: 'invitation';
  id: string;
  email_address: string;
  public_metadata: Record<string, unknown>;
  revoked?: true;
  status: Status;
  url?: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface DeletedInvitation {
  object: 'invitation';
  id: string;
  deleted: true;
}

export function effectiveStatus(row: Pick<InvitationRow, 'status' | 'expires_at'>, now: number): Status {
  return row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;
}

export function ticketUrl(baseUrl: string, ticket: string): string {
  return `${baseUrl}/v1/tickets/accept?ticket=${ticket}`;
}

/** The wire shape as an object: one definition of it, invitationJson's, read back. */
export function toInvitation(row: InvitationRow, now: number, baseUrl: string): Invitation {
  return JSON.parse(invitationJson(row, now, baseUrl)) as Invitation;
}

/**
 * The Invitation as JSON text: exactly Clerk's keys in Clerk's order, `revoked` only when true, no `url`
 * once revoked. The stored public_metadata is already JSON and goes in as it is (the list's hot path).
 */
export function invitationJson(row: InvitationRow, now: number, baseUrl: string): string {
  const status = effectiveStatus(row, now);
  const head = `{"object":"invitation","id":${JSON.stringify(row.id)},"email_address":${JSON.stringify(row.email_address)},"public_metadata":${row.public_metadata}`;
  const tail = `"expires_at":${row.expires_at},"created_at":${row.created_at},"updated_at":${row.updated_at}}`;
  return status === 'revoked'
    ? `${head},"revoked":true,"status":"revoked",${tail}`
    : `${head},"status":"${status}","url":${JSON.stringify(ticketUrl(baseUrl, row.ticket))},${tail}`;
}
