import { call } from '../api.js';
import { button, h, span, when } from '../dom.js';
import { definePanel } from '../panel.js';

interface Clock {
  now: number;
  offset_ms: number;
  real_now: number;
}

const STEPS: [string, number][] = [
  ['+1 hour', 3_600_000],
  ['+1 day', 86_400_000],
  ['+7 days', 7 * 86_400_000],
  ['+30 days', 30 * 86_400_000],
];

/** The offset last read: the shown time ticks from it every second without asking the server. */
let offset = 0;
let ticking: number | undefined;

/** A datetime-local value (local time, to the minute) for the instance's now. */
const localInput = (ms: number): string => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export default definePanel<Clock>({
  id: 'clock',
  title: 'Clock',
  controls(ctx) {
    const now = h('output', { id: 'clock-now', 'aria-live': 'off' }, when(Date.now()));
    clearInterval(ticking);
    ticking = window.setInterval(() => {
      now.textContent = when(Date.now() + offset);
    }, 1000);
    const at = h('input', { id: 'clock-set', type: 'datetime-local', step: 60 });
    const advance = (label: string, ms: number) =>
      button(
        label,
        () =>
          ctx.act(`Moved the clock ${label}.`, () => call('POST', '/_emulator/clock', { body: { advance_ms: ms } })),
        {
          'aria-label': `Advance the clock by ${label.slice(1)}`,
        },
      );
    return [
      h('p', { class: 'clock' }, 'Instance time: ', now),
      h(
        'div',
        { class: 'row', role: 'group', 'aria-label': 'Advance the clock' },
        ...STEPS.map(([l, ms]) => advance(l, ms)),
      ),
      h(
        'form',
        {
          class: 'row',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const ms = new Date(at.value).getTime();
            if (Number.isNaN(ms)) return ctx.act('', () => Promise.reject(new Error('Pick a date and time first.')));
            void ctx.act(`Set the clock to ${when(ms)}.`, () =>
              call('POST', '/_emulator/clock', { body: { now: ms } }),
            );
          },
        },
        h('label', {}, 'Set to ', at),
        h('button', { type: 'submit' }, 'Set'),
        button('Back to real time', () =>
          ctx.act('The clock is back to real time.', () => call('POST', '/_emulator/clock', { body: { now: null } })),
        ),
      ),
    ];
  },
  load: () => call('GET', '/_emulator/clock'),
  fingerprint: (clock) => clock.offset_ms,
  draw(clock) {
    offset = clock.offset_ms;
    const field = document.getElementById('clock-set') as HTMLInputElement | null;
    if (field && document.activeElement !== field) field.value = localInput(clock.now);
    const now = document.getElementById('clock-now');
    if (now) now.textContent = when(clock.now);
    return [
      h(
        'p',
        { class: 'note', id: 'clock-offset' },
        clock.offset_ms === 0 ? 'Real time.' : `Moved by ${span(clock.offset_ms)} from real time.`,
      ),
    ];
  },
});
