import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_S = 1_400_000_000;

// Random bytes are drawn from the CSPRNG 4 KiB at a time: one call per request was a visible cost.
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

function base62(bytes: Buffer, width: number): string {
  let n = BigInt('0x' + bytes.toString('hex'));
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, '0');
}

/** A KSUID: 4 bytes of seconds since the KSUID epoch, then 16 random bytes, as 27 base62 characters. */
export function ksuid(nowMs: number): string {
  const buf = Buffer.alloc(20);
  const seconds = Math.max(0, Math.min(0xffffffff, Math.floor(nowMs / 1000) - KSUID_EPOCH_S));
  buf.writeUInt32BE(seconds, 0);
  randomSlice(16).copy(buf, 4);
  return base62(buf, 27);
}

export const invitationId = (nowMs: number): string => `inv_${ksuid(nowMs)}`;
export const userId = (nowMs: number): string => `user_${ksuid(nowMs)}`;
export const emailId = (nowMs: number): string => `ema_${ksuid(nowMs)}`;

/** 32 lowercase hex characters: the request id, echoed as clerk_trace_id. */
export const traceId = (): string => randomSlice(16).toString('hex');

/** The invitation link's secret: 32 random bytes, URL-safe. */
export const ticketToken = (): string => randomSlice(32).toString('base64url');
