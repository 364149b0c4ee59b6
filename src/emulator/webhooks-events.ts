// The events' JSON as Clerk sends it (its webhook spec: WebhookEventPayload, EmailEventPayload, User).
import { identificationId } from '../ids.js';
import { escapeHtml } from './pages.js';
import type { EventType } from './webhooks-endpoints.js';

/** What an invitation email says; the link is the invitation's own. */
export interface EmailFacts {
  id: string;
  to_email_address: string;
  template_slug: string;
  url: string;
}

export interface UserFacts {
  id: string;
  email_address: string;
  public_metadata: string;
  created_at: number;
  updated_at: number;
}

/** The app name and host an email names: the emulator, at its public URL. */
function app(baseUrl: string): { name: string; domain_name: string; url: string } {
  return { name: 'clerk-invitations-mock', domain_name: new URL(baseUrl).host, url: baseUrl };
}

/** Clerk's EmailEventPayload for an invitation email: queued, delivered by Clerk, its data holding the link. */
export function emailData(email: EmailFacts, baseUrl: string): Record<string, unknown> {
  const subject = "You're invited";
  return {
    object: 'email',
    id: email.id,
    slug: email.template_slug,
    from_email_name: 'notifications',
    to_email_address: email.to_email_address,
    email_address_id: null,
    user_id: null,
    subject,
    body: `<!DOCTYPE html><html><body><p>You have been invited to ${escapeHtml(app(baseUrl).name)}.</p><p><a href="${escapeHtml(email.url)}">Accept invitation</a></p></body></html>`,
    body_plain: `You have been invited to ${app(baseUrl).name}.\n\nAccept invitation: ${email.url}\n`,
    status: 'queued',
    delivered_by_clerk: true,
    data: { app: app(baseUrl), action_url: email.url },
  };
}

/** Clerk's User for one who signed up through an invitation's ticket: one verified email address, nothing else. */
export function userData(user: UserFacts): Record<string, unknown> {
  const emailId = identificationId(user.created_at);
  return {
    object: 'user',
    id: user.id,
    external_id: null,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: null,
    last_name: null,
    profile_image_url: '',
    image_url: '',
    has_image: false,
    public_metadata: JSON.parse(user.public_metadata) as unknown,
    private_metadata: {},
    unsafe_metadata: {},
    email_addresses: [
      {
        object: 'email_address',
        id: emailId,
        email_address: user.email_address,
        reserved: false,
        verification: {
          object: 'verification_ticket',
          status: 'verified',
          strategy: 'ticket',
          attempts: null,
          expire_at: null,
        },
        linked_to: [],
        created_at: user.created_at,
        updated_at: user.updated_at,
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    created_at: user.created_at,
    updated_at: user.updated_at,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

/** The envelope, as compact JSON in Clerk's key order; timestamp is the instance clock's. */
export function eventJson(type: EventType, data: unknown, now: number, instanceId: string): string {
  return JSON.stringify({
    data,
    object: 'event',
    type,
    timestamp: now,
    instance_id: instanceId,
    event_attributes: { http_request: { client_ip: '', user_agent: '' } },
  });
}
