// Filter lists as powerbi-client manipulates them (set, update, remove) and the
// filters that selections produce, in powerbi-models' JSON shapes.
import type { FieldInfo } from '../shared/protocol';
import type { Selection } from './visuals';

/** powerbi-models FiltersOperations. */
const RemoveAll = 0;
const ReplaceAll = 1;
const Add = 2;
const Replace = 3;

const targetKey = (f: unknown) => JSON.stringify((f as { target?: unknown })?.target ?? null);

/** Applies an IUpdateFiltersRequest to a list; returns the new list. */
export function updateFilters(list: unknown[], op: number, filters: unknown[] | undefined): unknown[] {
  const fs = filters ?? [];
  switch (op) {
    case RemoveAll:
      return [];
    case ReplaceAll:
      return [...fs];
    case Add:
      return [...list, ...fs];
    case Replace: {
      // A filter on a target already filtered replaces that filter; others are added.
      const out = [...list];
      for (const f of fs) {
        const i = out.findIndex((x) => targetKey(x) === targetKey(f));
        if (i >= 0) out[i] = f;
        else out.push(f);
      }
      return out;
    }
  }
  return list;
}

/** The powerbi-models target of a field: {table, column} or {table, measure}. */
export function targetOf(field: string, info: FieldInfo | undefined): { table: string; column?: string; measure?: string } {
  if (info) return info.kind === 'measure' ? { table: info.table, measure: info.name } : { table: info.table, column: info.name };
  const m = /^(?:'((?:[^']|'')*)'|([^[]*))\[(.*)\]$/.exec(field.trim());
  if (!m) return { table: '', column: field };
  const table = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
  return table ? { table, column: m[3] } : { table: '', measure: m[3] };
}

/** A Basic "In" filter. */
export function basicIn(target: { table: string; column?: string }, values: unknown[]): Record<string, unknown> {
  return { $schema: 'http://powerbi.com/product/schema#basic', target, filterType: 1, operator: 'In', values, requireSingleSelection: false };
}

/** The filters a selection of data points applies to the rest of the page: one Basic "In" filter per identity column. */
export function selectionFilters(sels: Selection[], field: (f: string) => FieldInfo | undefined): Record<string, unknown>[] {
  const byField = new Map<string, unknown[]>();
  for (const s of sels) {
    for (const id of s.identity) {
      const vs = byField.get(id.field) ?? [];
      if (!vs.some((v) => v === id.value)) vs.push(id.value);
      byField.set(id.field, vs);
    }
  }
  return [...byField].map(([f, vs]) => basicIn(targetOf(f, field(f)), vs));
}

/** The values of a Basic filter, or null when it is not one. */
export function basicValues(f: unknown): unknown[] | null {
  const b = f as { filterType?: number; operator?: string; values?: unknown[]; $schema?: string };
  if (!b || !Array.isArray(b.values)) return null;
  if (b.filterType === 1 || (b.$schema ?? '').endsWith('#basic')) return b.operator === 'In' || b.operator === undefined ? b.values : null;
  return null;
}
