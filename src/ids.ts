import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_S = 1_400_000_000;
/** The largest time a ticket's 9 base36 digits hold: the year 5188. */
const TICKET_TIME_MAX = 36 ** 9 - 1;

// Random bytes come from the CSPRNG a pool at a time, not a call per id (BENCHMARKS.md, "Measurements behind the code").
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomSlice(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/**
 * base62 of a big-endian number, by long division over 16-bit digits rather than a BigInt (BENCHMARKS.md).
 * Digits of the quotient that are all zero drop off, so the loop shrinks as it goes.
 */
export function base62(bytes: Buffer, width: number): string {
  const digits: number[] = [];
  if (bytes.length % 2 === 1) digits.push(bytes[0]!);
  for (let i = bytes.length % 2; i < bytes.length; i += 2) digits.push((bytes[i]! << 8) | bytes[i + 1]!);
  let out = '';
  let start = 0;
  while (start < digits.length) {
    let rem = 0;
    for (let i = start; i < digits.length; i++) {
      const acc = rem * 65536 + digits[i]!;
      digits[i] = Math.floor(acc / 62);
      rem = acc % 62;
    }
    out = ALPHABET[rem] + out;
    while (start < digits.length && digits[start] === 0) start++;
  }
  return out.padStart(width, '0');
}

/**
 * A KSUID: 4 bytes of seconds since the KSUID epoch and a 16-byte payload, as 27 base62 characters. The
 * payload starts with the millisecond within that second (2 bytes), then 14 random bytes (112 bits), so
 * ids sort by time to the millisecond and each unique index takes a new id at its right edge, not on a
 * random page (BENCHMARKS.md).
 */
export function ksuid(nowMs: number): string {
  const buf = Buffer.alloc(20);
  const ms = Math.floor(nowMs);
  const seconds = Math.max(0, Math.min(0xffffffff, Math.floor(ms / 1000) - KSUID_EPOCH_S));
  buf.writeUInt32BE(seconds, 0);
  buf.writeUInt16BE(((ms % 1000) + 1000) % 1000, 4);
  randomSlice(14).copy(buf, 6);
  return base62(buf, 27);
}

export const invitationId = (nowMs: number): string => `inv_${ksuid(nowMs)}`;
export const userId = (nowMs: number): string => `user_${ksuid(nowMs)}`;
export const instanceId = (nowMs: number): string => `ins_${ksuid(nowMs)}`;
export const endpointId = (nowMs: number): string => `ep_${ksuid(nowMs)}`;
/** A webhook message, and its svix-id on every attempt. */
export const messageId = (nowMs: number): string => `msg_${ksuid(nowMs)}`;
/** An email address of a user (Clerk's `idn_` ids). */
export const identificationId = (nowMs: number): string => `idn_${ksuid(nowMs)}`;
export const emailId = (nowMs: number): string => `ema_${ksuid(nowMs)}`;

/** 32 lowercase hex characters: the request id, echoed as clerk_trace_id. */
export const traceId = (): string => randomSlice(16).toString('hex');

/**
 * The invitation link's secret, 43 URL-safe characters: the creation time in milliseconds as 9 base36
 * digits, so that tokens sort by time (for the same reason as the ids), then 25 random bytes (200 bits) as
 * 34 base64url characters.
 */
export const ticketToken = (nowMs: number): string =>
  Math.max(0, Math.min(TICKET_TIME_MAX, Math.floor(nowMs)))
    .toString(36)
    .padStart(9, '0') + randomSlice(25).toString('base64url');
