// VisualDescriptor: one visual of a page — export and visual-level filters.
import * as models from 'powerbi-models';
import type { IHttpPostMessageResponse } from 'http-post-message';
import type { Page } from './page';
import type { IFilterable } from './report';
import { Filters, call } from './report';

/** A visual of a report page. */
export class VisualDescriptor implements IFilterable {
  page: Page;
  name: string;
  title: string;
  type: string;
  layout: models.IVisualLayout | undefined;

  constructor(page: Page, name: string, title: string, type: string, layout?: models.IVisualLayout) {
    this.page = page;
    this.name = name;
    this.title = title;
    this.type = type;
    this.layout = layout;
  }

  private base(): string {
    return `/report/pages/${encodeURIComponent(this.page.name)}/visuals/${encodeURIComponent(this.name)}`;
  }

  /** Exports the visual's data as CSV: summarized (default) or underlying, where the token allows it. */
  async exportData(exportDataType: models.ExportDataType = models.ExportDataType.Summarized, rows?: number): Promise<models.IExportDataResult> {
    const res = await call(this.page.report.send<models.IExportDataResult>('POST', this.base() + '/exportData', { rows, exportDataType }));
    return res.body;
  }

  /** Returns a slicer's state (`GET …/slicer`): its filters. */
  async getSlicerState(): Promise<models.ISlicerState> {
    return (await call(this.page.report.send<models.ISlicerState>('GET', this.base() + '/slicer'))).body;
  }

  /** Sets a slicer's selection (`PUT …/slicer`), e.g. `{ filters: [basicFilter] }`; resolves with the whole response. */
  setSlicerState(state: models.ISlicerState): Promise<IHttpPostMessageResponse<void>> {
    return call(this.page.report.send<void>('PUT', this.base() + '/slicer', state));
  }

  private get filters(): Filters { return new Filters(this.page.report, this.base()); }

  getFilters(): Promise<models.IFilter[]> { return this.filters.getFilters(); }
  setFilters(filters: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.setFilters(filters); }
  updateFilters(operation: models.FiltersOperations, filters?: models.IFilter[]): Promise<IHttpPostMessageResponse<void>> { return this.filters.updateFilters(operation, filters); }
  removeFilters(): Promise<IHttpPostMessageResponse<void>> { return this.filters.removeFilters(); }
}
