// What every visual shares: the contract between the report and a visual, and
// the mapping of result columns to the visual's roles.
import type { FieldInfo, ResultColumn, VisualDef } from '../../shared/protocol';
import type { Formatter } from '../format';

/** One column of a selected data point: field and value. */
export interface FieldValue {
  field: string;
  value: unknown;
}

/** A selected data point: the group-by values that identify it and the values shown. */
export interface Selection {
  identity: FieldValue[];
  values: FieldValue[];
}

/** What the report gives a visual. */
export interface VisualContext {
  def: VisualDef;
  /** The visual's body element (below its title). */
  el: HTMLElement;
  locale: string;
  field(f: string): FieldInfo | undefined;
  format(col: ResultColumn): Formatter;
  /** Called when the viewer selects a data point (null clears); multi adds to the selection (slicers). */
  select(sel: Selection[] | null): void;
  /** The data points of this visual the viewer selected. */
  selected(): Selection[];
}

/** The data of one visual. */
export interface Data {
  columns: ResultColumn[];
  rows: unknown[][];
  truncated: boolean;
}

/** A drawn visual. render calls done once its data is painted. */
export interface Visual {
  render(d: Data, done: () => void): void;
  /** Redraws the current selection highlight without new data. */
  highlight?(): void;
  resize?(): void;
  dispose(): void;
}

/** The order in which the server turns roles into group-by columns (internal/embed/visual.go). */
const roleOrder = ['category', 'axis', 'rows', 'columns', 'legend', 'series', 'values', 'tooltips'];

/** A result column placed in a role. */
export interface RoleColumn {
  role: string;
  field: string;
  index: number;
  col: ResultColumn;
  /** Position in the definition (for tables, which show fields as placed). */
  order: number;
}

/** Maps result columns to the visual's roles: group-by columns first, then values, as the server orders them. */
export function roleColumns(def: VisualDef, columns: ResultColumn[], isMeasure: (f: string) => boolean): { groups: RoleColumn[]; values: RoleColumn[] } {
  const roles = [...roleOrder, ...Object.keys(def.fields ?? {}).filter((r) => !roleOrder.includes(r))];
  const groups: Omit<RoleColumn, 'index' | 'col'>[] = [];
  const values: Omit<RoleColumn, 'index' | 'col'>[] = [];
  const seen = new Set<string>();
  let order = 0;
  const orderOf = new Map<string, number>();
  for (const [, uses] of Object.entries(def.fields ?? {})) for (const u of uses) orderOf.set(u.field + '|' + (u.aggregation ?? ''), order++);
  for (const role of roles) {
    for (const u of def.fields?.[role] ?? []) {
      const key = u.field + '|' + (u.aggregation ?? '');
      if (seen.has(key)) continue;
      seen.add(key);
      const rc = { role, field: u.field, order: orderOf.get(key) ?? 0 };
      (isMeasure(u.field) || u.aggregation ? values : groups).push(rc);
    }
  }
  const all = [...groups, ...values];
  const placed = all.map((rc, i) => ({ ...rc, index: i, col: columns[i] }));
  if (columns.length !== all.length) {
    // Unexpected shape: fall back to the columns as they came, first ones grouping.
    const out = columns.map((col, i) => ({ role: i < groups.length ? 'category' : 'values', field: col.field, index: i, col, order: i }));
    return { groups: out.slice(0, groups.length), values: out.slice(groups.length) };
  }
  return { groups: placed.slice(0, groups.length), values: placed.slice(groups.length) };
}

/** True when two selections name the same data point. */
export function sameSelection(a: Selection, b: Selection): boolean {
  return a.identity.length === b.identity.length && a.identity.every((x, i) => x.field === b.identity[i].field && x.value === b.identity[i].value);
}

/** A display label for a column: the definition's displayName, else the server's column name. */
export function label(def: VisualDef, col: ResultColumn): string {
  for (const uses of Object.values(def.fields ?? {})) for (const u of uses) if (u.field === col.field && u.displayName) return u.displayName;
  return col.name;
}

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Text of a group-by value. */
export function text(v: unknown): string {
  return v === null || v === undefined ? '(Blank)' : String(v);
}

/** True for a measure: so the dataset says, or the reference has no table ([Total Sales]). */
export function isMeasure(ctx: VisualContext, f: string): boolean {
  const info = ctx.field(f);
  return info ? info.kind === 'measure' : /^\s*\[/.test(f);
}
