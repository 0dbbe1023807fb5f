// Reports: the list across your workspaces, and one report's pages and visuals.
import { call, paths, allReports, allDatasets, Report, ReportDefinition } from '../api';
import { h, mount, table, facts, link } from '../dom';

export async function reportsPage(main: HTMLElement): Promise<void> {
  const [reports, datasets] = await Promise.all([allReports(), allDatasets().catch(() => [])]);
  const dsName = (id: string) => datasets.find((d) => d.ds.id === id)?.ds.name ?? id;
  mount(main,
    h('h1', {}, 'Reports'),
    h('p', {}, 'Reports in the workspaces you belong to. A report can be previewed on any dataset you may read whose schema satisfies it.'),
    table('Reports', ['Name', 'Workspace', 'Default dataset', 'Preview'], reports.map(({ ws, r }) => [
      link(`/reports/${ws.id}/${r.id}`, r.name), ws.name, dsName(r.datasetId),
      link(`/preview?report=${ws.id}:${r.id}`, 'Preview', { 'aria-label': `Preview ${r.name}` }),
    ]), { id: 'reports' }));
}

function fieldsText(fields: Record<string, { field: string; aggregation?: string }[]>): HTMLElement {
  return h('ul', { class: 'plain' }, Object.entries(fields).map(([role, uses]) =>
    h('li', {}, h('span', { class: 'role' }, role + ': '), uses.map((u, i) => [i ? ', ' : '', h('code', {}, u.aggregation ? `${u.aggregation}(${u.field})` : u.field)]))));
}

export async function reportPage(main: HTMLElement, [wsId, id]: string[]): Promise<void> {
  const [r, def] = await Promise.all([
    call<Report>('GET', paths.report(wsId, id)),
    call<ReportDefinition>('GET', `${paths.report(wsId, id)}/definition`),
  ]);
  mount(main,
    h('p', { class: 'crumbs' }, link('/reports', 'Reports'), ' / '),
    h('h1', {}, r.name),
    r.description ? h('p', {}, r.description) : null,
    facts([
      ['Id', h('code', {}, r.id)],
      ['Default dataset', r.datasetWorkspaceId ? link(`/datasets/${r.datasetWorkspaceId}/${r.datasetId}`, r.datasetId) : r.datasetId],
      ['Embed URL', h('code', {}, r.embedUrl)],
      ['Pages', String(def.pages.length)],
      ['Visuals', String(def.pages.reduce((n, p) => n + p.visuals.length, 0))],
    ]),
    h('p', {}, link(`/preview?report=${wsId}:${id}`, 'Preview this report on a dataset of your choice')),
    def.pages.map((p, i) => h('section', { 'aria-labelledby': `p-${i}` },
      h('h2', { id: `p-${i}` }, `Page ${i + 1}: ${p.displayName || p.name}`),
      table(`Visuals of ${p.displayName || p.name}`, ['Visual', 'Type', 'Title', 'Fields', 'Position (x, y, w × h)'], p.visuals.map((v) => [
        v.name, v.type, v.title || '', fieldsText(v.fields),
        `${v.position.x}, ${v.position.y}, ${v.position.width} × ${v.position.height}`,
      ])))));
}
