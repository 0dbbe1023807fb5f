// Table (tableEx) and matrix (pivotTable), drawn as HTML tables.
import { Data, Selection, Visual, VisualContext, el, label, roleColumns, sameSelection, text } from './common';
import { isMeasure } from './common';
import type { ResultColumn } from '../../shared/protocol';

function numeric(col: ResultColumn | undefined): boolean {
  return !!col && /^(Int64|Double|Decimal|Integer|Number|Currency)$/i.test(col.dataType ?? '');
}

function truncatedNote(d: Data): HTMLElement[] {
  return d.truncated ? [el('div', 'bd-note', 'Showing the first rows only.')] : [];
}

/** tableEx: the fields as placed, one row per result row; clicking a row selects it. */
export function table(ctx: VisualContext): Visual {
  let rows: { tr: HTMLTableRowElement; sel: Selection | null }[] = [];
  const highlight = () => {
    const cur = ctx.selected();
    for (const r of rows) r.tr.classList.toggle('bd-dim', cur.length > 0 && !(r.sel && cur.some((s) => sameSelection(s, r.sel!))));
  };
  return {
    render(d: Data, done) {
      const { groups, values } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const cols = [...groups, ...values].sort((a, b) => a.order - b.order);
      const t = el('table', 'bd-table');
      const head = t.createTHead().insertRow();
      for (const c of cols) {
        const th = el('th', numeric(c.col) ? 'bd-num' : '', label(ctx.def, c.col));
        th.scope = 'col';
        head.append(th);
      }
      const body = t.createTBody();
      const fmts = cols.map((c) => ctx.format(c.col));
      rows = [];
      for (const row of d.rows) {
        const tr = body.insertRow();
        cols.forEach((c, i) => {
          const td = tr.insertCell();
          td.textContent = fmts[i](row[c.index]);
          if (numeric(c.col)) td.className = 'bd-num';
          td.dataset.value = row[c.index] === null ? '' : String(row[c.index]);
        });
        const sel = groups.length
          ? { identity: groups.map((g) => ({ field: g.field, value: row[g.index] })), values: values.map((v) => ({ field: v.field, value: row[v.index] })) }
          : null;
        if (sel) tr.addEventListener('click', () => ctx.select(ctx.selected().some((s) => sameSelection(s, sel)) ? null : [sel]));
        rows.push({ tr, sel });
      }
      const wrap = el('div', 'bd-scroll');
      wrap.append(t, ...truncatedNote(d));
      ctx.el.replaceChildren(wrap);
      highlight();
      done();
    },
    highlight,
    dispose() {},
  };
}

/** pivotTable: row groups down, column groups across, values in the cells. */
export function matrix(ctx: VisualContext): Visual {
  return {
    render(d: Data, done) {
      const { groups, values } = roleColumns(ctx.def, d.columns, (f) => isMeasure(ctx, f));
      const rowG = groups.filter((g) => g.role !== 'columns');
      const colG = groups.filter((g) => g.role === 'columns');
      const key = (row: unknown[], gs: typeof groups) => JSON.stringify(gs.map((g) => row[g.index]));
      const rowKeys = new Map<string, unknown[]>();
      const colKeys = new Map<string, unknown[]>();
      const cells = new Map<string, unknown[]>();
      for (const row of d.rows) {
        const rk = key(row, rowG);
        const ck = key(row, colG);
        if (!rowKeys.has(rk)) rowKeys.set(rk, row);
        if (!colKeys.has(ck)) colKeys.set(ck, row);
        cells.set(rk + '\u0000' + ck, row);
      }
      const colList = [...colKeys.entries()].sort((a, b) => a[0].localeCompare(b[0]));
      const t = el('table', 'bd-table bd-matrix');
      const thead = t.createTHead();
      const h1 = thead.insertRow();
      for (const g of rowG) {
        const th = el('th', '', label(ctx.def, g.col));
        th.scope = 'col';
        th.rowSpan = values.length > 1 ? 2 : 1;
        h1.append(th);
      }
      for (const [, row] of colList) {
        const th = el('th', 'bd-num', colG.length ? colG.map((g) => text(row[g.index])).join(' · ') : values.length === 1 ? label(ctx.def, values[0].col) : '');
        th.scope = 'colgroup';
        th.colSpan = Math.max(1, values.length);
        h1.append(th);
      }
      if (values.length > 1) {
        const h2 = thead.insertRow();
        for (let i = 0; i < colList.length; i++) for (const v of values) h2.append(el('th', 'bd-num', label(ctx.def, v.col)));
      }
      const body = t.createTBody();
      const fmts = values.map((v) => ctx.format(v.col));
      for (const [rk, rrow] of rowKeys) {
        const tr = body.insertRow();
        for (const g of rowG) {
          const th = el('th', '', text(rrow[g.index]));
          th.scope = 'row';
          tr.append(th);
        }
        for (const [ck] of colList) {
          const cell = cells.get(rk + '\u0000' + ck);
          values.forEach((v, i) => {
            const td = tr.insertCell();
            td.className = 'bd-num';
            const val = cell ? cell[v.index] : null;
            td.textContent = cell ? fmts[i](val) : '';
            td.dataset.value = val === null || val === undefined ? '' : String(val);
          });
        }
      }
      const wrap = el('div', 'bd-scroll');
      wrap.append(t, ...truncatedNote(d));
      ctx.el.replaceChildren(wrap);
      done();
    },
    dispose() {},
  };
}
