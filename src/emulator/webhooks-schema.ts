import { z } from 'zod';
import { pageQuery } from './schemas.js';
import { EVENT_TYPES, webhookUrl } from './webhooks-endpoints.js';
import { isSecret, SECRET_EXPECTED } from './webhooks-signing.js';

const URL_EXPECTED = 'Expected an absolute http(s) URL of up to 2048 characters, without a user or password.';
const EVENTS_EXPECTED = `Expected a non-empty array of distinct event types: ${EVENT_TYPES.join(', ')}.`;

export const endpointBody = z.preprocess(
  (b) => b ?? {},
  z.strictObject(
    {
      url: z.string({ error: URL_EXPECTED }).transform((s, ctx) => {
        const url = webhookUrl(s);
        if (url !== undefined) return url;
        ctx.addIssue({ code: 'custom', message: URL_EXPECTED });
        return z.NEVER;
      }),
      events: z
        .array(z.enum(EVENT_TYPES, { error: EVENTS_EXPECTED }), { error: EVENTS_EXPECTED })
        .min(1, { error: EVENTS_EXPECTED })
        .refine((e) => new Set(e).size === e.length, { error: EVENTS_EXPECTED })
        .nullish()
        .transform((e) => e ?? [...EVENT_TYPES]),
      secret: z
        .string({ error: SECRET_EXPECTED })
        .refine(isSecret, { error: SECRET_EXPECTED })
        .nullish()
        .transform((s) => s ?? undefined),
    },
    { error: 'The request body must be a JSON object.' },
  ),
);

export const endpointParams = z.object({ endpoint_id: z.string() });
export const messageParams = z.object({ message_id: z.string() });

export const messagesQuery = pageQuery.extend({
  type: z.enum(EVENT_TYPES, { error: `Expected one of ${EVENT_TYPES.join(', ')}.` }).optional(),
  status: z.enum(['pending', 'delivered', 'failed'], { error: 'Expected pending, delivered or failed.' }).optional(),
});
