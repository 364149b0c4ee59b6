// Svix's signing scheme (Standard Webhooks), which @clerk/backend's verifyWebhook checks: the one place that knows it.
import { createHmac, randomBytes } from 'node:crypto';

/** `whsec_` and standard base64 of 24 random bytes, as Svix generates. */
export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** Svix accepts a key of 24 to 75 bytes; the prefix is required, the padding optional. */
const SECRET = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
export const SECRET_EXPECTED = 'Expected whsec_ followed by the standard base64 of 24 to 75 bytes.';

export function isSecret(s: string): boolean {
  if (!SECRET.test(s)) return false;
  const bytes = Buffer.from(s.slice(6), 'base64').length;
  return bytes >= 24 && bytes <= 75;
}

export interface SignedHeaders {
  'svix-id': string;
  'svix-timestamp': string;
  'svix-signature': string;
}

/**
 * The headers of one attempt: the message id (the same on every attempt), real Unix seconds (verifyWebhook
 * refuses a timestamp more than 5 minutes from its own clock), and v1,base64(HMAC-SHA256(key, "id.timestamp.body")).
 */
export function sign(secret: string, id: string, realMs: number, body: string): SignedHeaders {
  const timestamp = String(Math.floor(realMs / 1000));
  const mac = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${mac}` };
}
