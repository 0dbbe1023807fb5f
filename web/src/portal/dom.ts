// Small DOM helpers: h() builds elements without innerHTML (so nothing from
// the API is ever parsed as markup), and a few building blocks the pages share.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

/** Creates an element. Attributes starting with "on" become listeners; true/false toggle boolean attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces el's children. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A unique id for label/input pairs. */
export function uid(prefix = 'f'): string {
  return `${prefix}-${++ids}`;
}

/** A labelled form control. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  if (!control.id) control.id = uid();
  const hintEl = hint ? h('span', { class: 'hint', id: control.id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** A select with the given options ([value, label]). */
export function select(name: string, options: [string, string][], value?: string): HTMLSelectElement {
  const s = h('select', { name });
  for (const [v, l] of options) s.appendChild(h('option', { value: v, selected: v === value }, l));
  return s;
}

/** A table with a caption and header row; rows are arrays of cells. */
export function table(caption: string, headers: string[], rows: Child[][], opts: { id?: string } = {}): HTMLElement {
  return h('div', { class: 'table-wrap' },
    h('table', { id: opts.id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.length
        ? rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))
        : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'None.')))));
}

/** A status message region (role=status, or role=alert for errors). */
export function notice(kind: 'info' | 'error' | 'ok', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** A definition list from [term, description] pairs. */
export function facts(pairs: [string, Child][]): HTMLElement {
  return h('dl', { class: 'facts' }, pairs.map(([t, d]) => [h('dt', {}, t), h('dd', {}, d)]));
}

/** A link to a portal route. */
export function link(route: string, text: Child, attrs: Attrs = {}): HTMLAnchorElement {
  return h('a', { href: '#' + route, ...attrs }, text);
}

/** Formats an integer with thousands separators. */
export function num(n: number | undefined | null): string {
  return n === undefined || n === null ? '—' : n.toLocaleString('en-US');
}

/** Formats a date-time for people (local time, seconds). */
export function when(s: string | undefined | null): string {
  if (!s) return '—';
  const d = new Date(s);
  return isNaN(d.getTime()) ? s : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Runs an async action from a button, disabling it meanwhile and reporting failure in out. */
export async function busy(btn: HTMLButtonElement, out: Element | null, action: () => Promise<void>): Promise<void> {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (e) {
    if (out) mount(out, notice('error', errorText(e)));
    else throw e;
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

/** The human message of an error (API errors carry their code). */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const code = (e as { code?: string }).code;
    return (code ? code + ': ' : '') + String((e as Error).message);
  }
  return String(e);
}
