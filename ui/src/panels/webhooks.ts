import { ApiError, call } from '../api.js';
import { button, type Child, h, table, when } from '../dom.js';
import { type Ctx, definePanel } from '../panel.js';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  secret: string;
  created_at: number;
}
interface Attempt {
  at: number;
  status_code: number | null;
  error: string | null;
}
interface Message {
  id: string;
  type: string;
  endpoint_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Attempt[];
  next_attempt_at: number | null;
}
interface Data {
  endpoints: { data: Endpoint[]; total_count: number };
  messages: { data: Message[]; total_count: number };
}

const EVENTS = ['email.created', 'user.created'];
const SHOWN = 20;
const view = { status: '' };
/**
 * WEBHOOK_URL's endpoint is listed like the others; only its DELETE tells it apart (webhook_endpoint_from_config),
 * so its id (the same in every instance) is kept here once refused, and its row then says where it comes from
 * instead of offering Delete.
 */
const fromConfig = new Set<string>();
/** The messages' status filter: made once and placed in each drawing, so its value and focus survive a redraw. */
let statusFilter: HTMLSelectElement | undefined;

/** The last attempt as a person reads it: its status code, or the error when no answer came. */
const lastAttempt = (m: Message): string => {
  const last = m.attempts.at(-1);
  if (!last) return 'none yet';
  return `${m.attempts.length}, last: ${last.status_code ?? last.error ?? 'no answer'}`;
};

function copyable(text: string, label: string): Child {
  const code = h('code', { class: 'secret' }, text);
  const copy = button(
    'Copy',
    () => {
      // No clipboard outside a secure context (a LAN address over http): the secret is selected to copy by hand.
      const select = () => getSelection()?.selectAllChildren(code);
      const written = navigator.clipboard?.writeText(text);
      if (written) written.then(() => (copy.textContent = 'Copied'), select);
      else select();
    },
    { 'aria-label': `Copy the signing secret of ${label}` },
  );
  return h('span', { class: 'actions' }, code, copy);
}

function endpointsTable(endpoints: Endpoint[], ctx: Ctx): Node {
  if (endpoints.length === 0)
    return h(
      'p',
      { class: 'none' },
      'No endpoint: add one to receive email.created and user.created events, signed as Clerk signs them.',
    );
  const rows = endpoints.map((ep): Child[] => [
    [h('span', { class: 'url' }, ep.url), h('br'), h('code', { class: 'id' }, ep.id)],
    ep.events.join(', '),
    copyable(ep.secret, ep.url),
    when(ep.created_at),
    fromConfig.has(ep.id)
      ? h('span', { class: 'note' }, 'Set by WEBHOOK_URL')
      : button(
          'Delete',
          () => {
            if (!confirm(`Delete the webhook endpoint ${ep.url}? Its pending messages fail.`)) return;
            void ctx.act(`Deleted the webhook endpoint ${ep.url}.`, () =>
              call('DELETE', `/_emulator/webhooks/endpoints/${ep.id}`).catch((err: unknown) => {
                if (err instanceof ApiError && err.code === 'webhook_endpoint_from_config') fromConfig.add(ep.id);
                throw err;
              }),
            );
          },
          { class: 'danger', 'data-key': `ep-delete:${ep.id}`, 'aria-label': `Delete the webhook endpoint ${ep.url}` },
        ),
  ]);
  return table(`Webhook endpoints, ${endpoints.length}`, ['Endpoint', 'Events', 'Signing secret', 'Created', ''], rows);
}

export default definePanel<Data>({
  id: 'webhooks',
  title: 'Webhooks',
  controls(ctx) {
    const url = h('input', {
      id: 'webhook-url',
      type: 'url',
      required: true,
      placeholder: 'http://localhost:3000/api/webhooks',
      autocomplete: 'off',
    });
    const events = h(
      'select',
      { id: 'webhook-events' },
      h('option', { value: '' }, 'All events'),
      ...EVENTS.map((e) => h('option', { value: e }, e)),
    );
    statusFilter = h(
      'select',
      {
        id: 'webhook-status',
        'data-key': 'webhook-status',
        onchange: () => {
          view.status = statusFilter?.value ?? '';
          ctx.refresh();
        },
      },
      h('option', { value: '' }, 'All'),
      ...['pending', 'delivered', 'failed'].map((s) => h('option', { value: s, selected: view.status === s }, s)),
    );
    return [
      h(
        'form',
        {
          class: 'row',
          'aria-label': 'Add a webhook endpoint',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const body = { url: url.value.trim(), events: events.value === '' ? null : [events.value] };
            void ctx.act(
              (ep) => `Added the webhook endpoint ${(ep as Endpoint).url}: copy its signing secret into your app.`,
              () =>
                call<Endpoint>('POST', '/_emulator/webhooks/endpoints', { body }).then((ep) => {
                  url.value = '';
                  return ep;
                }),
            );
          },
        },
        h('label', {}, 'URL ', url),
        h('label', {}, 'Events ', events),
        h('button', { type: 'submit' }, 'Add endpoint'),
      ),
    ];
  },
  load: async () => {
    const [endpoints, messages] = await Promise.all([
      call<Data['endpoints']>('GET', '/_emulator/webhooks/endpoints'),
      call<Data['messages']>('GET', '/_emulator/webhooks/messages', {
        query: { status: view.status || undefined, limit: SHOWN },
      }),
    ]);
    return { endpoints, messages };
  },
  fingerprint: (data) => [data, view, [...fromConfig]],
  draw({ endpoints, messages }, ctx) {
    const urls = new Map(endpoints.data.map((ep) => [ep.id, ep.url]));
    const rows = messages.data.map((m): Child[] => [
      [h('span', {}, m.type), h('br'), h('code', { class: 'id' }, m.id)],
      h('span', { class: 'url' }, urls.get(m.endpoint_id) ?? `${m.endpoint_id} (deleted)`),
      h('span', { class: `badge ${m.status}` }, m.status),
      lastAttempt(m),
      m.next_attempt_at === null ? '—' : when(m.next_attempt_at),
      h(
        'div',
        { class: 'actions' },
        button(
          'Retry',
          () =>
            ctx.act(`Sending the ${m.type} message ${m.id} again now.`, () =>
              call('POST', `/_emulator/webhooks/messages/${m.id}/retry`),
            ),
          { 'data-key': `retry:${m.id}`, 'aria-label': `Retry the ${m.type} message ${m.id}` },
        ),
      ),
    ]);
    const shown =
      messages.data.length < messages.total_count ? `newest ${messages.data.length} of ${messages.total_count}` : '';
    return [
      h('h3', {}, 'Endpoints'),
      endpointsTable(endpoints.data, ctx),
      h('h3', {}, 'Messages'),
      h('div', { class: 'filters', role: 'search' }, h('label', {}, 'Message status ', statusFilter)),
      messages.data.length === 0
        ? h(
            'p',
            { class: 'none' },
            view.status === ''
              ? 'No message yet: each event sends one to every endpoint that takes it.'
              : 'No message matches.',
          )
        : table(
            `Webhook messages, newest first ${shown}`,
            ['Message', 'Endpoint', 'Status', 'Attempts', 'Next attempt', ''],
            rows,
          ),
      ...(shown ? [h('p', { class: 'note' }, `Showing the ${shown}.`)] : []),
    ];
  },
});
