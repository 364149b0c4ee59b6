import { call } from '../api.js';
import { h, table, when } from '../dom.js';
import { definePanel } from '../panel.js';

interface Email {
  id: string;
  to_email_address: string;
  template_slug: string;
  invitation_id: string;
  url: string;
  created_at: number;
}

export default definePanel<{ data: Email[]; total_count: number }>({
  id: 'outbox',
  title: 'Outbox',
  load: () => call('GET', '/_emulator/emails', { query: { limit: 20 } }),
  draw(page) {
    if (page.total_count === 0)
      return [h('p', { class: 'none' }, 'No email sent yet: each invitation created with notify sends one.')];
    // The link is the invitee's: opening it runs the ticket flow in a new tab, as a click in the email would.
    const rows = page.data.map((email) => [
      h('span', { class: 'email' }, email.to_email_address),
      email.template_slug,
      when(email.created_at),
      h(
        'a',
        {
          href: email.url,
          target: '_blank',
          rel: 'noopener noreferrer',
          'data-key': `open:${email.id}`,
          'aria-label': `Open the invitation link sent to ${email.to_email_address}`,
        },
        'Open invitation link',
      ),
    ]);
    const shown = page.data.length < page.total_count ? `newest ${page.data.length} of ${page.total_count}` : '';
    return [
      table(`Outbox, newest first ${shown}`, ['To', 'Template', 'Sent', 'Link'], rows),
      ...(shown ? [h('p', { class: 'note' }, `Showing the ${shown}.`)] : []),
    ];
  },
});
