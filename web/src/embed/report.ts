// The embedded report: its configuration, state (page, filters, selections) and
// the render cycle. Routes (routes.ts) call it; it calls the server (api.ts) and
// posts events to the host.
import type { FieldInfo, LoadResponse, PageDef, ServerError, VisualDef, VisualResult } from '../shared/protocol';
import { ApiError, Credentials, Target, loadReport, queryPage, exportVisual } from './api';
import { View, Frame, CANVAS_W, CANVAS_H } from './view';
import { createVisual, Visual, Selection } from './visuals';
import { el } from './visuals/common';
import { formatter } from './format';
import { basicIn, basicValues, selectionFilters, targetOf, updateFilters } from './filters';

/** The parts of powerbi-models' IReportLoadConfiguration the page uses. */
export interface LoadConfig {
  accessToken: string;
  tokenType?: number;
  id: string;
  groupId?: string;
  datasetBinding?: { datasetId?: string };
  filters?: unknown[] | { allPages?: { operation: number; filters?: unknown[] }; currentPage?: { operation: number; filters?: unknown[] } };
  pageName?: string;
  slicers?: { selector?: { visualName?: string }; state?: { filters?: unknown[] } }[];
  settings?: { navContentPaneEnabled?: boolean; visualRenderedEvents?: boolean; localeSettings?: { formatLocale?: string; language?: string }; [k: string]: unknown };
  [k: string]: unknown;
}

/** powerbi-models' IError, plus the server's details (missing fields of IncompatibleDataset). */
export interface EmbedError {
  message: string;
  detailedMessage?: string;
  errorCode?: string;
  level?: number;
  technicalDetails?: { requestId?: string; errorInfo?: { key: string; value: string }[] };
  details?: ServerError['details'];
}

/** TraceType levels of powerbi-models. */
const Level = { Warning: 2, Error: 3, Fatal: 6 };

type Status = 'pending' | 'done' | 'error';

interface VisualView {
  def: VisualDef;
  frame: Frame;
  visual: Visual;
  status: Status;
  key: string;
}

const tokenCodes = new Set(['TokenExpired', 'InvalidToken', 'TokenRevoked', 'TokenRequired']);

export class Report {
  uid = '';
  private config: LoadConfig | null = null;
  private creds: Credentials = { token: '', tokenType: 0 };
  private target: Target = { reportId: '' };
  meta: LoadResponse | null = null;
  private fieldMap = new Map<string, FieldInfo>();
  private loadGen = 0;
  private loading: Promise<void> = Promise.resolve();
  private correlationId = '';
  private activeName = '';
  private reportFilters: unknown[] = [];
  private pageFilters = new Map<string, unknown[]>();
  private visualFilters = new Map<string, unknown[]>();
  /** Selections per page, per visual: slicer choices and the data point a viewer clicked. */
  private selections = new Map<string, Map<string, Selection[]>>();
  private views = new Map<string, VisualView>();
  private renderGen = 0;
  private abort: AbortController | null = null;
  /** A failure that stopped the whole report (load or query request); cleared by a successful retry. */
  private failure: ApiError | null = null;
  private locale = 'en-US';
  private firstRenderPending = false;

  constructor(
    private view: View,
    private post: (name: string, body: unknown) => void,
    private shell: { reportId?: string; groupId?: string },
  ) {}

  /** Starts loading a validated configuration: metadata, then (unless phased) the active page. */
  load(config: LoadConfig, render: boolean): void {
    this.config = config;
    this.creds = { token: config.accessToken, tokenType: config.tokenType ?? 0 };
    this.target = {
      reportId: config.id || this.shell.reportId || '',
      groupId: config.groupId || this.shell.groupId || undefined,
      datasetId: config.datasetBinding?.datasetId || undefined,
    };
    this.locale = config.settings?.localeSettings?.formatLocale || config.settings?.localeSettings?.language || navigator.language || 'en-US';
    try {
      new Intl.NumberFormat(this.locale);
    } catch {
      this.locale = 'en-US';
    }
    const gen = ++this.loadGen;
    this.abort?.abort();
    this.disposeViews();
    this.meta = null;
    this.failure = null;
    this.view.loading();
    this.loading = this.fetchMeta(gen, render);
  }

