// The Clerk error catalogue as data, and the one mapper from anything thrown to the envelope.
import { STATUS_CODES } from 'node:http';

export interface ClerkErrorItem {
  message: string;
  long_message: string;
  code: string;
  meta?: Record<string, unknown>;
}

export interface ClerkErrorBody {
  errors: ClerkErrorItem[];
  clerk_trace_id: string;
}

export class ClerkError extends Error {
  readonly statusCode: number;
  readonly item: ClerkErrorItem;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, item: ClerkErrorItem, headers: Record<string, string> = {}) {
    super(item.long_message);
    this.name = 'ClerkError';
    this.statusCode = statusCode;
    this.item = item;
    this.headers = headers;
  }
}

function make(
  status: number,
  code: string,
  message: string,
  long = message,
  meta?: Record<string, unknown>,
): ClerkError {
  return new ClerkError(
    status,
    meta ? { message, long_message: long, code, meta } : { message, long_message: long, code },
  );
}

/** A request over one of the limits: "<subject> the maximum allowed <maximum>." */
const over = (status: number, code: string, message: string, subject: string, maximum: string): ClerkError =>
  make(status, code, message, `${subject} the maximum allowed ${maximum}.`);

export const errors = {
  authHeaderInvalid: () =>
    make(
      401,
      'authorization_header_format_invalid',
      'Invalid Authorization header format',
      "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
    ),
  keyInvalid: () =>
    make(
      401,
      'clerk_key_invalid',
      'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
    ),
  apiVersionInvalid: (value: string) =>
    make(
      400,
      'api_version_invalid',
      'invalid API version',
      `The Clerk-API-Version header "${value.slice(0, 40)}" is invalid. Use a date of the form YYYY-MM-DD, e.g. 2025-04-10.`,
    ),
  bodyNotJson: () =>
    make(
      400,
      'request_body_invalid',
      'Request body invalid',
      'The request body must be JSON, sent with Content-Type: application/json.',
    ),
  bodyInvalid: (why = 'The request body is invalid. Please consult the API documentation for more information.') =>
    make(400, 'request_body_invalid', 'Request body invalid', why),
  bodyTooDeep: (max: number) =>
    over(
      400,
      'request_body_invalid',
      'Request body invalid',
      'The request body is nested deeper than',
      `depth of ${max} levels`,
    ),
  bodyTooLarge: (limit: number) =>
    over(413, 'request_body_too_large', 'Request body too large', 'The request body exceeds', `size of ${limit} bytes`),
  paramMissing: (param: string, long = `${param} must be included.`) =>
    make(422, 'form_param_missing', 'is missing', long, { param_name: param }),
  emailInvalid: (param: string) =>
    make(422, 'form_param_format_invalid', 'is invalid', `${param} must be a valid email address.`, {
      param_name: param,
    }),
  urlInvalid: (param: string) =>
    make(422, 'form_param_format_invalid', 'is invalid', `${param} must be a valid URL.`, { param_name: param }),
  paramUnknown: (param: string) =>
    make(422, 'form_param_unknown', 'is unknown', `${param} is not a valid parameter for this request.`, {
      param_name: param,
    }),
  paramInvalid: (param: string, expected: string) =>
    make(422, 'form_param_value_invalid', 'is invalid', `${param} is invalid. ${expected}`, { param_name: param }),
  duplicate: (emails: string[]) =>
    make(
      400,
      'duplicate_record',
      emails.length > 1 ? 'duplicate invitations' : 'duplicate invitation',
      `There are already pending invitations for the following email addresses: ${emails.join(', ')}`,
      { email_addresses: emails },
    ),
  identifierExists: () =>
    make(422, 'form_identifier_exists', 'That email address is taken. Please try another.', undefined, {
      param_name: 'email_address',
    }),
  alreadyRevoked: () => make(400, 'invitation_already_revoked', 'Invitation is already revoked.'),
  alreadyAccepted: () =>
    make(400, 'invitation_already_accepted', 'Invitation is already accepted, try signing in instead.'),
  invitationExpired: () => make(400, 'invitation_expired', 'Invitation has expired.'),
  bulkSizeExceeded: (max: number) =>
    over(400, 'bulk_size_exceeded', 'bulk size exceeded', 'Parameters exceed', `bulk processing size of ${max}`),
  invitationNotFound: (id: string) =>
    make(404, 'resource_not_found', 'not found', `No invitation was found with id ${id.slice(0, 100)}.`),
  routeNotFound: () => make(404, 'resource_not_found', 'not found', 'The requested resource was not found.'),
  methodNotAllowed: (method: string, allow: string[]) => {
    const e = make(
      405,
      'method_not_allowed',
      'method not allowed',
      `The ${method.slice(0, 16)} method is not allowed on this resource. Allowed: ${allow.join(', ')}.`,
    );
    e.headers['allow'] = allow.join(', ');
    return e;
  },
  tooManyRequests: (retryAfter: number) =>
    new ClerkError(
      429,
      { message: 'Too many requests', long_message: 'Too many requests, retry later', code: 'too_many_requests' },
      { 'retry-after': String(retryAfter) },
    ),
  urlTooLong: (max: number) =>
    over(414, 'request_url_too_long', 'Request URL too long', 'The request URL exceeds', `length of ${max} characters`),
  tooManyQueryParams: (max: number) =>
    make(
      400,
      'too_many_query_parameters',
      'Too many query parameters',
      `The query string has more than ${max} parameters.`,
    ),
  headersTooLarge: (max: number) =>
    over(
      431,
      'request_header_fields_too_large',
      'Request headers too large',
      'The request line and headers exceed',
      `size of ${max} bytes`,
    ),
  hostNotAllowed: (header: string, name: string | undefined) =>
    make(
      403,
      'host_not_allowed',
      'Host not allowed',
      name === undefined
        ? `The Host header "${header.slice(0, 100)}" is not a valid host name.`
        : `Requests for host ${name.slice(0, 100)} are not allowed, a guard against DNS rebinding. To serve them, add ${name.slice(0, 100)} to ALLOWED_HOSTS (or --allowed-host).`,
    ),
  requestTimeout: () => make(408, 'request_timeout', 'Request timeout', 'The request was not received in time.'),
  badRequest: () => make(400, 'request_invalid', 'Bad request', 'The request is not valid HTTP.'),
  databaseBusy: (retryAfter: number) =>
    errors.databaseUnavailable('The database is busy with another writer', retryAfter),
  databaseUnavailable: (what: string, retryAfter: number) =>
    new ClerkError(
      503,
      {
        message: 'Service unavailable',
        long_message: `${what}; retry after ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
        code: 'service_unavailable',
      },
      { 'retry-after': String(retryAfter) },
    ),
  faultNotFound: (id: string) =>
    make(404, 'resource_not_found', 'not found', `No fault was found with id ${id.slice(0, 100)}.`),
  faultLimit: (holder: string, max: number) =>
    over(400, 'fault_limit_exceeded', 'Too many faults', holder, `number of faults, ${max}; delete one first`),
  webhookEndpointNotFound: (id: string) =>
    make(404, 'resource_not_found', 'not found', `No webhook endpoint was found with id ${id.slice(0, 100)}.`),
  webhookEndpointLimit: (max: number) =>
    over(
      400,
      'webhook_endpoint_limit_exceeded',
      'Too many webhook endpoints',
      'The instance has',
      `number of webhook endpoints, ${max}; delete one first`,
    ),
  webhookEndpointFromConfig: (id: string) =>
    make(
      400,
      'webhook_endpoint_from_config',
      'Set by WEBHOOK_URL',
      `The webhook endpoint ${id} comes from WEBHOOK_URL; it is removed by restarting without that setting.`,
    ),
  webhookMessageNotFound: (id: string) =>
    make(404, 'resource_not_found', 'not found', `No webhook message was found with id ${id.slice(0, 100)}.`),
  serviceUnavailable: () =>
    make(503, 'service_unavailable', 'Service unavailable', 'The service is temporarily unavailable; retry later.'),
  internal: () =>
    make(
      500,
      'internal_clerk_error',
      'Oops, an unexpected error occurred',
      "There was an internal error on our servers. We've been notified and are working on fixing it.",
    ),
} as const;

/**
 * The answer of an injected fault: the error given, else Clerk's own error for the status where it has one, else
 * a code named after the HTTP reason phrase (e.g. 409 `conflict`). Retry-After when given, and always on a 429.
 */
export function faultAnswer(
  status: number,
  error: { code: string; message: string; long_message?: string | undefined } | null,
  retryAfter: number | null,
): ClerkError {
  let clerk: ClerkError;
  if (error) clerk = make(status, error.code, error.message, error.long_message ?? error.message);
  else if (status === 429) clerk = errors.tooManyRequests(retryAfter ?? 1);
  else if (status === 500) clerk = errors.internal();
  else if (status >= 502 && status <= 504) clerk = errors.serviceUnavailable();
  else if (status === 401) clerk = errors.keyInvalid();
  else if (status === 404) clerk = errors.routeNotFound();
  else if (status === 408) clerk = errors.requestTimeout();
  else {
    const reason = STATUS_CODES[status] ?? (status < 500 ? 'Client error' : 'Server error');
    const code = reason
      .toLowerCase()
      .replace(/[^a-z]+/g, '_')
      .replace(/^_|_$/g, '');
    clerk = make(status, code, reason, `The request failed with ${status} ${reason}.`);
  }
  // The catalogue's entry keeps its own status (503 for 502 and 504): the fault's status is the one answered.
  const headers = retryAfter === null ? clerk.headers : { ...clerk.headers, 'retry-after': String(retryAfter) };
  return new ClerkError(status, clerk.item, headers);
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
}

/** What an SQLite error code says about the storage under the database, or undefined if it is not about storage. */
function storageFailure(code: string): string | undefined {
  if (code.startsWith('SQLITE_READONLY')) return 'The database cannot be written: its file or file system is read-only';
  if (code === 'SQLITE_FULL') return 'The database cannot be written: the disk is full';
  if (code.startsWith('SQLITE_IOERR')) return 'The database cannot be read or written: the disk reported an I/O error';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'The database file cannot be opened';
  return undefined;
}

/** Maps any error (ours, Fastify's, a bug) to a ClerkError. Unknown errors become a bare 500. */
export function toClerkError(err: unknown, bodyLimit: number): ClerkError {
  if (err instanceof ClerkError) return err;
  const e = (err ?? {}) as FastifyLikeError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.bodyNotJson();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return errors.bodyInvalid();
  }
  if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) {
    // Another process held the write lock past busy_timeout: a retryable condition, not a bug.
    if (/^SQLITE_(BUSY|LOCKED)/.test(e.code)) return errors.databaseBusy(1);
    // The disk refused (made read-only, filled up, failing) after start-up proved it writable: retryable once fixed.
    const what = storageFailure(e.code);
    if (what) return errors.databaseUnavailable(what, 1);
  }
  if (typeof e.statusCode === 'number' && e.statusCode === 413) return errors.bodyTooLarge(bodyLimit);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return errors.routeNotFound();
    return errors.bodyInvalid();
  }
  return errors.internal();
}

export function envelope(err: ClerkError, traceId: string): ClerkErrorBody {
  return { errors: [err.item], clerk_trace_id: traceId };
}
