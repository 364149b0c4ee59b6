// Field schemas shared by the routes and the seed file: email addresses, metadata, URLs, query integers.
import { domainToASCII } from 'node:url';
import { z } from 'zod';

/** Markers on refinements, so that a failure maps to Clerk's code for it (http/validation.ts, seed/schema.ts). */
export const EMAIL_FORMAT = 'email_format';
export const BLANK = 'blank';

/** The value at a zod issue's path in the data that was parsed. */
export function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** A query-string integer within [min, max], from its decimal digits only. */
export const integerParam = (min: number, max: number, expected: string) =>
  z
    .string({ error: expected })
    .regex(/^\d{1,15}$/, { error: expected })
    .transform(Number)
    .pipe(z.number().min(min, { error: expected }).max(max, { error: expected }));

// Dot-atoms in the local part (no leading, trailing or doubled dot); LDH labels in the domain.
const ATOM = /[^\s@"(),:;<>[\\\].]+/.source;
const LABEL = /[a-z0-9](?:[a-z0-9-]*[a-z0-9])?/.source;
const EMAIL_PATTERN = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);
const MAX_EMAIL_LENGTH = 320;

/** Characters that show as nothing or reorder text: controls, format characters (zero-width, bidi, soft hyphen, BOM), lone surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

/**
 * The one stored form of a trimmed, lower-cased address, or undefined when it is not an address: NFC, and an
 * internationalised domain becomes its punycode (UTS #46, as browsers do), so both spellings are one address.
 */
function canonicalEmail(given: string): string | undefined {
  // NFC: a letter typed composed (é) or decomposed (e + U+0301) is one address.
  const folded = given.normalize('NFC');
  if (folded.length > MAX_EMAIL_LENGTH || INVISIBLE.test(folded)) return undefined;
  const at = folded.lastIndexOf('@');
  // An ASCII domain is kept as typed, so every address that was valid before is stored as before.
  const email =
    at >= 0 && /[^\p{ASCII}]/u.test(folded.slice(at + 1))
      ? `${folded.slice(0, at)}@${domainToASCII(folded.slice(at + 1))}`
      : folded;
  return email.length <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email) ? email : undefined;
}

/** What an address is looked up by (the outbox's ?to=): its stored form, or, when not valid, trimmed and lower-cased. */
export function emailLookupKey(raw: string): string {
  const folded = raw.trim().toLowerCase();
  return canonicalEmail(folded) ?? folded;
}

/** A trimmed, lower-cased email address in its stored form; a malformed one fails with form_param_format_invalid. */
export const emailAddress = z
  .string({ error: 'Expected a string.' })
  .trim()
  .toLowerCase()
  .refine((s) => s !== '', { params: { kind: BLANK }, abort: true })
  .transform((s, ctx) => {
    const email = canonicalEmail(s);
    if (email === undefined) ctx.addIssue({ code: 'custom', input: s, params: { kind: EMAIL_FORMAT } });
    return email ?? s;
  });

const MAX_METADATA_DEPTH = 10;
export const MAX_METADATA_BYTES = 8192;

/** Whether v nests deeper than max; stops descending past max, so hostile depth cannot exhaust the stack. */
function nestsDeeperThan(v: unknown, max: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (max === 0) return true;
  return Object.values(v).some((child) => nestsDeeperThan(child, max - 1));
}

export const publicMetadata = z
  .record(z.string(), z.unknown(), { error: 'Expected a JSON object.' })
  .refine((m) => !nestsDeeperThan(m, MAX_METADATA_DEPTH), {
    error: `Expected an object nested at most ${MAX_METADATA_DEPTH} levels deep.`,
    abort: true,
  })
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES, {
    error: `Expected at most ${MAX_METADATA_BYTES} bytes of JSON.`,
  });

export const URL_FORMAT = 'url_format';
export const MAX_URL_LENGTH = 2048;

const isControl = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

/** C0, DEL or C1 controls anywhere (CR/LF would split a header), or whitespace at either end, which URL parsing drops silently. */
function notUrlText(s: string): boolean {
  if (/^\s|\s$/.test(s)) return true;
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
}

/**
 * A redirect URL as stored and sent: the WHATWG href of an absolute http(s) URL (percent-encoded UTF-8, so
 * ASCII that a Location header can carry), or why it is not one: 'format' for characters no URL may carry,
 * 'value' for anything else.
 */
export function redirectHref(s: string): { href: string } | { error: 'format' | 'value' } {
  if (s.length > MAX_URL_LENGTH) return { error: 'value' };
  if (notUrlText(s)) return { error: 'format' };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { error: 'value' };
  }
  const ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.href.length <= MAX_URL_LENGTH;
  return ok ? { href: u.href } : { error: 'value' };
}

/** A redirect_url field, stored normalised; `typeError` and `notHttp` are the caller's wording for those failures. */
export const redirectUrl = (typeError: string, notHttp: string) =>
  z.string({ error: typeError }).transform((s, ctx) => {
    const r = redirectHref(s);
    if ('href' in r) return r.href;
    if (r.error === 'format') ctx.addIssue({ code: 'custom', params: { kind: URL_FORMAT } });
    else ctx.addIssue({ code: 'custom', message: notHttp });
    return z.NEVER;
  });
