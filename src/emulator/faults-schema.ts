import { z } from 'zod';
import { MAX_DELAY_MS } from './faults-store.js';

const STATUS = 'Expected an integer HTTP status from 400 to 599, or null.';
const DELAY = `Expected an integer number of milliseconds from 0 to ${MAX_DELAY_MS}.`;
const TIMES = 'Expected an integer from 1 to 1000000, or null (until deleted).';
const PROBABILITY = 'Expected a number from 0 to 1.';
const RETRY_AFTER = 'Expected an integer number of seconds from 0 to 86400, or null.';
const CODE = 'Expected a lower-case code of letters, digits and underscores, up to 100 characters.';
const TEXT = 'Expected a non-empty string of up to 2000 characters.';

export const NEEDS_EFFECT = 'Send status, delay_ms above 0, or close: true.';
export const CLOSE_ALONE =
  'A closed connection answers nothing: send close: true without status, error or retry_after.';
export const NEEDS_STATUS = 'It shapes the answer of a status: send status too.';
export const PATH_EXPECTED =
  'Expected * or a route of /v1 as openapi.yaml writes it, e.g. /v1/invitations/{id}/revoke.';

const int = (min: number, max: number, error: string) =>
  z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
const text = z.string({ error: TEXT }).min(1, { error: TEXT }).max(2000, { error: TEXT });

/** A fault as posted; the route checks what spans fields (an effect, close alone, a status for error and retry_after). */
export const faultBody = (knowsPath: (path: string) => boolean) =>
  z.preprocess(
    (b) => b ?? {},
    z.strictObject(
      {
        method: z.enum(['GET', 'POST', 'DELETE', '*'], { error: 'Expected GET, POST, DELETE or *.' }).default('*'),
        path: z.string({ error: PATH_EXPECTED }).refine(knowsPath, { error: PATH_EXPECTED }).default('*'),
        status: int(400, 599, STATUS).nullable().default(null),
        error: z
          .strictObject(
            {
              code: z.string({ error: CODE }).regex(/^[a-z][a-z0-9_]{0,99}$/, { error: CODE }),
              message: text,
              long_message: text.optional(),
            },
            { error: 'Expected an object with code, message and optionally long_message, or null.' },
          )
          .nullable()
          .default(null),
        delay_ms: int(0, MAX_DELAY_MS, DELAY).default(0),
        close: z.boolean({ error: 'Expected true or false.' }).default(false),
        when: z.enum(['before', 'after'], { error: 'Expected before or after.' }).default('before'),
        times: int(1, 1_000_000, TIMES).nullable().default(null),
        probability: z
          .number({ error: PROBABILITY })
          .min(0, { error: PROBABILITY })
          .max(1, { error: PROBABILITY })
          .default(1),
        retry_after: int(0, 86_400, RETRY_AFTER).nullable().default(null),
      },
      { error: 'The request body must be a JSON object.' },
    ),
  );

export const faultParams = z.object({ fault_id: z.string() });
