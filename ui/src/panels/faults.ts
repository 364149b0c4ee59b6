import { call } from '../api.js';
import { button, h, table } from '../dom.js';
import { definePanel } from '../panel.js';

interface Fault {
  id: string;
  method: string;
  path: string;
  status: number | null;
  delay_ms: number;
  close: boolean;
  when: string;
  remaining: number | null;
  hits: number;
}

const effect = (f: Fault): string =>
  [f.status !== null && `answer ${f.status}`, f.delay_ms > 0 && `wait ${f.delay_ms} ms`, f.close && 'close']
    .filter(Boolean)
    .join(', ');

export default definePanel<{ data: Fault[]; total_count: number }>({
  id: 'faults',
  title: 'Faults',
  controls(ctx) {
    const method = h(
      'select',
      { id: 'fault-method' },
      ...['*', 'GET', 'POST', 'DELETE'].map((m) => h('option', {}, m)),
    );
    const path = h('input', { id: 'fault-path', value: '*', size: 24, autocomplete: 'off' });
    const status = h('input', { id: 'fault-status', type: 'number', min: 400, max: 599, value: 503 });
    const times = h('input', { id: 'fault-times', type: 'number', min: 1, value: 1, placeholder: 'until deleted' });
    const when = h(
      'select',
      { id: 'fault-when' },
      h('option', { value: 'before' }, 'before'),
      h('option', { value: 'after' }, 'after (write happens)'),
    );
    return [
      h(
        'form',
        {
          class: 'row',
          'aria-label': 'Add a fault',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const body = {
              method: method.value,
              path: path.value.trim() || '*',
              status: Number(status.value),
              times: times.value === '' ? null : Number(times.value),
              when: when.value,
            };
            void ctx.act('Added a fault.', () => call('POST', '/_emulator/faults', { body }));
          },
        },
        h('label', {}, 'Method ', method),
        h('label', {}, 'Path ', path),
        h('label', {}, 'Status ', status),
        h('label', {}, 'Times ', times),
        h('label', {}, 'When ', when),
        h('button', { type: 'submit' }, 'Add fault'),
      ),
    ];
  },
  load: () => call('GET', '/_emulator/faults'),
  draw(page, ctx) {
    if (page.total_count === 0)
      return [h('p', { class: 'none' }, 'No faults: every /v1 request is answered as usual.')];
    const rows = page.data.map((f) => [
      h('code', {}, `${f.method} ${f.path}`),
      effect(f),
      f.when,
      f.remaining === null ? 'until deleted' : String(f.remaining),
      String(f.hits),
      button('Delete', () => ctx.act('Deleted the fault.', () => call('DELETE', `/_emulator/faults/${f.id}`)), {
        'data-key': `fault:${f.id}`,
        'aria-label': `Delete the fault on ${f.method} ${f.path}`,
      }),
    ]);
    return [
      table('Faults, applied in this order', ['Route', 'Effect', 'When', 'Left', 'Hits', ''], rows),
      button('Delete all faults', () => ctx.act('Deleted every fault.', () => call('DELETE', '/_emulator/faults')), {
        class: 'danger',
        'data-key': 'faults-clear',
      }),
    ];
  },
});
