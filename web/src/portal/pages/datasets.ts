// Datasets: the list across your workspaces, and one dataset with its schema
// (tables, columns, types, measures, relationships), row counts, storage mode,
// RLS roles, and an upload of CSV or Parquet with progress.
import { call, list, paths, upload, allDatasets, Dataset, DatasetDefinition, TableInfo } from '../api';
import { h, mount, table, notice, field, select, facts, link, busy, num, when } from '../dom';

export async function datasetsPage(main: HTMLElement): Promise<void> {
  const all = await allDatasets();
  mount(main,
    h('h1', {}, 'Datasets'),
    h('p', {}, 'Datasets in the workspaces you belong to.'),
    table('Datasets', ['Name', 'Workspace', 'Storage mode', 'Row-level security', 'Data version'], all.map(({ ws, ds }) => [
      link(`/datasets/${ws.id}/${ds.id}`, ds.name), ws.name, ds.storageMode, ds.isEffectiveIdentityRequired ? 'Yes' : 'No', num(ds.dataVersion),
    ]), { id: 'datasets' }));
}

export async function datasetPage(main: HTMLElement, [wsId, id]: string[]): Promise<void> {
  const [ds, def, tables] = await Promise.all([
    call<Dataset>('GET', paths.dataset(wsId, id)),
    call<DatasetDefinition>('GET', `${paths.dataset(wsId, id)}/definition`),
    list<TableInfo>(`${paths.dataset(wsId, id)}/tables`),
  ]);
  const schema = h('div');
  const renderSchema = (ts: TableInfo[]) => mount(schema, ts.map((t) => h('section', { class: 'table-card', 'aria-labelledby': `t-${t.name}` },
    h('h3', { id: `t-${t.name}` }, t.name, ' ', h('span', { class: 'rows', 'data-table': t.name }, `${num(t.rowCount)} rows`)),
    table(`Columns of ${t.name}`, ['Column', 'Type', 'Format', 'Hidden'], t.columns.map((c) => [c.name, c.dataType, c.formatString || '', c.isHidden ? 'Yes' : ''])),
    t.measures?.length ? table(`Measures of ${t.name}`, ['Measure', 'Expression', 'Format'], t.measures.map((m) => [m.name, h('code', {}, m.expression), m.formatString || ''])) : null)));
  renderSchema(tables);
  const roles = def.roles ?? [];
  mount(main,
    h('p', { class: 'crumbs' }, link('/datasets', 'Datasets'), ' / '),
    h('h1', {}, ds.name),
    facts([
      ['Id', h('code', {}, ds.id)],
      ['Storage mode', ds.storageMode],
      ['Configured by', ds.configuredBy || '—'],
      ['Created', when(ds.createdDate)],
      ['Data version', num(ds.dataVersion)],
      ['Effective identity required', ds.isEffectiveIdentityRequired ? 'Yes (the dataset has RLS roles)' : 'No'],
    ]),
    h('p', {}, link(`/preview?dataset=${ds.id}`, 'Preview a report on this dataset')),
    uploadSection(wsId, id, tables, async () => renderSchema(await list<TableInfo>(`${paths.dataset(wsId, id)}/tables`))),
    h('section', { 'aria-labelledby': 'schema-h' }, h('h2', { id: 'schema-h' }, 'Tables'), schema),
    h('section', { 'aria-labelledby': 'rel-h' }, h('h2', { id: 'rel-h' }, 'Relationships'),
      table('Relationships', ['From', 'To'], (def.relationships ?? []).map((r) => [`${r.fromTable}[${r.fromColumn}]`, `${r.toTable}[${r.toColumn}]`]))),
    h('section', { 'aria-labelledby': 'rls-h' }, h('h2', { id: 'rls-h' }, 'Row-level security roles'),
      table('RLS roles', ['Role', 'Table filters', 'Members'], roles.map((r) => [
        r.name,
        h('ul', { class: 'plain' }, (r.tablePermissions ?? []).map((p) => h('li', {}, h('code', {}, `${p.name}: ${p.filterExpression}`)))),
        (r.members ?? []).join(', ') || '—',
      ]), { id: 'roles' })));
}

function uploadSection(wsId: string, dsId: string, tables: TableInfo[], after: () => Promise<void>): HTMLElement {
  const tableSel = select('table', tables.map((t): [string, string] => [t.name, t.name]));
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.parquet,text/csv,application/vnd.apache.parquet', required: true });
  const mode = select('mode', [['replace', 'Replace the table\'s rows'], ['append', 'Append to the table']], 'replace');
  const btn = h('button', { type: 'submit' }, 'Upload');
  const bar = h('progress', { id: 'upload-progress', max: 100, value: 0 });
  const barLabel = h('label', { for: 'upload-progress' }, 'Upload progress');
  const status = h('p', { id: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const out = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const progress = h('div', { class: 'progress', hidden: true }, barLabel, bar, status);
  const form = h('form', { id: 'upload-form', class: 'grid' },
    field('Table', tableSel), field('File (CSV or Parquet)', file, 'Columns are matched by header name; extra columns are ignored.'), field('Mode', mode),
    h('div', { class: 'field' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    const format = /\.parquet$/i.test(f.name) ? 'parquet' : 'csv';
    const type = format === 'parquet' ? 'application/vnd.apache.parquet' : 'text/csv';
    progress.hidden = false;
    mount(out);
    void busy(btn, out, async () => {
      const q = new URLSearchParams({ format, mode: mode.value, fileName: f.name });
      const res = await upload<{ table: string; rows: number; mode: string }>(
        `${paths.dataset(wsId, dsId)}/tables/${encodeURIComponent(tableSel.value)}/import?${q}`, f, type,
        (sent, total) => {
          const pct = total ? Math.round((sent / total) * 100) : 0;
          bar.value = pct;
          status.textContent = sent >= total ? `Uploaded ${num(total)} bytes; loading…` : `${pct}% · ${num(sent)} of ${num(total)} bytes`;
        });
      status.textContent = 'Done.';
      mount(out, notice('ok', `Imported ${num(res.rows)} rows into ${res.table} (${res.mode}).`));
      await after();
    });
  });
  return h('section', { 'aria-labelledby': 'up-h' },
    h('h2', { id: 'up-h' }, 'Upload data'),
    h('p', {}, 'Load a CSV or Parquet file into one table. A replace builds a new version and switches to it atomically; readers never see a half-loaded table.'),
    form, progress, out);
}
