// A tiny element builder: the page is a few tables and forms, which need no view library.

type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;
export type Child = Node | string | number | null | undefined | false | Child[];

/** An element with attributes (on… keys become listeners; false and undefined are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Instance time as a person reads it, in their own time zone. */
export const when = (ms: number): string =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A duration in the largest whole unit that fits, e.g. 3 d 4 h. */
export function span(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? `${ms} ms` : sign + parts.join(' ');
}

/** A table with a caption, header cells, and rows whose cells carry their header as data-label (narrow screens). */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...rows.map((cells) =>
          h('tr', {}, ...cells.map((cell, i) => h('td', { 'data-label': headers[i] ?? '' }, cell))),
        ),
      ),
    ),
  );
}

/** A button that runs an action; a data-key among its attributes lets focus return to it when its panel is drawn again. */
export const button = (label: string, onclick: () => void, extra: Attrs = {}): HTMLButtonElement =>
  h('button', { type: 'button', onclick, ...extra }, label);
