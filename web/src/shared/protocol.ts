// Types shared by the embed page and the SDK: the shapes of Bindery's embed
// data API (docs/embed-data-api.md) and the names of the events the embed page
// posts to its host over the powerbi-client wire protocol.

/** A field placed in a visual role. */
export interface FieldUse {
  field: string;
  aggregation?: string;
  displayName?: string;
}

/** Position of a visual on the 1280×720 page canvas, in pixels. */
export interface VisualPosition {
  x: number;
  y: number;
  width: number;
  height: number;
  z?: number;
}

/** A visual of the stored report definition, as /embed/v1/load returns it. */
export interface VisualDef {
  name: string;
  type: string;
  title?: string;
  position: VisualPosition;
  fields: Record<string, FieldUse[]>;
  filters?: unknown[];
  sort?: { field: string; direction: string }[];
  topN?: { count: number; by: string };
}

/** A page of the stored report definition. */
export interface PageDef {
  name: string;
  displayName: string;
  order: number;
  filters: unknown[];
  visuals: VisualDef[];
}

/** A column or measure of the bound dataset. */
export interface FieldInfo {
  field: string;
  table: string;
  name: string;
  kind: 'column' | 'measure';
  dataType?: string;
  formatString?: string;
}

/** What the viewer may do, decided by the server from the token or the user's rights. */
export interface EmbedPermissions {
  edit: boolean;
  exportSummarized: boolean;
  exportUnderlying: boolean;
}

/** Response of POST /embed/v1/load. */
export interface LoadResponse {
  report: {
    id: string;
    name: string;
    workspaceId: string;
    datasetId: string;
    originalDatasetId: string;
    filters: unknown[];
    pages: PageDef[];
  };
  dataset: { id: string; name: string; workspaceId: string; fields: FieldInfo[] };
  permissions: EmbedPermissions;
  identity: { username: string; roles: string[] } | null;
  /** RFC 3339; embed tokens only. */
  expiration?: string;
}

/** A result column of a visual query. */
export interface ResultColumn {
  name: string;
  field: string;
  dataType?: string;
}

/** One NDJSON line of POST /embed/v1/query. */
export interface VisualResult {
  visual: string;
  columns?: ResultColumn[];
  rows?: unknown[][];
  truncated?: boolean;
  cacheHit?: boolean;
  elapsedMs: number;
  error?: { code: string; message: string };
}

/** The API's error body: {"error": ServerError}. */
export interface ServerError {
  code: string;
  message: string;
  target?: string;
  details?: { code: string; message: string; target?: string }[];
}

/** Events the embed page posts to POST /reports/{uid}/events/{name}. */
export const EmbedEvents = [
  'loaded',
  'rendered',
  'error',
  'pageChanged',
  'dataSelected',
  'visualClicked',
  'filtersApplied',
  'visualRendered',
] as const;
export type EmbedEventName = (typeof EmbedEvents)[number];
