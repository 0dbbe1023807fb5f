// Picks the drawing for a Power BI visual type.
import { Visual, VisualContext, el } from './common';
import { card, multiRowCard } from './cards';
import { matrix, table } from './tables';
import { slicer } from './slicer';
import { chart, chartTypes } from './charts';

export type { Visual, VisualContext, Selection, Data, FieldValue } from './common';

/** Creates the visual for ctx.def.type; unknown types draw a notice instead of failing the page. */
export function createVisual(ctx: VisualContext): Visual {
  const t = ctx.def.type;
  switch (t) {
    case 'card':
      return card(ctx);
    case 'multiRowCard':
      return multiRowCard(ctx);
    case 'tableEx':
    case 'table':
      return table(ctx);
    case 'pivotTable':
    case 'matrix':
      return matrix(ctx);
    case 'slicer':
      return slicer(ctx);
  }
  const c = chartTypes[t];
  if (c) return chart(ctx, c.kind, c.stacked);
  return {
    render(_d, done) {
      ctx.el.replaceChildren(el('div', 'bd-empty', `Visual type "${t}" is not supported by Bindery.`));
      done();
    },
    dispose() {},
  };
}
