// The REST API, called with the signed-in user's bearer token. Errors come
// back in Power BI's envelope {"error": {code, message, target, details}} and
// are thrown as ApiError. A 401 renews the token once and retries.
import { token, refresh } from './auth';

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public target?: string, public details?: { code: string; message: string; target?: string }[]) {
    super(message);
  }
}

export const BASE = '/v1.0/myorg';

async function toError(status: number, text: string): Promise<ApiError> {
  try {
    const e = JSON.parse(text).error;
    if (e && typeof e === 'object') return new ApiError(status, e.code || `HTTP${status}`, e.message || text, e.target, e.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, `HTTP${status}`, text.slice(0, 300) || `HTTP ${status}`);
}

/** Calls the API; body is sent as JSON. Returns the parsed answer (or null for an empty one). */
export async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const t = await token();
    if (!t) throw new ApiError(401, 'SignedOut', 'you are signed out; sign in again');
    const headers: Record<string, string> = { Authorization: `Bearer ${t}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status === 401 && attempt === 0 && (await refresh())) continue;
    if (!r.ok) throw await toError(r.status, text);
    return (text ? JSON.parse(text) : null) as T;
  }
}

/** GET of a list answer {"value": [...]}. */
export async function list<T>(path: string): Promise<T[]> {
  const r = await call<{ value: T[] }>('GET', path);
  return r?.value ?? [];
}

/**
 * Uploads a file as the request body with XMLHttpRequest, which (unlike
 * fetch) reports upload progress. onProgress gets (sent, total) bytes.
 */
export async function upload<T>(path: string, file: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  const t = await token();
  if (!t) throw new ApiError(401, 'SignedOut', 'you are signed out; sign in again');
  return new Promise<T>((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    x.setRequestHeader('Authorization', `Bearer ${t}`);
    x.setRequestHeader('Content-Type', contentType);
    x.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    x.onload = async () => {
      if (x.status >= 200 && x.status < 300) {
        onProgress(file.size, file.size);
        resolve((x.responseText ? JSON.parse(x.responseText) : null) as T);
      } else reject(await toError(x.status, x.responseText));
    };
    x.onerror = () => reject(new ApiError(0, 'NetworkError', 'the upload failed: the connection was lost'));
    x.onabort = () => reject(new ApiError(0, 'Aborted', 'the upload was cancelled'));
    x.send(file);
  });
}

// Shapes of the answers the portal reads (only the fields it uses).

export interface Capacity {
  id: string; displayName: string; sku: string; state: string; region: string; admins?: string[];
  capacityUserAccessRight?: string;
  limits?: { maxConcurrentQueries: number; queryTimeoutSeconds: number; maxResultRows: number; maxDatasetMemoryMB: number };
}
export interface Workspace { id: string; name: string; description?: string; capacityId?: string; isOnDedicatedCapacity?: boolean }
export interface Member { identifier: string; displayName?: string; groupUserAccessRight: string; principalType: string }
export interface Dataset {
  id: string; name: string; storageMode: string; configuredBy?: string; createdDate?: string;
  isEffectiveIdentityRequired?: boolean; dataVersion?: number;
}
export interface Column { name: string; dataType: string; formatString?: string; isHidden?: boolean }
export interface Measure { name: string; expression: string; formatString?: string }
export interface TableInfo { name: string; columns: Column[]; measures: Measure[]; rowCount?: number }
export interface Role { name: string; modelPermission?: string; tablePermissions?: { name: string; filterExpression: string }[]; members?: string[] }
export interface Relationship { fromTable: string; fromColumn: string; toTable: string; toColumn: string }
export interface DatasetDefinition { name: string; defaultMode?: string; tables: TableInfo[]; relationships?: Relationship[]; roles?: Role[] }
export interface Report { id: string; name: string; description?: string; datasetId: string; datasetWorkspaceId?: string; embedUrl: string }
export interface FieldUse { field: string; aggregation?: string; displayName?: string }
export interface Visual { name: string; type: string; title?: string; position: { x: number; y: number; width: number; height: number }; fields: Record<string, FieldUse[]> }
export interface Page { name: string; displayName: string; visuals: Visual[] }
export interface ReportDefinition { name: string; description?: string; datasetId?: string; pages: Page[] }
export interface Mismatch { code: string; field: string; message: string; where?: string }
export interface Compatibility { compatible: boolean; reportId: string; datasetId: string; mismatches: Mismatch[] }
export interface EmbedToken { token: string; tokenId: string; expiration: string }
export interface TokenRecord {
  tokenId: string; caller: string; callerKind?: string; issuedAt: string; expiration: string;
  revoked?: boolean; revokedAt?: string; revokedBy?: string;
  reports?: { id: string }[] | null; datasets?: { id: string }[] | null; targetWorkspaces?: { id: string }[] | null;
  identities?: { username: string; roles?: string[]; datasets?: string[]; customData?: string }[] | null;
}

const enc = encodeURIComponent;
export const paths = {
  capacities: () => `${BASE}/capacities`,
  capacity: (id: string) => `${BASE}/capacities/${enc(id)}`,
  groups: () => `${BASE}/groups`,
  group: (g: string) => `${BASE}/groups/${enc(g)}`,
  members: (g: string) => `${BASE}/groups/${enc(g)}/users`,
  member: (g: string, u: string) => `${BASE}/groups/${enc(g)}/users/${enc(u)}`,
  datasets: (g: string) => `${BASE}/groups/${enc(g)}/datasets`,
  dataset: (g: string, d: string) => `${BASE}/groups/${enc(g)}/datasets/${enc(d)}`,
  reports: (g: string) => `${BASE}/groups/${enc(g)}/reports`,
  report: (g: string, r: string) => `${BASE}/groups/${enc(g)}/reports/${enc(r)}`,
  tokens: () => `${BASE}/embedTokens`,
  token: (id: string) => `${BASE}/embedTokens/${enc(id)}`,
};

/** Every dataset the user can list, with its workspace (workspaces the user belongs to). */
export async function allDatasets(): Promise<{ ws: Workspace; ds: Dataset }[]> {
  const wss = await list<Workspace>(paths.groups());
  const per = await Promise.all(wss.map(async (ws) => (await list<Dataset>(paths.datasets(ws.id)).catch(() => [])).map((ds) => ({ ws, ds }))));
  return per.flat();
}

/** Every report the user can list, with its workspace. */
export async function allReports(): Promise<{ ws: Workspace; r: Report }[]> {
  const wss = await list<Workspace>(paths.groups());
  const per = await Promise.all(wss.map(async (ws) => (await list<Report>(paths.reports(ws.id)).catch(() => [])).map((r) => ({ ws, r }))));
  return per.flat();
}
