// Report: an embedded report — pages, report-level filters, refresh, render.
import * as models from 'powerbi-models';
import type { IHttpPostMessageResponse } from 'http-post-message';
import { Embed, IEmbedConfiguration, bodyOf } from './embed';
import { Page } from './page';
import type { Service } from './service';

/** The filters interface shared by Report, Page and VisualDescriptor. */
export interface IFilterable {
  getFilters(): Promise<models.IFilter[]>;
  setFilters(filters: models.IFilter[]): Promise<IHttpPostMessageResponse<void>>;
  updateFilters(operation: models.FiltersOperations, filters?: models.IFilter[]): Promise<IHttpPostMessageResponse<void>>;
  removeFilters(): Promise<IHttpPostMessageResponse<void>>;
}

/** Filter calls on one route prefix, answered as powerbi-client answers them. */
export class Filters implements IFilterable {
  constructor(private embed: Embed, private base: string) {}

  /** Returns the filters at this level. */
  async getFilters(): Promise<models.IFilter[]> {
    return call(this.embed.send<models.IFilter[]>('GET', this.base + '/filters')).then((r) => r.body);
  }

  /** Replaces the filters at this level; resolves with the whole response, as powerbi-client does. */
  setFilters(filters: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> {
    return call(this.embed.send<void>('PUT', this.base + '/filters', filters));
  }

  /** Adds, replaces or removes filters (models.FiltersOperations). */
  updateFilters(operation: models.FiltersOperations, filters?: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> {
    return call(this.embed.send<void>('POST', this.base + '/filters', { filtersOperation: operation, filters }));
  }

  /** Removes every filter at this level. */
  removeFilters(): Promise<IHttpPostMessageResponse<void>> {
    return this.updateFilters(models.FiltersOperations.RemoveAll);
  }
}

/** Rejects with the response body, as powerbi-client does. */
export function call<T>(p: Promise<T>): Promise<T> {
  return p.catch((e) => { throw bodyOf(e); });
}

/** An embedded report. */
export class Report extends Embed implements IFilterable {
  /** The embed type name. */
  static type = 'Report';

  /**
   * Mirrors powerbi-client's constructor. Pass `iframe` to use an iframe you created
   * (powerbi-client's "route A"); otherwise the SDK creates one inside `element`.
   */
  constructor(service: Service, element: HTMLElement, config: IEmbedConfiguration, phasedRender = false, isBootstrap = false, iframe?: HTMLIFrameElement) {
    super('report', service, element, config, iframe, phasedRender, isBootstrap);
  }

  /** Returns the report's id. */
  getId(): string {
    return this.config.id!;
  }

  /** Returns the report's pages. */
  async getPages(): Promise<Page[]> {
    const res = await call(this.send<models.IPage[]>('GET', '/report/pages'));
    return res.body.map((p) => new Page(this, p.name, p.displayName, p.isActive, p.visibility, p.defaultSize, p.defaultDisplayOption, p.mobileSize, p.background, p.wallpaper));
  }

  /** Returns the active page. */
  async getActivePage(): Promise<Page> {
    const pages = await this.getPages();
    const p = pages.find((x) => x.isActive);
    if (!p) throw 'PowerBIEntityNotFound';
    return p;
  }

  /** Returns the page of this name, or rejects with "PowerBIEntityNotFound". */
  async getPageByName(name: string): Promise<Page> {
    const p = (await this.getPages()).find((x) => x.name === name);
    if (!p) throw 'PowerBIEntityNotFound';
    return p;
  }

  /** Returns a Page object for a page name without asking the embed page. */
  page(name: string, displayName?: string, isActive?: boolean): Page {
    return new Page(this, name, displayName, isActive);
  }

  /** Makes a page active; `pageChanged` and `rendered` follow. */
  setPage(pageName: string): Promise<IHttpPostMessageResponse<void>> {
    return call(this.send<void>('PUT', '/report/pages/active', { name: pageName, displayName: null, isActive: true }));
  }

  private get filters(): Filters { return new Filters(this, '/report'); }

  getFilters(): Promise<models.IFilter[]> { return this.filters.getFilters(); }
  setFilters(filters: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.setFilters(filters); }
  updateFilters(operation: models.FiltersOperations, filters?: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.updateFilters(operation, filters); }
  removeFilters(): Promise<IHttpPostMessageResponse<void>> { return this.filters.removeFilters(); }

  /** Runs the page's queries again. */
  async refresh(): Promise<void> {
    return (await call(this.send<void>('POST', '/report/refresh', null))).body;
  }

  /** Renders a report loaded with `service.load` (phased embedding). */
  async render(config?: IEmbedConfiguration): Promise<void> {
    return (await call(this.send<void>('POST', '/report/render', config ?? null))).body;
  }

  /** Changes settings (`PATCH /report/settings`); resolves with the whole response. */
  updateSettings(settings: models.ISettings): Promise<IHttpPostMessageResponse<void>> {
    return call(this.send<void>('PATCH', '/report/settings', settings));
  }

  /** Prints the report. */
  async print(): Promise<void> {
    return (await call(this.send<void>('POST', '/report/print', null))).body;
  }
}
