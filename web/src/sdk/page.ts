// Page: one page of a report — activation, page-level filters, visuals.
import * as models from 'powerbi-models';
import type { IHttpPostMessageResponse } from 'http-post-message';
import type { Report, IFilterable } from './report';
import { Filters, call } from './report';
import { VisualDescriptor } from './visual';

/** A page of an embedded report. */
export class Page implements IFilterable {
  report: Report;
  name: string;
  displayName: string | undefined;
  isActive: boolean | undefined;
  visibility: models.SectionVisibility | undefined;
  defaultSize: models.ICustomPageSize | undefined;
  defaultDisplayOption: models.DisplayOption | undefined;
  mobileSize: models.ICustomPageSize | undefined;
  background: models.IPageBackground | undefined;
  wallpaper: models.IPageWallpaper | undefined;

  constructor(report: Report, name: string, displayName?: string, isActive?: boolean, visibility?: models.SectionVisibility,
    defaultSize?: models.ICustomPageSize, defaultDisplayOption?: models.DisplayOption, mobileSize?: models.ICustomPageSize,
    background?: models.IPageBackground, wallpaper?: models.IPageWallpaper) {
    this.report = report;
    this.name = name;
    this.displayName = displayName;
    this.isActive = isActive;
    this.visibility = visibility;
    this.defaultSize = defaultSize;
    this.defaultDisplayOption = defaultDisplayOption;
    this.mobileSize = mobileSize;
    this.background = background;
    this.wallpaper = wallpaper;
  }

  /** Makes this page the active one. */
  setActive(): Promise<IHttpPostMessageResponse<void>> {
    return this.report.setPage(this.name);
  }

  /** Returns the page's visuals. */
  async getVisuals(): Promise<VisualDescriptor[]> {
    const res = await call(this.report.send<models.IVisual[]>('GET', `/report/pages/${encodeURIComponent(this.name)}/visuals`));
    return res.body.map((v) => new VisualDescriptor(this, v.name, v.title, v.type, v.layout));
  }

  /** Returns the visual of this name, or rejects with "PowerBIEntityNotFound". */
  async getVisualByName(name: string): Promise<VisualDescriptor> {
    const v = (await this.getVisuals()).find((x) => x.name === name);
    if (!v) throw 'PowerBIEntityNotFound';
    return v;
  }

  /** Returns the page's slicers. */
  async getSlicers(): Promise<VisualDescriptor[]> {
    return (await this.getVisuals()).filter((v) => v.type === 'slicer');
  }

  private get filters(): Filters { return new Filters(this.report, `/report/pages/${encodeURIComponent(this.name)}`); }

  getFilters(): Promise<models.IFilter[]> { return this.filters.getFilters(); }
  setFilters(filters: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.setFilters(filters); }
  updateFilters(operation: models.FiltersOperations, filters?: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.updateFilters(operation, filters); }
  removeFilters(): Promise<IHttpPostMessageResponse<void>> { return this.filters.removeFilters(); }
}
