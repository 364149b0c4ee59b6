// Every call the page makes: the JSON routes with the bearer key, which lives in this tab's sessionStorage
// only (never a URL, a cookie or a log line), so no other tab or site can send it.

const STORAGE = 'clerk-invitations-mock.key';

/** An error as a person reads it: Clerk's long message, its code, and the trace id to find it in the log. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly traceId: string | undefined,
  ) {
    super(message);
  }
}

interface Envelope {
  errors?: { message?: string; long_message?: string; code?: string }[];
  clerk_trace_id?: string;
}

export const savedKey = (): string => sessionStorage.getItem(STORAGE) ?? '';
export const saveKey = (key: string): void => sessionStorage.setItem(STORAGE, key);
export const forgetKey = (): void => sessionStorage.removeItem(STORAGE);

/** The emulator's base URL: where the page was served from, less /_emulator/ui (a proxy may add a prefix). */
export const baseUrl = (): string => location.origin + location.pathname.replace(/\/_emulator\/ui\/?$/, '');

export type Query = Record<string, string | number | undefined>;

export async function call<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}) {
  const url = new URL(baseUrl() + path);
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  const headers: Record<string, string> = { authorization: `Bearer ${savedKey()}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'omit',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiError('The emulator did not answer. Is it still running?', 0, undefined, undefined);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const env = (json ?? {}) as Envelope;
    const first = env.errors?.[0];
    const message = first?.long_message ?? first?.message ?? `The emulator answered ${res.status}.`;
    throw new ApiError(message, res.status, first?.code, env.clerk_trace_id);
  }
  return json as T;
}

/** A short form of the key for the page (as the server's logs redact it): its first 12 characters. */
export const shortKey = (key: string): string => (key.length > 12 ? `${key.slice(0, 12)}…` : key);
