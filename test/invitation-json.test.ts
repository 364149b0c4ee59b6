import t from 'tap';
import { invitationJson, toInvitation } from '../src/invitations/model.js';
import type { InvitationRow } from '../src/invitations/table.js';

// The list writes invitations as text straight from the rows; it must be byte for byte what
// JSON.stringify(toInvitation(row)) gives, for every status and any stored metadata.
const NOW = 1_790_718_468_757;
const base: InvitationRow = {
  id: 'inv_3K1I63Ew6FCtVnc4qwZU69JqyZB',
  email_address: 'ada@example.com',
  public_metadata: '{}',
  status: 'pending',
  redirect_url: null,
  template_slug: 'invitation',
  notify: 1,
  ticket: 'tkt_-abc',
  expires_at: NOW + 1,
  created_at: NOW - 5,
  updated_at: NOW - 5,
};
const metadata = {
  camelCase: { nested: [1, 'two', null, true] },
  quote: 'a "b" \\ c',
  unicode: 'Zoë ✓ \u2028',
  empty: {},
};

const rows: [string, InvitationRow][] = [
  ['pending, no metadata', base],
  ['pending with nested metadata', { ...base, public_metadata: JSON.stringify(metadata) }],
  ['expired', { ...base, expires_at: NOW }],
  ['accepted', { ...base, status: 'accepted' }],
  ['revoked', { ...base, status: 'revoked', public_metadata: JSON.stringify(metadata) }],
  ['an email that needs escaping', { ...base, email_address: 'o\'brien+"x"@example.com' }],
];

for (const [name, row] of rows) {
  t.test(`invitationJson equals JSON.stringify(toInvitation) for ${name}`, async (t) => {
    t.equal(
      invitationJson(row, NOW, 'http://localhost:4010'),
      JSON.stringify(toInvitation(row, NOW, 'http://localhost:4010')),
    );
  });
}
