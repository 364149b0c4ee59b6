import { z } from 'zod';
import { MAX_TIME } from '../clock.js';
import { SECRET_KEY_PATTERN } from '../config.js';
import { BLANK, EMAIL_FORMAT, emailAddress, publicMetadata, redirectUrl, URL_FORMAT } from '../fields.js';
import { TEMPLATE_SLUGS } from '../invitations/model.js';

// The seed file's shape. JSON has no comments, so every object may carry a "$comment" string.
const comment = { $comment: z.string({ error: 'must be a string' }).optional() };

const timestamp = z
  .number({ error: 'must be an integer (milliseconds since 1970)' })
  .int({ error: 'must be an integer (milliseconds since 1970)' })
  .min(0, { error: 'must be 0 or more' })
  .max(MAX_TIME, { error: `must be at most ${MAX_TIME} (the year 9999)` });

const httpUrl = redirectUrl('must be an absolute http(s) URL', 'must be an absolute http(s) URL');

export const seedUser = z.strictObject({
  ...comment,
  email_address: emailAddress,
  public_metadata: publicMetadata.default({}),
  created_at: timestamp.optional(),
});

export const SEED_STATUSES = ['pending', 'accepted', 'revoked'] as const;

export const seedInvitation = z
  .strictObject({
    ...comment,
    id: z
      .string({ error: 'must be a string' })
      .regex(/^inv_[0-9A-Za-z]{27}$/, { error: 'must be inv_ followed by 27 letters or digits' })
      .optional(),
    email_address: emailAddress,
    public_metadata: publicMetadata.default({}),
    status: z
      .enum(SEED_STATUSES, {
        error: `must be one of ${SEED_STATUSES.join(', ')} (an expired invitation is a pending one with a past expires_at)`,
      })
      .default('pending'),
    redirect_url: httpUrl.optional(),
    notify: z.boolean({ error: 'must be true or false' }).default(true),
    template_slug: z
      .enum(TEMPLATE_SLUGS, { error: `must be one of ${TEMPLATE_SLUGS.join(', ')}` })
      .default('invitation'),
    expires_in_days: z
      .number({ error: 'must be an integer from 1 to 365' })
      .int({ error: 'must be an integer from 1 to 365' })
      .min(1, { error: 'must be an integer from 1 to 365' })
      .max(365, { error: 'must be an integer from 1 to 365' })
      .optional(),
    created_at: timestamp.optional(),
    updated_at: timestamp.optional(),
    expires_at: timestamp.optional(),
  })
  .superRefine((inv, ctx) => {
    if (inv.expires_at !== undefined && inv.expires_in_days !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['expires_in_days'], message: 'cannot be given together with expires_at' });
    }
    if (inv.created_at !== undefined && inv.expires_at !== undefined && inv.expires_at <= inv.created_at) {
      ctx.addIssue({ code: 'custom', path: ['expires_at'], message: 'must be after created_at' });
    }
    if (inv.created_at !== undefined && inv.updated_at !== undefined && inv.updated_at < inv.created_at) {
      ctx.addIssue({ code: 'custom', path: ['updated_at'], message: 'must not be before created_at' });
    }
  });

/** An entry that repeats what must be unique: `duplicates <where the first one is>`. */
const flagDuplicate = (ctx: z.RefinementCtx, path: PropertyKey[], first: string): void =>
  ctx.addIssue({ code: 'custom', path, message: `duplicates ${first}` });

export const seedInstance = z
  .strictObject({
    ...comment,
    secret_key: z.string({ error: 'must be a string' }).regex(SECRET_KEY_PATTERN, {
      error: 'must be a key of the form sk_test_… or sk_live_… (1-128 of A-Z a-z 0-9 _ -)',
    }),
    users: z.array(seedUser, { error: 'must be an array' }).default([]),
    invitations: z.array(seedInvitation, { error: 'must be an array' }).default([]),
  })
  .superRefine((instance, ctx) => {
    const users = new Map<string, number>();
    instance.users.forEach((u, i) => {
      const first = users.get(u.email_address);
      if (first === undefined) users.set(u.email_address, i);
      else flagDuplicate(ctx, ['users', i, 'email_address'], `users[${first}].email_address`);
    });
    // Without an id, an invitation is known by email and created_at, so entries sharing an email must differ there.
    const byEmail = new Map<string, number[]>();
    for (const [i, inv] of instance.invitations.entries()) {
      byEmail.set(inv.email_address, [...(byEmail.get(inv.email_address) ?? []), i]);
    }
    for (const indexes of byEmail.values()) {
      if (indexes.length < 2) continue;
      const seen = new Map<number, number>();
      for (const i of indexes) {
        const inv = instance.invitations[i]!;
        if (inv.id !== undefined) continue;
        const at = inv.created_at;
        const clash = at === undefined ? undefined : seen.get(at);
        if (at === undefined || clash !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['invitations', i],
            message:
              'shares its email_address with another invitation of this instance: give each an id or a distinct created_at',
          });
        } else seen.set(at, i);
      }
    }
  });

export const seedFile = z
  .strictObject(
    {
      ...comment,
      instances: z.array(seedInstance, { error: 'must be an array' }),
    },
    { error: 'must be a JSON object with an "instances" array' },
  )
  .superRefine((file, ctx) => {
    const keys = new Map<string, number>();
    const ids = new Map<string, string>();
    file.instances.forEach((instance, n) => {
      const first = keys.get(instance.secret_key);
      if (first === undefined) keys.set(instance.secret_key, n);
      else flagDuplicate(ctx, ['instances', n, 'secret_key'], `instances[${first}].secret_key`);
      instance.invitations.forEach((inv, i) => {
        if (inv.id === undefined) return;
        const where = `instances[${n}].invitations[${i}].id`;
        const earlier = ids.get(inv.id);
        if (earlier === undefined) ids.set(inv.id, where);
        else flagDuplicate(ctx, ['instances', n, 'invitations', i, 'id'], earlier);
      });
    });
  });

export type SeedFile = z.output<typeof seedFile>;
export type SeedInvitation = z.output<typeof seedInvitation>;

/** `instances[0].invitations[2].email_address`, the way a person finds the entry in the file. */
export function seedPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** One line for the first problem: where it is and what is wrong. */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'unrecognized_keys')
    return `${seedPath([...issue.path, issue.keys[0] ?? ''])}: is not a known field`;
  const where = issue.path.length === 0 ? '(top level)' : seedPath(issue.path);
  if (issue.code === 'custom' && issue.params?.['kind'] === EMAIL_FORMAT)
    return `${where}: must be a valid email address`;
  if (issue.code === 'custom' && issue.params?.['kind'] === BLANK) return `${where}: must not be empty`;
  if (issue.code === 'custom' && issue.params?.['kind'] === URL_FORMAT)
    return `${where}: must be a valid URL (no control characters, no whitespace at either end)`;
  if (issue.code === 'invalid_type' && value === undefined) return `${where}: is required`;
  return `${where}: ${issue.message}`;
}