  private async fetchMeta(gen: number, render: boolean): Promise<void> {
    try {
      const { data, requestId } = await loadReport(this.creds, this.target);
      if (gen !== this.loadGen) return;
      this.correlationId = requestId ?? this.correlationId;
      this.meta = data;
      this.fieldMap = new Map();
      for (const f of data.dataset.fields) {
        this.fieldMap.set(fieldKey(f.table, f.name, f.kind === 'measure'), f);
        // A measure may be written with or without its table: Sales[Total Sales] or [Total Sales].
        if (f.kind === 'measure') this.fieldMap.set(fieldKey('', f.name, true), f);
      }
      this.initState();
      this.view.clear();
      this.showPage();
      this.post('loaded', { initiator: 'sdk' });
      if (render) this.render();
    } catch (e) {
      if (gen !== this.loadGen) return;
      this.fail(asApiError(e), 'LoadReportFailed');
    }
  }

  /** Filters, page and slicers from the definition and the embed configuration, before anything is queried. */
  private initState(): void {
    const m = this.meta!;
    const cfg = this.config!;
    const pages = this.pages();
    this.reportFilters = [...m.report.filters];
    this.pageFilters = new Map(pages.map((p) => [p.name, [...p.filters]]));
    this.visualFilters = new Map(pages.flatMap((p) => p.visuals.map((v) => [p.name + '\u0000' + v.name, [...(v.filters ?? [])]] as [string, unknown[]])));
    this.selections = new Map(pages.map((p) => [p.name, new Map()]));
    this.activeName = pages[0]?.name ?? '';
    if (cfg.pageName) {
      if (pages.some((p) => p.name === cfg.pageName)) this.activeName = cfg.pageName;
      else this.post('error', { message: 'PageNotFound', detailedMessage: `the report has no page "${cfg.pageName}"; showing "${this.activeName}"`, errorCode: 'PageNotFound', level: Level.Warning });
    }
    const f = cfg.filters;
    if (Array.isArray(f)) this.reportFilters = [...f];
    else if (f) {
      if (f.allPages) this.reportFilters = updateFilters(this.reportFilters, f.allPages.operation, f.allPages.filters);
      if (f.currentPage) this.pageFilters.set(this.activeName, updateFilters(this.pageFilters.get(this.activeName) ?? [], f.currentPage.operation, f.currentPage.filters));
    }
    for (const s of cfg.slicers ?? []) {
      const name = s.selector?.visualName;
      for (const p of pages) {
        const v = p.visuals.find((x) => x.name === name && x.type === 'slicer');
        if (v) this.setSlicerState(p, v, s.state?.filters ?? []);
      }
    }
  }

