// The powerbi-client protocol routes the page answers (reference §3), mapped to
// the report. Every request gets an answer: unknown routes a 404 (transport.finish).
import { validateFilter, validateReportLoad, validateSettings, validateUpdateFiltersRequest, validatePage } from 'powerbi-models';
import type { IExtendedRequest } from 'powerbi-router';
import type { Transport } from './transport';
import { LoadConfig, Report } from './report';
import { updateFilters } from './filters';

type Reply = [number, unknown?];

const notFound = (what: string): Reply => [404, { message: 'PowerBIEntityNotFound', detailedMessage: what }];

export function registerRoutes(t: Transport, report: Report, onConfig: () => void): void {
  // A front-load (/frontload/config, after our /ready) and the SDK's own /report/load can both arrive for
  // the same embed; the second identical one within a moment is answered without loading twice.
  let last = { key: '', at: 0, front: false };
  const load = (render: boolean, front: boolean) => (req: IExtendedRequest): Reply => {
    onConfig();
    const config = req.body as LoadConfig;
    const uid = req.headers?.uid;
    if (uid) report.uid = String(uid);
    // Power BI validates on the client, but re-embed and bootstrap paths skip that: validate here too.
    const errors = config && typeof config === 'object' ? validateReportLoad(config) : [{ message: 'the load configuration must be an object' }];
    if (errors?.length) {
      report.rejectConfig(errors);
      return [400, errors];
    }
    const key = JSON.stringify(config);
    const now = Date.now();
    if (key === last.key && now - last.at < 2000 && front !== last.front) return [202, null];
    last = { key, at: now, front };
    report.load({ ...config, settings: { ...(config.settings ?? {}) } }, render);
    return [202, null];
  };
  t.post('/report/load', load(true, false));
  t.post('/report/prepare', load(false, false));
  t.post('/frontload/config', load(true, true));
  t.post('/report/render', () => report.renderNow());
  t.post('/report/refresh', () => report.refresh());

  t.post('/report/token', (req) => {
    const b = req.body as unknown;
    const token = typeof b === 'string' ? b : (b as { accessToken?: unknown })?.accessToken;
    if (typeof token !== 'string' || !token) return [400, [{ message: 'accessToken must be a non-empty string' }]];
    report.setToken(token);
    return [202, null];
  });
  const correlation = (): Reply => [200, report.getCorrelationId()];
  t.get('/getCorrelationId', correlation);
  t.get('/report/correlationId', correlation);

  t.get('/report/pages', async () => {
    if (!(await report.ready())) return [400, { message: 'ReportNotLoaded' }];
    return [200, report.pages().map((p) => report.pageInfo(p))];
  });
  t.put('/report/pages/active', (req) => {
    const errors = validatePage(req.body);
    if (errors?.length) return [400, errors];
    return report.setPage((req.body as { name: string }).name);
  });
  t.get('/report/pages/:pageName/visuals', async (req) => {
    if (!(await report.ready())) return [400, { message: 'ReportNotLoaded' }];
    const p = report.page(req.params.pageName);
    if (!p) return notFound(`the report has no page "${req.params.pageName}"`);
    return [200, p.visuals.map((v) => report.visualInfo(v))];
  });
  t.post('/report/pages/:pageName/visuals/:visualName/exportData', (req) => report.exportData(req.params.pageName, req.params.visualName, req.body ?? {}));

  // Filters at three levels: GET lists, PUT replaces, POST updates (IUpdateFiltersRequest), DELETE removes all.
  const level = (pageOf: (r: IExtendedRequest) => string | undefined, visualOf: (r: IExtendedRequest) => string | undefined, path: string) => {
    // The current list, or the reply that says why there is none.
    const current = async (req: IExtendedRequest): Promise<{ list?: unknown[]; reply?: Reply }> => {
      if (!(await report.ready())) return { reply: [400, { message: 'ReportNotLoaded' }] };
      const page = pageOf(req);
      const visual = visualOf(req);
      const list = report.filters(page, visual);
      if (!list || (visual !== undefined && !report.page(page!)?.visuals.some((v) => v.name === visual))) {
        return { reply: notFound(`no ${visual !== undefined ? 'visual' : 'page'} "${visual ?? page}"`) };
      }
      return { list };
    };
    const apply = async (req: IExtendedRequest, next: (list: unknown[]) => unknown[]): Promise<Reply> => {
      const cur = await current(req);
      if (cur.reply) return cur.reply;
      report.setFilters(next(cur.list!), pageOf(req), visualOf(req));
      return [202, null];
    };
    const check = (filters: unknown): Reply | null => {
      if (!Array.isArray(filters)) return [400, [{ message: 'filters must be an array' }]];
      for (const f of filters) {
        const errors = validateFilter(f);
        if (errors?.length) return [400, errors];
      }
      return null;
    };
    t.get(path, async (req) => {
      const cur = await current(req);
      return cur.reply ?? [200, cur.list];
    });
    t.put(path, (req) => check(req.body) ?? apply(req, () => [...(req.body as unknown[])]));
    t.post(path, (req) => {
      const body = req.body as { filtersOperation: number; filters?: unknown[] };
      const errors = body && typeof body === 'object' ? validateUpdateFiltersRequest(body) : [{ message: 'the body must be an IUpdateFiltersRequest' }];
      if (errors?.length) return [400, errors];
      return (body.filters && check(body.filters)) || apply(req, (list) => updateFilters(list, body.filtersOperation, body.filters));
    });
    t.delete(path, (req) => apply(req, () => []));
  };
  level(() => undefined, () => undefined, '/report/filters');
  level((r) => r.params.pageName, () => undefined, '/report/pages/:pageName/filters');
  level((r) => r.params.pageName, (r) => r.params.visualName, '/report/pages/:pageName/visuals/:visualName/filters');

  // Slicer state of a slicer visual.
  const slicerOf = async (req: IExtendedRequest) => {
    if (!(await report.ready())) return null;
    const page = report.page(req.params.pageName);
    const v = page?.visuals.find((x) => x.name === req.params.visualName);
    return page && v && v.type === 'slicer' ? { page, v } : null;
  };
  t.get('/report/pages/:pageName/visuals/:visualName/slicer', async (req) => {
    const s = await slicerOf(req);
    return s ? [200, report.slicerState(s.page, s.v)] : notFound(`no slicer "${req.params.visualName}" on page "${req.params.pageName}"`);
  });
  t.put('/report/pages/:pageName/visuals/:visualName/slicer', async (req) => {
    const s = await slicerOf(req);
    if (!s) return notFound(`no slicer "${req.params.visualName}" on page "${req.params.pageName}"`);
    const filters = (req.body as { filters?: unknown[] })?.filters ?? [];
    const bad = Array.isArray(filters) ? null : [{ message: 'filters must be an array' }];
    if (bad || !report.setSlicerState(s.page, s.v, filters)) return [400, bad ?? [{ message: 'a Bindery slicer takes Basic "In" filters' }]];
    return [202, null];
  });

  t.patch('/report/settings', (req) => {
    const errors = validateSettings(req.body);
    if (errors?.length) return [400, errors];
    report.updateSettings(req.body as Record<string, unknown>);
    return [202, null];
  });
  t.finish();
}
