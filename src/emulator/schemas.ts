import { z } from 'zod';
import { MAX_TIME } from '../clock.js';
import { emailAddress, emailLookupKey, integerParam, publicMetadata } from '../fields.js';

const page = {
  limit: integerParam(1, 500, 'Expected an integer from 1 to 500.').default(100),
  offset: integerParam(0, Number.MAX_SAFE_INTEGER, 'Expected an integer of 0 or more.').default(0),
};

export const pageQuery = z.object(page);

export const outboxQuery = z.object({
  ...page,
  to: z
    .string({ error: 'Expected one email address.' })
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? undefined : emailLookupKey(s))),
});

export const userBody = z.preprocess(
  (b) => b ?? {},
  z.strictObject(
    {
      email_address: emailAddress,
      public_metadata: publicMetadata.nullish().transform((m) => m ?? {}),
    },
    { error: 'The request body must be a JSON object.' },
  ),
);

const TIME_EXPECTED = `Expected an integer number of milliseconds since 1970, from 0 to ${MAX_TIME} (the year 9999), or null.`;
export const ADVANCE_EXPECTED = 'Expected an integer number of milliseconds (negative moves the clock back).';
export const EXACTLY_ONE = 'Send exactly one of now or advance_ms.';

/** Exactly one of now / advance_ms, null counting as sent; the route reports a missing or doubled key, zod the rest. */
export const clockBody = z.preprocess(
  (b) => b ?? {},
  z.strictObject(
    {
      now: z
        .number({ error: TIME_EXPECTED })
        .int({ error: TIME_EXPECTED })
        .min(0, { error: TIME_EXPECTED })
        .max(MAX_TIME, { error: TIME_EXPECTED })
        .nullable()
        .optional(),
      advance_ms: z.number({ error: ADVANCE_EXPECTED }).int({ error: ADVANCE_EXPECTED }).nullable().optional(),
    },
    { error: 'The request body must be a JSON object.' },
  ),
);

export const invitationParams = z.object({ invitation_id: z.string() });

export const journalQuery = z.object({
  ...page,
  method: z
    .string({ error: 'Expected one HTTP method, e.g. POST.' })
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim().toUpperCase())),
  path: z
    .string({ error: 'Expected one path, e.g. /v1/invitations or /v1/invitations/{invitation_id}/revoke.' })
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim())),
  status: integerParam(100, 599, 'Expected an HTTP status code from 100 to 599.').optional(),
});
