import { z } from 'zod';

// What a client may receive: the Clerk envelope for any error, and each route's documented success.

const ms = z.number().int().nonnegative();

export const errorEnvelope = z.strictObject({
  errors: z.tuple([
    z.strictObject({
      message: z.string().min(1),
      long_message: z.string().min(1),
      code: z.string().regex(/^[a-z_]+$/),
      meta: z.record(z.string(), z.unknown()).optional(),
    }),
  ]),
  clerk_trace_id: z.string().regex(/^[0-9a-f]{32}$/),
});

export const invitation = z
  .strictObject({
    object: z.literal('invitation'),
    id: z.string().regex(/^inv_[0-9A-Za-z]{27}$/),
    email_address: z.string().min(3),
    public_metadata: z.record(z.string(), z.unknown()),
    revoked: z.literal(true).optional(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    url: z
      .string()
      .regex(/^http:\/\/localhost:\d+\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_-]{43}$/)
      .optional(),
    expires_at: ms,
    created_at: ms,
    updated_at: ms,
  })
  .refine(
    (i) => (i.status === 'revoked') === (i.revoked === true) && (i.url === undefined) === (i.status === 'revoked'),
    'revoked and url agree with status',
  );

export const pendingInvitation = invitation.refine((i) => i.status === 'pending', 'a new invitation is pending');
export const revokedInvitation = invitation.refine((i) => i.status === 'revoked', 'a revoked invitation says so');

export const invitationList = z.union([
  z.array(invitation).max(500),
  z.strictObject({ data: z.array(invitation).max(500), total_count: z.number().int().nonnegative() }),
]);

/** GET /_emulator/invitations: the list, always paginated. */
export const paginatedInvitationList = z.strictObject({
  data: z.array(invitation).max(500),
  total_count: z.number().int().nonnegative(),
});

export const bulkResult = z.array(pendingInvitation).min(1).max(10);

export const deleted = z.strictObject({ object: z.literal('invitation'), id: z.string(), deleted: z.literal(true) });

export const health = z.strictObject({ status: z.literal('ok') });

export const reset = z.strictObject({
  object: z.literal('reset'),
  invitations: z.number().int().nonnegative(),
  users: z.number().int().nonnegative(),
  emails: z.number().int().nonnegative(),
  clock_reset: z.boolean(),
  webhook_endpoints: z.number().int().nonnegative(),
  webhook_messages: z.number().int().nonnegative(),
});

export const acceptedInvitation = invitation.refine((i) => i.status === 'accepted', 'an accepted invitation says so');

const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ data: z.array(item).max(500), total_count: z.number().int().nonnegative() });

export const user = z.strictObject({
  object: z.literal('user'),
  id: z.string().regex(/^user_[0-9A-Za-z]{27}$/),
  email_address: z.string().min(3),
  public_metadata: z.record(z.string(), z.unknown()),
  created_at: ms,
  updated_at: ms,
});
export const userList = page(user);

export const email = z.strictObject({
  object: z.literal('email'),
  id: z.string().regex(/^ema_[0-9A-Za-z]{27}$/),
  to_email_address: z.string().min(3),
  template_slug: z.enum(['invitation', 'waitlist_invitation']),
  invitation_id: z.string().regex(/^inv_[0-9A-Za-z]{27}$/),
  url: z.string().regex(/^http:\/\/localhost:\d+\/v1\/tickets\/accept\?ticket=[A-Za-z0-9_-]{43}$/),
  redirect_url: z.string().nullable(),
  created_at: ms,
});
export const emailList = page(email);

export const clock = z.strictObject({
  object: z.literal('clock'),
  now: z.number().int(),
  offset_ms: z.number().int(),
  real_now: ms,
});

const bodyOrTruncated = z.unknown();
export const journalRequest = z.strictObject({
  object: z.literal('request'),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  method: z.string().min(1),
  path: z.string().startsWith('/v1'),
  query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  status: z.number().int().min(0).max(599),
  duration_ms: z.number().nonnegative(),
  created_at: z.number().int(),
  request_body: bodyOrTruncated,
  response_body: bodyOrTruncated,
  fault_id: z.string().nullable(),
  rate_limited: z.boolean(),
});
export const journalList = page(journalRequest);
export const journalCleared = z.strictObject({
  object: z.literal('request_journal'),
  deleted: z.number().int().nonnegative(),
});
export const rateLimits = z.strictObject({
  object: z.literal('rate_limits'),
  profile: z.enum(['off', 'dev', 'prod']),
  limits: z.array(
    z.strictObject({
      name: z.string(),
      limit: z.number().int(),
      window_ms: z.number().int(),
      used: z.number().int().min(0),
      retry_after_ms: z.number().int().min(0),
    }),
  ),
});
export const fault = z.strictObject({
  object: z.literal('fault'),
  id: z.string().regex(/^flt_[0-9A-Za-z]{27}$/),
  method: z.enum(['GET', 'POST', 'DELETE', '*']),
  path: z.string(),
  status: z.number().int().min(400).max(599).nullable(),
  error: z
    .strictObject({ code: z.string().min(1), message: z.string().min(1), long_message: z.string().min(1).optional() })
    .nullable(),
  delay_ms: z.number().int().min(0).max(30_000),
  close: z.boolean(),
  when: z.enum(['before', 'after']),
  times: z.number().int().min(1).nullable(),
  probability: z.number().min(0).max(1),
  retry_after: z.number().int().min(0).nullable(),
  remaining: z.number().int().min(0).nullable(),
  hits: z.number().int().min(0),
  created_at: ms,
});
export const faultList = page(fault);
export const faultsDeleted = z.strictObject({ object: z.literal('faults'), deleted: z.number().int().min(0) });
export const faultDeleted = z.strictObject({
  object: z.literal('fault'),
  id: z.string().regex(/^flt_[0-9A-Za-z]{27}$/),
  deleted: z.literal(true),
});

const eventType = z.enum(['email.created', 'user.created']);
export const webhookEndpoint = z.strictObject({
  object: z.literal('webhook_endpoint'),
  id: z.string().regex(/^ep_[0-9A-Za-z]{27}$/),
  url: z.string().regex(/^https?:\/\//),
  events: z.array(eventType).min(1),
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/),
  created_at: ms,
});
export const webhookEndpointList = page(webhookEndpoint);
export const webhookEndpointDeleted = z.strictObject({
  object: z.literal('webhook_endpoint'),
  id: z.string().regex(/^ep_[0-9A-Za-z]{27}$/),
  deleted: z.literal(true),
});
export const webhookMessage = z.strictObject({
  object: z.literal('webhook_message'),
  id: z.string().regex(/^msg_[0-9A-Za-z]{27}$/),
  type: eventType,
  endpoint_id: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(
    z.strictObject({
      at: ms,
      status_code: z.number().int().nullable(),
      error: z.string().nullable(),
      duration_ms: z.number().int().min(0),
    }),
  ),
  next_attempt_at: z.number().int().nullable(),
  payload: z.looseObject({ object: z.literal('event'), type: eventType, data: z.record(z.string(), z.unknown()) }),
});
export const webhookMessageList = page(webhookMessage);
