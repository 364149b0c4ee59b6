import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { type ClerkError, errors } from '../errors.js';
import { BLANK, EMAIL_FORMAT, URL_FORMAT, valueAt } from '../fields.js';

// Clerk reports one failure, in this order: unknown key, bad value, missing value, bad email format.
const RANK = { root: 0, unknown: 1, invalid: 2, missing: 3, format: 4 } as const;

function paramName(path: PropertyKey[]): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  return names.join('.') || 'body';
}

function toClerk(issue: z.core.$ZodIssue, data: unknown): { rank: number; error: ClerkError } {
  const param = paramName(issue.path);
  // A failure of the body itself or of a whole bulk item (path [] or [n]) is about the body's shape, not a parameter.
  if (!issue.path.some((p) => typeof p === 'string') && issue.code !== 'unrecognized_keys') {
    if (issue.code === 'too_big' && issue.origin === 'array')
      return { rank: RANK.root, error: errors.bulkSizeExceeded(Number(issue.maximum)) };
    return { rank: RANK.root, error: errors.bodyInvalid(issue.message) };
  }
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return { rank: RANK.unknown, error: errors.paramUnknown(paramName([...issue.path, key])) };
  }
  if (issue.code === 'custom' && issue.params?.['kind'] === EMAIL_FORMAT)
    return { rank: RANK.format, error: errors.emailInvalid(param) };
  if (issue.code === 'custom' && issue.params?.['kind'] === URL_FORMAT)
    return { rank: RANK.format, error: errors.urlInvalid(param) };
  if (issue.code === 'custom' && issue.params?.['kind'] === BLANK)
    return { rank: RANK.missing, error: errors.paramMissing(param) };
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) == null)
    return { rank: RANK.missing, error: errors.paramMissing(param) };
  return { rank: RANK.invalid, error: errors.paramInvalid(param, issue.message) };
}

/** The first Clerk error for a failed parse, by Clerk's validation order, then by field order. */
export function clerkErrorFromZod(error: z.ZodError, data: unknown): ClerkError {
  let best: { rank: number; error: ClerkError } | undefined;
  for (const issue of error.issues) {
    const mapped = toClerk(issue, data);
    if (!best || mapped.rank < best.rank) best = mapped;
  }
  return best?.error ?? errors.bodyInvalid();
}

export function parseWith<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw clerkErrorFromZod(result.error, data);
  return result.data;
}

/** Fastify validator compiler for zod route schemas that fails with the Clerk error itself. */
export const clerkValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    try {
      return { value: parseWith(schema, data) };
    } catch (err) {
      return { error: err as Error };
    }
  };
