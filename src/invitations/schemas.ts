import { z } from 'zod';
import { emailAddress, integerParam, publicMetadata, redirectUrl } from '../fields.js';
import type { OrderColumn } from './list/queries.js';
import { DEFAULT_EXPIRES_IN_DAYS, STATUSES, TEMPLATE_SLUGS } from './model.js';

// null for an optional field means "not given" (Clerk's rule), so each optional field is nullish.
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

const httpUrl = redirectUrl('Expected a string.', 'Expected an absolute http(s) URL.');

const boolean = z.boolean({ error: 'Expected true or false.' });

export const createItem = z
  .strictObject(
    {
      email_address: emailAddress,
      public_metadata: optional(publicMetadata),
      redirect_url: optional(httpUrl),
      notify: optional(boolean),
      ignore_existing: optional(boolean),
      expires_in_days: optional(
        z
          .number({ error: 'Expected an integer from 1 to 365.' })
          .int({ error: 'Expected an integer from 1 to 365.' })
          .min(1, { error: 'Expected an integer from 1 to 365.' })
          .max(365, { error: 'Expected an integer from 1 to 365.' }),
      ),
      template_slug: optional(z.enum(TEMPLATE_SLUGS, { error: `Expected one of: ${TEMPLATE_SLUGS.join(', ')}.` })),
    },
    { error: 'The request body must be a JSON object.' },
  )
  .transform((b) => ({
    email_address: b.email_address,
    public_metadata: b.public_metadata ?? {},
    redirect_url: b.redirect_url ?? null,
    notify: b.notify ?? true,
    ignore_existing: b.ignore_existing ?? false,
    expires_in_days: b.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS,
    template_slug: b.template_slug ?? 'invitation',
  }));

export const BULK_MAX = 10;

/** A missing body is an empty object, so the first error is the missing email_address. */
export const createBody = z.preprocess((b) => b ?? {}, createItem);

export const bulkBody = z
  .array(createItem, { error: 'The request body must be a JSON array of 1 to 10 invitations.' })
  .min(1, { error: 'The request body must be a JSON array of 1 to 10 invitations.' })
  .max(BULK_MAX);

// An unencoded + (order_by=+created_at typed by hand) arrives as a space: it still means ascending.
const ORDER_PATTERN = /^([-+ ]?)(created_at|email_address|expires_at)$/;
const ORDER_EXPECTED = 'Expected created_at, email_address or expires_at, optionally prefixed with + or -.';

// SQLite's LIKE stops at a NUL, so such a query would match everything; no address or id holds a control character.
const CONTROL = /\p{Cc}/u;
const QUERY_EXPECTED = 'Expected text without control characters (such as NUL, tab or newline).';

export const listQuery = z
  .object({
    limit: integerParam(1, 500, 'Expected an integer from 1 to 500.').optional(),
    offset: integerParam(0, Number.MAX_SAFE_INTEGER, 'Expected an integer of 0 or more.').optional(),
    status: z
      .union([z.enum(STATUSES), z.array(z.enum(STATUSES))], { error: `Expected one of: ${STATUSES.join(', ')}.` })
      .optional(),
    query: z
      .string({ error: 'Expected a string.' })
      .refine((s) => !CONTROL.test(s), { error: QUERY_EXPECTED })
      .optional(),
    order_by: z.string({ error: ORDER_EXPECTED }).regex(ORDER_PATTERN, { error: ORDER_EXPECTED }).optional(),
    paginated: z.enum(['true', 'false'], { error: 'Expected true or false.' }).optional(),
  })
  .transform((q) => {
    const [, sign, column] = ORDER_PATTERN.exec(q.order_by ?? '-created_at') ?? [];
    return {
      limit: q.limit ?? 10,
      offset: q.offset ?? 0,
      statuses: q.status === undefined ? [] : Array.isArray(q.status) ? q.status : [q.status],
      query: q.query === undefined || q.query === '' ? undefined : q.query,
      orderBy: column as OrderColumn,
      descending: sign === '-',
      withTotal: q.paginated === 'true',
    };
  });

/** A create's body, with Clerk's defaults filled in. */
export type CreateInput = z.output<typeof createItem>;
/** A list's query, parsed. */
export type ListQuery = z.output<typeof listQuery>;

export const invitationParams = z.object({ invitation_id: z.string() });
