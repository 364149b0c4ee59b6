import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { redirectHref } from '../fields.js';
import type { InvitationRow } from '../invitations/table.js';
import type { AcceptStore, Refusal } from './accept-store.js';
import { type Page, pages, renderPage } from './pages.js';

/** Appends __clerk_ticket to redirect_url, keeping its query string and fragment exactly as they were. */
export function withTicket(redirectUrl: string, ticket: string): string {
  const hashAt = redirectUrl.indexOf('#');
  const base = hashAt === -1 ? redirectUrl : redirectUrl.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : redirectUrl.slice(hashAt);
  const sep = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}__clerk_ticket=${encodeURIComponent(ticket)}${hash}`;
}

/**
 * What a click on a pending invitation answers: the page, or the Location of the 303, built from the stored
 * redirect_url normalised again (rows written by older versions hold it raw); null when it is not a URL.
 */
function answerFor(row: InvitationRow, ticket: string): Page | { location: string } | null {
  if (row.redirect_url === null) return pages.accepted(row.email_address);
  const url = redirectHref(row.redirect_url);
  return 'href' in url ? { location: withTicket(url.href, ticket) } : null;
}

function refusalPage(reason: Refusal, row: InvitationRow | undefined): Page {
  if (reason === 'unknown' || !row) return pages.unknown();
  if (reason === 'unanswerable') return pages.badRedirect(row.email_address);
  if (reason === 'revoked') return pages.revoked(row.email_address);
  if (reason === 'accepted') return pages.alreadyAccepted(row.email_address);
  return pages.expired(row.email_address, row.expires_at);
}

function ticketOf(request: FastifyRequest): string | undefined {
  const ticket = (request.query as Record<string, unknown>)['ticket'];
  return typeof ticket === 'string' && ticket !== '' && ticket.length <= 200 ? ticket : undefined;
}

// The ticket is a credential in the URL: keep it out of caches and out of Referer headers.
const send = (reply: FastifyReply, page: Page, body = true): FastifyReply =>
  reply
    .code(page.status)
    .headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' })
    .type('text/html; charset=utf-8')
    .send(body ? renderPage(page) : '');

/** GET /v1/tickets/accept?ticket=…: what the invitee clicks. No bearer key; the ticket is the credential. */
const ticketPage: FastifyPluginAsync<{ accepts: AcceptStore }> = async (app, { accepts }) => {
  app.get('/v1/tickets/accept', { config: { public: true }, exposeHeadRoute: false }, async (request, reply) => {
    const ticket = ticketOf(request);
    if (ticket === undefined) return send(reply, pages.badLink());
    const result = accepts.acceptTicket(ticket, (row) => answerFor(row, ticket));
    if (!result.ok) return send(reply, refusalPage(result.reason, result.row));
    request.log.info({ invitation: result.row.id, user_created: result.userCreated }, 'invitation accepted by link');
    if (!('location' in result.answer)) return send(reply, result.answer);
    return reply
      .code(303)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .redirect(result.answer.location, 303);
  });

  // Link checkers and mail scanners send HEAD: answer what a click would get, but accept nothing.
  app.head('/v1/tickets/accept', { config: { public: true } }, async (request, reply) => {
    const ticket = ticketOf(request);
    if (ticket === undefined) return send(reply, pages.badLink(), false);
    const reason = accepts.peekTicket(ticket, (row) => answerFor(row, ticket));
    const status = reason === undefined ? 200 : reason === 'unknown' ? 404 : 400;
    return send(reply, { status, title: '', message: '' }, false);
  });
};

export default ticketPage;
