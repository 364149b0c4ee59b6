import { call } from '../api.js';
import { h, span, table } from '../dom.js';
import { definePanel } from '../panel.js';

interface Limits {
  profile: 'off' | 'dev' | 'prod';
  limits: { name: string; limit: number; window_ms: number; used: number; retry_after_ms: number }[];
}

export default definePanel<Limits>({
  id: 'rate-limits',
  title: 'Rate limits',
  load: () => call('GET', '/_emulator/rate-limits'),
  draw(data, ctx) {
    const profile = h(
      'select',
      {
        id: 'rl-profile',
        'data-key': 'rl-profile',
        onchange: () =>
          ctx.act(`Rate limits: ${profile.value}.`, () =>
            call('POST', '/_emulator/rate-limits', { body: { profile: profile.value } }),
          ),
      },
      ...['off', 'dev', 'prod'].map((p) => h('option', { value: p, selected: p === data.profile }, p)),
    );
    const rows = data.limits.map((l) => [
      h('code', {}, l.name),
      `${l.used} of ${l.limit}`,
      span(l.window_ms),
      l.retry_after_ms > 0 ? span(l.retry_after_ms) : '—',
    ]);
    return [
      h('label', { class: 'row' }, 'Profile ', profile),
      data.limits.length === 0
        ? h('p', { class: 'none' }, 'Off: no /v1 request of this instance is limited.')
        : table('Rate limits', ['Limit', 'Used', 'Window', 'Retry after'], rows),
    ];
  },
});
