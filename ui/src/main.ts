import { ApiError, call, forgetKey, savedKey, saveKey, shortKey } from './api.js';
import { h } from './dom.js';
import type { Ctx, Panel } from './panel.js';
import { PANELS } from './panels/index.js';

// Polling, not server-sent events, and this is the one place that chooses. Every panel reads a
// /_emulator route (never /v1), so polling costs the instance nothing it can see: no journal entry, no
// rate-limit count, no fault hit. The server has no single signal for "this instance changed" (the journal,
// faults and limits live in memory, rows in SQLite that another process may write, and expiry follows
// the clock), so an event stream would need a watcher of every store; polling reads the routes as they
// are, holds no connection open (the server stops at once), and draws a panel again only when its
// answer changed. Every 2 s while the tab is visible, and at once after an action.
const POLL_MS = 2000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $('status');
const keyForm = $<HTMLFormElement>('key-form');
const keyInput = $<HTMLInputElement>('key');
const keyNote = $('key-note');
const panelsRoot = $('panels');

interface Slot {
  panel: Panel;
  body: HTMLElement;
  last: string | undefined;
}
let slots: Slot[] = [];
let timer: number | undefined;
/** Bumped when the key changes: reads started under another key are dropped. */
let generation = 0;
/** Reads are numbered, so one that started before an action and ends after the next read is not drawn. */
let reads = 0;
let drawn = 0;

let sayTimer: number | undefined;
function say(message: string, error = false): void {
  statusLine.textContent = message;
  statusLine.className = error ? 'toast error' : 'toast';
  clearTimeout(sayTimer);
  sayTimer = window.setTimeout(() => (statusLine.textContent = ''), error ? 12_000 : 5000);
}

const describe = (err: unknown): string =>
  err instanceof ApiError
    ? `${err.message}${err.code ? ` (${err.code}${err.traceId ? `, trace ${err.traceId}` : ''})` : ''}`
    : err instanceof Error
      ? err.message
      : String(err);

const ctx: Ctx = {
  async act(done, run) {
    try {
      const result = await run();
      say(typeof done === 'function' ? done(result) : done);
    } catch (err) {
      say(describe(err), true);
    }
    refresh();
  },
  refresh: () => refresh(),
};

/** Draws a panel's data in place, giving focus back to the control (by data-key) that had it. */
function draw(slot: Slot, nodes: Node[]): void {
  const active = document.activeElement as HTMLElement | null;
  const key = slot.body.contains(active) ? active?.dataset['key'] : undefined;
  const hadFocus = slot.body.contains(active);
  slot.body.replaceChildren(...nodes);
  if (!hadFocus) return;
  const again = key ? slot.body.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
  (again && !(again as HTMLButtonElement).disabled ? again : slot.body).focus();
}

async function readAll(): Promise<void> {
  const mine = generation;
  const read = ++reads;
  const results = await Promise.allSettled(slots.map((s) => s.panel.load()));
  if (mine !== generation || read < drawn) return;
  drawn = read;
  results.forEach((result, i) => {
    const slot = slots[i]!;
    if (result.status === 'rejected') {
      const text = `error:${describe(result.reason)}`;
      if (text !== slot.last) {
        slot.last = text;
        draw(slot, [h('p', { class: 'error', role: 'alert' }, describe(result.reason))]);
      }
      return;
    }
    const print = JSON.stringify(slot.panel.fingerprint ? slot.panel.fingerprint(result.value) : result.value);
    if (print === slot.last) return;
    slot.last = print;
    draw(slot, slot.panel.draw(result.value, ctx));
  });
  const refused = results.find(
    (r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status === 401,
  );
  if (refused) {
    keyNote.textContent = describe((refused as PromiseRejectedResult).reason);
    keyNote.className = 'error';
    stop();
    return;
  }
  $('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function refresh(): void {
  clearTimeout(timer);
  if (slots.length === 0) return;
  void readAll().finally(() => {
    clearTimeout(timer);
    if (slots.length > 0 && !document.hidden) timer = window.setTimeout(refresh, POLL_MS);
  });
}

function stop(): void {
  generation++;
  clearTimeout(timer);
  slots = [];
}

function open(key: string): void {
  stop();
  panelsRoot.replaceChildren();
  saveKey(key);
  keyInput.value = '';
  keyNote.className = '';
  keyNote.textContent = `Showing the instance of ${shortKey(key)} (the key stays in this tab only).`;
  $('reset').hidden = false;
  $('forget').hidden = false;
  slots = PANELS.map((panel) => {
    const body = h('div', { class: 'panel-body', tabindex: -1 }, h('p', { class: 'none' }, 'Loading…'));
    panelsRoot.appendChild(
      h(
        'section',
        { class: 'panel', id: panel.id, 'aria-labelledby': `${panel.id}-title` },
        h('h2', { id: `${panel.id}-title` }, panel.title),
        ...(panel.controls?.(ctx) ?? []),
        body,
      ),
    );
    return { panel, body, last: undefined };
  });
  refresh();
}

function close(): void {
  stop();
  forgetKey();
  panelsRoot.replaceChildren();
  $('reset').hidden = true;
  $('forget').hidden = true;
  keyNote.className = '';
  keyNote.textContent = 'Paste a secret key (sk_test_…) to see its instance.';
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (key === '') {
    keyNote.textContent = 'Paste a secret key first, e.g. sk_test_dashboard.';
    keyNote.className = 'error';
    return;
  }
  open(key);
});
$('forget').addEventListener('click', close);
$('reset').addEventListener('click', () => {
  if (
    !confirm(
      "Reset this instance? Its invitations, users, outbox, webhook endpoints and messages (not WEBHOOK_URL's endpoint), faults and journal are deleted and its clock returns to real time.",
    )
  )
    return;
  void ctx.act(
    (r) => {
      const c = r as {
        invitations: number;
        users: number;
        emails: number;
        webhook_endpoints: number;
        webhook_messages: number;
      };
      const n = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;
      const removed = [
        n(c.invitations, 'invitation'),
        n(c.users, 'user'),
        n(c.emails, 'email'),
        n(c.webhook_endpoints, 'webhook endpoint'),
      ];
      return `Reset: removed ${removed.join(', ')} and ${n(c.webhook_messages, 'webhook message')}.`;
    },
    () => call('POST', '/_emulator/reset'),
  );
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
});

if (savedKey()) open(savedKey());
else close();