  /** The dataset's field that a reference names, however it is written ('Store'[Region], store[region], [Total Sales]). */
  private field(ref: string): FieldInfo | undefined {
    const m = /^\s*(?:'((?:[^']|'')*)'|([^[]*?))\s*\[(.*)\]\s*$/.exec(ref);
    if (!m) return undefined;
    const table = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
    return this.fieldMap.get(fieldKey(table, m[3], false)) ?? this.fieldMap.get(fieldKey(table, m[3], true));
  }

  /** Pages in report order. */
  pages(): PageDef[] {
    return [...(this.meta?.report.pages ?? [])].sort((a, b) => a.order - b.order);
  }

  page(name: string): PageDef | undefined {
    return this.meta?.report.pages.find((p) => p.name === name);
  }

  get active(): string {
    return this.activeName;
  }

  /** Waits for the load in flight; false when no report is loaded. */
  async ready(): Promise<boolean> {
    await this.loading;
    return this.meta !== null;
  }

  /** powerbi-models IPage. */
  pageInfo(p: PageDef): Record<string, unknown> {
    return { name: p.name, displayName: p.displayName, isActive: p.name === this.activeName, visibility: 0, defaultSize: { type: 0, width: CANVAS_W, height: CANVAS_H }, defaultDisplayOption: 0 };
  }

  /** powerbi-models IVisual. */
  visualInfo(v: VisualDef): Record<string, unknown> {
    const p = v.position;
    return { name: v.name, title: v.title ?? '', type: v.type, layout: { x: p.x, y: p.y, z: p.z ?? 0, width: p.width, height: p.height, displayState: { mode: 0 } } };
  }

  private reportInfo() {
    return { id: this.meta?.report.id ?? this.target.reportId, displayName: this.meta?.report.name ?? '' };
  }

  /** Builds the active page's frames and tabs (no data yet). */
  private showPage(): void {
    this.disposeViews();
    const page = this.page(this.activeName);
    if (!page) return;
    const frames = this.view.layout(page);
    for (const def of page.visuals) {
      const frame = frames.get(def.name)!;
      const v: VisualView = { def, frame, status: 'pending', key: '', visual: null as unknown as Visual };
      v.visual = this.makeVisual(v);
      // visualClicked goes first, as in Power BI (capture phase, before the visual's own handlers).
      frame.section.addEventListener('click', () => this.post('visualClicked', { report: this.reportInfo(), page: this.pageInfo(page), visual: this.visualInfo(def) }), true);
      this.views.set(def.name, v);
    }
    this.view.setTabs(this.pages(), this.activeName, this.config?.settings?.navContentPaneEnabled !== false, (name) => void this.setPage(name));
  }

  private disposeViews(): void {
    for (const v of this.views.values()) v.visual.dispose();
    this.views.clear();
  }

  /** The page filters one visual sees: the page's, the page's slicers and cross-filter, except its own selection. */
  private effectivePageFilters(page: PageDef, visualName: string): unknown[] {
    const out = [...(this.pageFilters.get(page.name) ?? [])];
    for (const [owner, sels] of this.selections.get(page.name) ?? []) {
      if (owner !== visualName && sels.length) out.push(...selectionFilters(sels, (f) => this.field(f)));
    }
    return out;
  }

  /**
   * Queries the visuals of the active page whose inputs changed (or all, with force)
   * in one request, and paints each as its line arrives; posts rendered when every
   * visual of the page has painted.
   */
  render(force = false): void {
    const page = this.page(this.activeName);
    if (!this.meta || !page) return;
    const gen = ++this.renderGen;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const reqs: { name: string; filters: unknown[]; pageFilters: unknown[] }[] = [];
    const base = JSON.stringify([this.target, this.reportFilters]);
    for (const v of this.views.values()) {
      const r = { name: v.def.name, filters: this.visualFilters.get(page.name + '\u0000' + v.def.name) ?? [], pageFilters: this.effectivePageFilters(page, v.def.name) };
      const key = base + JSON.stringify(r);
      if (force || key !== v.key || v.status !== 'done') {
        v.key = key;
        v.status = 'pending';
        v.frame.body.setAttribute('aria-busy', 'true');
        v.frame.section.classList.add('bd-busy');
        reqs.push(r);
      }
    }
    if (!reqs.length) return;
    this.firstRenderPending = true;
    const got = new Set<string>();
    const onLine = (r: VisualResult) => {
      if (gen !== this.renderGen) return;
      const v = this.views.get(r.visual);
      if (!v) return;
      got.add(r.visual);
      if (r.error) {
        this.visualFailed(v, r.error);
        this.maybeRendered(gen);
        return;
      }
      // A frame that showed an error gets its visual back on an empty body.
      if (v.frame.section.classList.contains('bd-failed')) {
        v.frame.body.replaceChildren();
        v.frame.section.classList.remove('bd-failed');
      }
      v.visual.render({ columns: r.columns ?? [], rows: r.rows ?? [], truncated: !!r.truncated }, () => {
        if (gen !== this.renderGen) return;
        v.status = 'done';
        v.frame.body.removeAttribute('aria-busy');
        v.frame.section.classList.remove('bd-busy', 'bd-failed');
        if (this.config?.settings?.visualRenderedEvents) this.post('visualRendered', { name: v.def.name, visual: this.visualInfo(v.def) });
        this.maybeRendered(gen);
      });
    };
    queryPage(this.creds, this.target, { page: page.name, visuals: reqs, filters: { report: this.reportFilters, page: this.pageFilters.get(page.name) ?? [] } }, onLine, abort.signal)
      .then(() => {
        if (gen !== this.renderGen) return;
        this.failure = null;
        for (const r of reqs) {
          const v = this.views.get(r.name);
          // The stream ended without this visual's line: say so rather than spin.
          if (v && !got.has(r.name)) this.visualFailed(v, { code: 'NoResult', message: 'the server sent no result for this visual' });
        }
        this.maybeRendered(gen);
      })
      .catch((e) => {
        if (abort.signal.aborted || gen !== this.renderGen) return;
        const err = asApiError(e);
        if (err.status === 401 || err.status === 403 || err.status === 404 || err.error.code === 'IncompatibleDataset') {
          this.fail(err, 'RenderFailed');
          return;
        }
        for (const r of reqs) {
          const v = this.views.get(r.name);
          if (v && v.status === 'pending') this.visualFailed(v, err.error, true);
        }
        this.post('error', toIError(err, 'RenderFailed', Level.Error));
      });
  }

  private visualFailed(v: VisualView, e: { code: string; message: string }, quiet = false): void {
    v.status = 'error';
    v.frame.body.removeAttribute('aria-busy');
    v.frame.section.classList.remove('bd-busy');
    v.frame.section.classList.add('bd-failed');
    v.visual.dispose();
    v.visual = this.makeVisual(v);
    const box = el('div', 'bd-visual-error');
    box.setAttribute('role', 'alert');
    box.dataset.errorCode = e.code;
    box.append(el('strong', '', "Can't display this visual"), el('span', '', e.message), el('code', '', e.code));
    v.frame.body.replaceChildren(box);
    if (!quiet) this.post('error', { message: 'VisualQueryFailed', detailedMessage: `${v.def.name}: ${e.message}`, errorCode: e.code, level: Level.Error, technicalDetails: { requestId: this.correlationId, errorInfo: [{ key: 'visual', value: v.def.name }] } });
  }

  /** A visual drawing into a frame (again, after an error replaced its content). */
  private makeVisual(v: VisualView): Visual {
    const page = this.page(this.activeName)!;
    return createVisual({
      def: v.def,
      el: v.frame.body,
      locale: this.locale,
      field: (f) => this.field(f),
      format: (col) => {
        const info = this.field(col.field);
        return formatter(info?.formatString, col.dataType ?? info?.dataType, this.locale);
      },
      select: (sel) => this.select(page, v.def, sel),
      selected: () => this.selections.get(page.name)?.get(v.def.name) ?? [],
    });
  }

  private maybeRendered(gen: number): void {
    if (gen !== this.renderGen || !this.firstRenderPending) return;
    for (const v of this.views.values()) if (v.status === 'pending') return;
    this.firstRenderPending = false;
    this.post('rendered', null);
  }

  /** A failure of the whole report: error panel and error event. */
  private fail(err: ApiError, message: string): void {
    this.failure = err;
    this.abort?.abort();
    this.view.error(err.error, err.requestId);
    this.post('error', toIError(err, message, Level.Fatal));
  }

  /** A selection from a visual: slicers keep theirs; a data point replaces any other cross-filter of the page. */
  private select(page: PageDef, def: VisualDef, sel: Selection[] | null): void {
    const m = this.selections.get(page.name)!;
    if (def.type !== 'slicer') {
      for (const [owner] of m) {
        const d = page.visuals.find((x) => x.name === owner);
        if (d && d.type !== 'slicer' && owner !== def.name) {
          m.delete(owner);
          this.views.get(owner)?.visual.highlight?.();
        }
      }
    }
    if (sel && sel.length) m.set(def.name, sel);
    else m.delete(def.name);
    this.views.get(def.name)?.visual.highlight?.();
    this.render();
    const sels = sel ?? [];
    this.post('dataSelected', {
      report: this.reportInfo(),
      page: this.pageInfo(page),
      visual: this.visualInfo(def),
      dataPoints: sels.map((s) => ({
        identity: s.identity.map((i) => ({ target: targetOf(i.field, this.field(i.field)), equals: i.value })),
        values: s.values.map((x) => {
          const info = this.field(x.field);
          return { target: targetOf(x.field, info), value: x.value, formattedValue: formatter(info?.formatString, info?.dataType, this.locale)(x.value) };
        }),
      })),
      regions: [],
      filters: selectionFilters(sels, (f) => this.field(f)),
    });
  }

  /** PUT /report/pages/active. */
  async setPage(name: string): Promise<[number, unknown?]> {
    if (!(await this.ready())) return notLoaded();
    const page = this.page(name);
    if (!page) return [404, { message: 'PowerBIEntityNotFound', detailedMessage: `the report has no page "${name}"` }];
    if (name !== this.activeName) {
      this.activeName = name;
      this.showPage();
      this.post('pageChanged', { newPage: this.pageInfo(page) });
      this.render();
    }
    return [202];
  }

  /** POST /report/render (phased embedding) and the first paint after prepare. */
  async renderNow(): Promise<[number, unknown?]> {
    if (!(await this.ready())) return notLoaded();
    this.render();
    return [202];
  }

  /** POST /report/refresh: queries every visual of the page again. */
  async refresh(): Promise<[number, unknown?]> {
    if (!(await this.ready())) return notLoaded();
    this.render(true);
    return [202];
  }

  /** POST /report/token: new token, no reload; a report stopped by its old token recovers. */
  setToken(token: string): void {
    this.creds = { ...this.creds, token };
    if (this.config) this.config.accessToken = token;
    const stopped = this.failure && tokenCodes.has(this.failure.error.code);
    if (!stopped && !this.failedVisualsByToken()) return;
    if (!this.meta) {
      this.load(this.config!, true);
      return;
    }
    this.failure = null;
    this.view.clear();
    this.showPage();
    this.render(true);
  }

  private failedVisualsByToken(): boolean {
    for (const v of this.views.values()) {
      const code = v.frame.body.querySelector<HTMLElement>('.bd-visual-error')?.dataset.errorCode;
      if (code && tokenCodes.has(code)) return true;
    }
    return false;
  }

  getCorrelationId(): string {
    return this.correlationId;
  }

  /** The filter list at a level: report (no page), page, or visual. */
  filters(pageName?: string, visualName?: string): unknown[] | undefined {
    if (pageName === undefined) return this.reportFilters;
    if (!this.page(pageName)) return undefined;
    if (visualName === undefined) return this.pageFilters.get(pageName);
    return this.visualFilters.get(pageName + '\u0000' + visualName);
  }

  /** Replaces a filter list, posts filtersApplied and repaints what changed. */
  setFilters(list: unknown[], pageName?: string, visualName?: string): void {
    if (pageName === undefined) this.reportFilters = list;
    else if (visualName === undefined) this.pageFilters.set(pageName, list);
    else this.visualFilters.set(pageName + '\u0000' + visualName, list);
    this.post('filtersApplied', { filters: list, ...(pageName ? { page: pageName } : {}), ...(visualName ? { visual: visualName } : {}) });
    if (pageName === undefined || pageName === this.activeName) this.render();
  }

  /** Slicer state (GET …/visuals/:v/slicer): the selection as a Basic filter. */
  slicerState(page: PageDef, v: VisualDef): Record<string, unknown> {
    const field = v.fields?.values?.[0]?.field ?? Object.values(v.fields ?? {})[0]?.[0]?.field ?? '';
    const target = targetOf(field, this.field(field));
    const sels = this.selections.get(page.name)?.get(v.name) ?? [];
    return { filters: sels.length ? [basicIn(target, sels.map((s) => s.identity[0]?.value))] : [], targets: [target] };
  }

  /** Sets a slicer's selection from Basic "In" filters (the embed config's slicers, PUT …/slicer). */
  setSlicerState(page: PageDef, v: VisualDef, filters: unknown[]): boolean {
    const field = v.fields?.values?.[0]?.field ?? Object.values(v.fields ?? {})[0]?.[0]?.field ?? '';
    const vals: unknown[] = [];
    for (const f of filters) {
      const b = basicValues(f);
      if (!b) return false;
      vals.push(...b);
    }
    const m = this.selections.get(page.name)!;
    if (vals.length) m.set(v.name, vals.map((x) => ({ identity: [{ field, value: x }], values: [] })));
    else m.delete(v.name);
    if (page.name === this.activeName) {
      this.views.get(v.name)?.visual.highlight?.();
      this.render();
    }
    return true;
  }

  /** POST …/visuals/:v/exportData: the visual's data as CSV, where the load's permissions allow. */
  async exportData(pageName: string, visualName: string, body: { rows?: number; exportDataType?: number }): Promise<[number, unknown?]> {
    if (!(await this.ready())) return notLoaded();
    const page = this.page(pageName);
    const v = page?.visuals.find((x) => x.name === visualName);
    if (!page || !v) return [404, { message: 'PowerBIEntityNotFound', detailedMessage: `no visual "${visualName}" on page "${pageName}"` }];
    const underlying = body?.exportDataType === 1;
    const perm = this.meta!.permissions;
    if (underlying ? !perm.exportUnderlying : !perm.exportSummarized) {
      return [403, { message: 'InsufficientPermissions', errorCode: 'InsufficientPermissions', detailedMessage: underlying ? 'exporting underlying data needs edit rights on the report' : 'exporting data is not allowed for this report', level: Level.Error }];
    }
    try {
      const csv = await exportVisual(this.creds, this.target, {
        page: page.name,
        visual: v.name,
        dataType: underlying ? 'Underlying' : 'Summarized',
        rows: typeof body?.rows === 'number' && body.rows > 0 ? body.rows : undefined,
        filters: { report: this.reportFilters, page: this.effectivePageFilters(page, v.name) },
        visualFilters: this.visualFilters.get(page.name + '\u0000' + v.name) ?? [],
      });
      return [200, { data: csv }];
    } catch (e) {
      const err = asApiError(e);
      return [err.status || 500, toIError(err, 'ExportDataFailed', Level.Error)];
    }
  }

  /** Applies changed settings (PATCH /report/settings). */
  updateSettings(s: Record<string, unknown>): void {
    if (!this.config) return;
    this.config.settings = { ...(this.config.settings ?? {}), ...s };
    if (this.meta) this.view.setTabs(this.pages(), this.activeName, this.config.settings.navContentPaneEnabled !== false, (name) => void this.setPage(name));
  }

  /** Reports a configuration the page refused (validation errors) as Power BI would, plus an error event and panel. */
  rejectConfig(errors: { message: string }[]): void {
    const msg = errors.map((e) => e.message).join('; ');
    this.view.error({ code: 'InvalidConfiguration', message: msg });
    this.post('error', { message: 'InvalidConfiguration', detailedMessage: msg, errorCode: 'InvalidConfiguration', level: Level.Fatal });
  }
}

function notLoaded(): [number, unknown] {
  return [400, { message: 'ReportNotLoaded', detailedMessage: 'the report is not loaded (see the error event)' }];
}

function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, { code: 'ClientError', message: String((e as Error)?.message ?? e) });
}

function fieldKey(table: string, name: string, measure: boolean): string {
  return (measure ? 'm:' : 'c:') + table.toLowerCase() + '\u0000' + name.toLowerCase();
}

/** powerbi-models IError from a server error. */
export function toIError(err: ApiError, message: string, level: number): EmbedError {
  const info = [{ key: 'httpStatus', value: String(err.status) }];
  for (const d of err.error.details ?? []) info.push({ key: d.code, value: d.target ?? d.message });
  return {
    message,
    detailedMessage: err.error.message,
    errorCode: err.error.code,
    level,
    technicalDetails: { requestId: err.requestId, errorInfo: info },
    ...(err.error.details ? { details: err.error.details } : {}),
  };
}
