import { call } from '../api.js';
import { button, h, table, when } from '../dom.js';
import { definePanel } from '../panel.js';

interface Entry {
  id: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  created_at: number;
  fault_id: string | null;
  rate_limited: boolean;
}

export default definePanel<{ data: Entry[]; total_count: number }>({
  id: 'journal',
  title: 'Request journal',
  load: () => call('GET', '/_emulator/requests', { query: { limit: 20 } }),
  draw(page, ctx) {
    if (page.total_count === 0)
      return [h('p', { class: 'none' }, 'No /v1 request yet (or JOURNAL_SIZE=0 turned the journal off).')];
    const rows = page.data.map((e) => [
      when(e.created_at),
      h('code', {}, `${e.method} ${e.path}`),
      h(
        'span',
        { class: e.status >= 400 || e.status === 0 ? 'bad' : 'ok' },
        e.status === 0 ? 'closed' : String(e.status),
      ),
      `${Math.round(e.duration_ms)} ms`,
      e.fault_id ? `fault ${e.fault_id}` : e.rate_limited ? 'rate limited' : '',
    ]);
    return [
      table(
        `Request journal, newest ${page.data.length} of ${page.total_count}`,
        ['At', 'Request', 'Status', 'Took', 'Note'],
        rows,
      ),
      button('Clear the journal', () => ctx.act('Cleared the journal.', () => call('DELETE', '/_emulator/requests')), {
        'data-key': 'journal-clear',
      }),
    ];
  },
});
