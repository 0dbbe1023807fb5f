// Slicer: the values of one column as toggle buttons. Selecting filters every
// other visual of the page (the report does that through pageFilters).
import { Data, Selection, Visual, VisualContext, el, label, roleColumns, text } from './common';
import { isMeasure } from './common';

export function slicer(ctx: VisualContext): Visual {
  let buttons: { b: HTMLButtonElement; sel: Selection }[] = [];
  let clear: HTMLButtonElement | null = null;
  const isOn = (s: Selection) => ctx.selected().some((x) => x.identity[0]?.value === s.identity[0]?.value);
  const highlight = () => {
    for (const { b, sel } of buttons) b.setAttribute('aria-pressed', String(isOn(sel)));
    if (clear) clear.hidden = ctx.selected().length === 0;
  };
  return {
    render(d: Data, done) {
      const { groups } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const g = groups[0] ?? { field: d.columns[0]?.field, index: 0, col: d.columns[0] };
      const box = el('div', 'bd-slicer');
      const list = el('div', 'bd-slicer-items');
      list.setAttribute('role', 'group');
      list.setAttribute('aria-label', ctx.def.title || (g.col ? label(ctx.def, g.col) : 'Slicer'));
      buttons = [];
      for (const row of d.rows) {
        const v = row[g.index];
        const sel: Selection = { identity: [{ field: g.field, value: v }], values: [] };
        const b = el('button', 'bd-slicer-item', text(v));
        b.type = 'button';
        b.dataset.value = v === null ? '' : String(v);
        // Click selects one value (again: clears); Ctrl/⌘-click adds or removes a value.
        b.addEventListener('click', (e) => {
          const cur = ctx.selected();
          const on = isOn(sel);
          if (e.ctrlKey || e.metaKey) ctx.select(on ? cur.filter((s) => s.identity[0]?.value !== v) : [...cur, sel]);
          else ctx.select(on && cur.length === 1 ? null : [sel]);
        });
        buttons.push({ b, sel });
        list.append(b);
      }
      if (!d.rows.length) list.append(el('div', 'bd-empty', 'No values'));
      clear = el('button', 'bd-slicer-clear', 'Clear selection');
      clear.type = 'button';
      clear.addEventListener('click', () => ctx.select(null));
      box.append(list, clear);
      ctx.el.replaceChildren(box);
      highlight();
      done();
    },
    highlight,
    dispose() {},
  };
}
