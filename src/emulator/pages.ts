// The few HTML pages a person sees after clicking an invitation link. Everything interpolated is escaped.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

export interface Page {
  status: number;
  title: string;
  message: string;
}

export function renderPage({ title, message }: Page): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · clerk-invitations-mock</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
small{color:#666}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><small>Served by clerk-invitations-mock, a local emulator of Clerk invitations.</small></p>
</body>
</html>
`;
}

const day = (ms: number): string => new Date(ms).toISOString();

export const pages = {
  accepted: (email: string): Page => ({
    status: 200,
    title: 'Invitation accepted',
    message: `The invitation for ${email} was accepted, and ${email} is now a user of this instance.`,
  }),
  badLink: (): Page => ({
    status: 400,
    title: 'Invalid invitation link',
    message: 'This link does not carry an invitation ticket. Open the link exactly as it was sent.',
  }),
  unknown: (): Page => ({
    status: 404,
    title: 'Invitation not found',
    message: 'No invitation matches this link. It may have been deleted, or the emulator was reset.',
  }),
  revoked: (email: string): Page => ({
    status: 400,
    title: 'Invitation revoked',
    message: `The invitation for ${email} was revoked and can no longer be accepted.`,
  }),
  alreadyAccepted: (email: string): Page => ({
    status: 400,
    title: 'Invitation already accepted',
    message: `The invitation for ${email} has already been accepted. Try signing in instead.`,
  }),
  badRedirect: (email: string): Page => ({
    status: 400,
    title: 'Invitation redirect_url is not valid',
    message: `The invitation for ${email} was not accepted: its redirect_url, stored by an older version, is not a valid URL. Revoke it and invite again with a valid redirect_url.`,
  }),
  expired: (email: string, expiresAt: number): Page => ({
    status: 400,
    title: 'Invitation expired',
    message: `The invitation for ${email} expired at ${day(expiresAt)} and can no longer be accepted.`,
  }),
} as const;
