import { baseUrl, call } from '../api.js';
import { button, type Child, h, table, when } from '../dom.js';
import { definePanel } from '../panel.js';

interface Invitation {
  id: string;
  email_address: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expires_at: number;
  created_at: number;
}
interface Page {
  data: Invitation[];
  total_count: number;
}

const PAGE = 10;
const view = { status: '', query: '', offset: 0 };

const FILTERS: [string, string][] = [
  ['', 'All but revoked'],
  ['pending', 'Pending'],
  ['accepted', 'Accepted'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
];

/** What to run when the instance has no invitation yet, with this emulator's own base URL. */
function emptyState(): Node[] {
  const base = baseUrl();
  const curl = [
    `curl -X POST ${base}/v1/invitations \\`,
    '  -H "Authorization: Bearer $CLERK_SECRET_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d '{"email_address":"ada@example.com"}'`,
  ].join('\n');
  const node = [
    "import { createClerkClient } from '@clerk/backend';",
    '',
    `const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl: '${base}' });`,
    "await clerk.invitations.createInvitation({ emailAddress: 'ada@example.com' });",
  ].join('\n');
  const snippet = (label: string, text: string) => {
    const pre = h('pre', { tabindex: 0, 'aria-label': label }, h('code', {}, text));
    const copy = button('Copy', () => {
      navigator.clipboard?.writeText(text).then(
        () => (copy.textContent = 'Copied'),
        () => getSelection()?.selectAllChildren(pre),
      );
    });
    return h('figure', {}, h('figcaption', {}, label, ' ', copy), pre);
  };
  return [
    h(
      'div',
      { class: 'empty' },
      h('p', {}, h('strong', {}, 'No invitations yet.'), ' Create one with the same key, and it appears here:'),
      snippet('curl', curl),
      snippet('@clerk/backend', node),
    ),
  ];
}

export default definePanel<Page>({
  id: 'invitations',
  title: 'Invitations',
  controls(ctx) {
    const status = h(
      'select',
      {
        id: 'inv-status',
        onchange: () => {
          view.status = status.value;
          view.offset = 0;
          ctx.refresh();
        },
      },
      ...FILTERS.map(([value, label]) => h('option', { value }, label)),
    );
    let timer: number | undefined;
    const search = h('input', {
      id: 'inv-query',
      type: 'search',
      placeholder: 'ada@example.com or inv_…',
      autocomplete: 'off',
      oninput: () => {
        clearTimeout(timer);
        timer = window.setTimeout(() => {
          view.query = search.value.trim();
          view.offset = 0;
          ctx.refresh();
        }, 250);
      },
    });
    return [
      h(
        'div',
        { class: 'filters', role: 'search' },
        h('label', {}, 'Status ', status),
        h('label', {}, 'Search ', search),
      ),
    ];
  },
  load: () =>
    call<Page>('GET', '/_emulator/invitations', {
      query: { status: view.status || undefined, query: view.query || undefined, limit: PAGE, offset: view.offset },
    }),
  fingerprint: (page) => [page, view],
  draw(page, ctx) {
    if (page.total_count === 0 && view.status === '' && view.query === '') return emptyState();
    if (page.data.length === 0 && page.total_count > 0 && view.offset > 0) {
      view.offset = Math.max(0, view.offset - PAGE);
      ctx.refresh();
    }
    const from = page.total_count === 0 ? 0 : view.offset + 1;
    const to = view.offset + page.data.length;
    const range = `${from}–${to} of ${page.total_count}`;
    const rows = page.data.map((inv): Child[] => [
      h('span', { class: 'email' }, inv.email_address),
      h('span', { class: `badge ${inv.status}` }, inv.status),
      when(inv.created_at),
      when(inv.expires_at),
      h(
        'div',
        { class: 'actions' },
        inv.status === 'pending' &&
          button(
            'Accept',
            () =>
              ctx.act(`Accepted the invitation for ${inv.email_address}.`, () =>
                call('POST', `/_emulator/invitations/${inv.id}/accept`),
              ),
            { 'data-key': `accept:${inv.id}`, 'aria-label': `Accept the invitation for ${inv.email_address}` },
          ),
        (inv.status === 'pending' || inv.status === 'expired') &&
          button(
            'Revoke',
            () =>
              ctx.act(`Revoked the invitation for ${inv.email_address}.`, () =>
                call('POST', `/_emulator/invitations/${inv.id}/revoke`),
              ),
            { 'data-key': `revoke:${inv.id}`, 'aria-label': `Revoke the invitation for ${inv.email_address}` },
          ),
        button(
          'Delete',
          () => {
            if (!confirm(`Delete the invitation for ${inv.email_address}? Its email leaves the outbox too.`)) return;
            void ctx.act(`Deleted the invitation for ${inv.email_address}.`, () =>
              call('DELETE', `/_emulator/invitations/${inv.id}`),
            );
          },
          {
            class: 'danger',
            'data-key': `delete:${inv.id}`,
            'aria-label': `Delete the invitation for ${inv.email_address}`,
          },
        ),
      ),
    ]);
    const move = (offset: number) => () => {
      view.offset = offset;
      ctx.refresh();
    };
    return [
      page.data.length === 0
        ? h('p', { class: 'none' }, 'No invitation matches.')
        : table(`Invitations, ${range}`, ['Email', 'Status', 'Created', 'Expires', 'Actions'], rows),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Invitation pages' },
        button('Previous', move(Math.max(0, view.offset - PAGE)), {
          disabled: view.offset === 0,
          'data-key': 'inv-prev',
        }),
        h('span', { class: 'range' }, range),
        button('Next', move(view.offset + PAGE), { disabled: to >= page.total_count, 'data-key': 'inv-next' }),
      ),
    ];
  },
});
