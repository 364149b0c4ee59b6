import { redactTicket, redactValue } from '../http/logging.js';
import type { Recorded } from './journal-store.js';

/** A body larger than this is journaled as its size only. */
export const JOURNAL_BODY_BYTES = 16 * 1024;

/**
 * The text itself when it fits the journal's body limit, else its size in bytes; the byte count is only
 * computed when the length leaves it in doubt (a character is 1 to 3 UTF-8 bytes per UTF-16 unit).
 */
export function keepText(text: string): string | number {
  if (text.length * 3 <= JOURNAL_BODY_BYTES) return text;
  const bytes = text.length > JOURNAL_BODY_BYTES ? text.length : Buffer.byteLength(text);
  if (bytes <= JOURNAL_BODY_BYTES) return text;
  return text.length > JOURNAL_BODY_BYTES ? Buffer.byteLength(text) : bytes;
}

/** A reply payload as the journal keeps it: text or bytes within the limit, else their size. */
export function keepPayload(payload: unknown): string | Buffer | number | null {
  if (typeof payload === 'string') return payload === '' ? null : keepText(payload);
  if (Buffer.isBuffer(payload)) return payload.length > JOURNAL_BODY_BYTES ? payload.length : payload;
  return null;
}

export interface JournalRequest {
  object: 'request';
  id: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  duration_ms: number;
  created_at: number;
  request_body: unknown;
  response_body: unknown;
  fault_id: string | null;
  rate_limited: boolean;
}

function body(kept: string | Buffer | number | null): unknown {
  if (kept === null) return null;
  if (typeof kept === 'number') return { truncated: true, bytes: kept };
  try {
    return redactValue(JSON.parse(kept.toString()));
  } catch {
    return null;
  }
}

/** The path of a URL as received and its query parameters (a repeated one as an array), the ticket cut out. */
export function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const redacted = redactTicket(url);
  const at = redacted.indexOf('?');
  const path = at === -1 ? redacted : redacted.slice(0, at);
  const query: Record<string, string | string[]> = Object.create(null);
  if (at !== -1)
    for (const [rawKey, rawValue] of new URLSearchParams(redacted.slice(at + 1))) {
      // Decoding may reveal a URL that was encoded inside a value: it is cut there too.
      const k = redactTicket(rawKey);
      const v = redactTicket(rawValue);
      const seen = query[k];
      query[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
    }
  return { path, query };
}

/** One entry as GET /_emulator/requests shows it. */
export function renderEntry(r: Recorded): JournalRequest {
  const { path, query } = splitUrl(r.url);
  return {
    object: 'request',
    id: r.id,
    method: r.method,
    path,
    query,
    status: r.status,
    duration_ms: Math.round(r.durationMs * 1000) / 1000,
    created_at: r.createdAt,
    request_body: body(r.requestBody),
    response_body: body(r.responseBody),
    fault_id: r.faultId,
    rate_limited: r.rateLimited,
  };
}
