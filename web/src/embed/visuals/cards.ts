// Card and multi-row card: numbers drawn as text.
import { Data, Visual, VisualContext, el, label, roleColumns, text } from './common';
import { isMeasure } from './common';

/** card: one big number with its label. */
export function card(ctx: VisualContext): Visual {
  return {
    render(d: Data, done) {
      const { values } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const c = values[0] ?? { col: d.columns[0], index: 0 };
      const v = d.rows[0]?.[c.index] ?? null;
      const s = c.col ? ctx.format(c.col)(v) : '(Blank)';
      const box = el('div', 'bd-card');
      const num = el('div', 'bd-card-value', s);
      num.dataset.value = v === null ? '' : String(v);
      num.title = s;
      // Shrink long numbers to fit the box.
      const { width, height } = ctx.def.position;
      const size = Math.max(12, Math.min(height * 0.42, (width * 0.9) / Math.max(1, s.length * 0.6), 48));
      num.style.fontSize = size + 'px';
      box.append(num);
      // The label says what the number is, unless the title already says it.
      const name = c.col ? label(ctx.def, c.col) : '';
      if (name && name.toLowerCase() !== (ctx.def.title ?? '').toLowerCase()) box.append(el('div', 'bd-card-label', name));
      ctx.el.replaceChildren(box);
      done();
    },
    dispose() {},
  };
}

/** multiRowCard: one block per row, each value with its label. */
export function multiRowCard(ctx: VisualContext): Visual {
  return {
    render(d: Data, done) {
      const { groups, values } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const list = el('div', 'bd-mrc');
      for (const row of d.rows) {
        const item = el('div', 'bd-mrc-row');
        if (groups.length) item.append(el('div', 'bd-mrc-title', groups.map((g) => text(row[g.index])).join(' · ')));
        const vals = el('div', 'bd-mrc-values');
        for (const v of values) {
          const cell = el('div', 'bd-mrc-cell');
          const num = el('div', 'bd-mrc-value', ctx.format(v.col)(row[v.index]));
          num.dataset.value = row[v.index] === null ? '' : String(row[v.index]);
          cell.append(num, el('div', 'bd-mrc-label', label(ctx.def, v.col)));
          vals.append(cell);
        }
        item.append(vals);
        list.append(item);
      }
      if (!d.rows.length) list.append(el('div', 'bd-empty', 'No data'));
      ctx.el.replaceChildren(list);
      done();
    },
    dispose() {},
  };
}
