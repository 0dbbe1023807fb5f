// Client of the server's embed data API (docs/embed-data-api.md). The token
// travels only in the Authorization header; every request is re-authorized on
// the server.
import type { LoadResponse, ServerError, VisualResult } from '../shared/protocol';

/** A failed data request, carrying the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ServerError,
    readonly requestId?: string,
  ) {
    super(error.message);
  }
}

export interface Credentials {
  token: string;
  /** powerbi-models TokenType: 0 Aad (Bearer), 1 Embed (EmbedToken). */
  tokenType: number;
}

export interface Target {
  reportId: string;
  groupId?: string;
  datasetId?: string;
}

const QUERY_TIMEOUT_MS = 60_000;

function headers(c: Credentials): HeadersInit {
  return {
    'Content-Type': 'application/json',
    Authorization: (c.tokenType === 1 ? 'EmbedToken ' : 'Bearer ') + c.token,
  };
}

async function failure(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('RequestId') ?? undefined;
  let err: ServerError = { code: `Http${res.status}`, message: `the server answered ${res.status} ${res.statusText}` };
  try {
    const body = await res.json();
    if (body?.error?.code) err = body.error;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, err, requestId);
}

function networkError(e: unknown): ApiError {
  if ((e as Error)?.name === 'AbortError') throw e;
  return new ApiError(0, { code: 'NetworkError', message: 'the report server could not be reached: ' + String((e as Error)?.message ?? e) });
}

/** POST /embed/v1/load: the bound report and dataset. */
export async function loadReport(c: Credentials, t: Target, signal?: AbortSignal): Promise<{ data: LoadResponse; requestId?: string }> {
  let res: Response;
  try {
    res = await fetch('/embed/v1/load', { method: 'POST', headers: headers(c), body: JSON.stringify(t), signal, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw networkError(e);
  }
  if (!res.ok) throw await failure(res);
  return { data: (await res.json()) as LoadResponse, requestId: res.headers.get('RequestId') ?? undefined };
}

/** The body of POST /embed/v1/query (without the target). */
export interface QueryBody {
  page: string;
  visuals: { name: string; filters?: unknown[]; pageFilters?: unknown[] }[];
  filters: { report?: unknown[]; page?: unknown[] };
}

/**
 * POST /embed/v1/query: one batched request for a page; onLine runs for each
 * NDJSON line as it arrives. Resolves when the stream ends.
 */
export async function queryPage(c: Credentials, t: Target, body: QueryBody, onLine: (r: VisualResult) => void, signal: AbortSignal): Promise<void> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), QUERY_TIMEOUT_MS);
  const abort = () => timeout.abort();
  signal.addEventListener('abort', abort);
  try {
    let res: Response;
    try {
      res = await fetch('/embed/v1/query', { method: 'POST', headers: headers(c), body: JSON.stringify({ ...t, ...body }), signal: timeout.signal, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      if (!signal.aborted && timeout.signal.aborted) throw new ApiError(0, { code: 'QueryTimeout', message: 'the report server did not answer in time' });
      throw networkError(e);
    }
    if (!res.ok) throw await failure(res);
    if (!res.body) throw new ApiError(0, { code: 'NetworkError', message: 'the query response has no body' });
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (!signal.aborted && timeout.signal.aborted) throw new ApiError(0, { code: 'QueryTimeout', message: 'the report server did not answer in time' });
        throw networkError(e);
      }
      if (chunk.done) break;
      buf += dec.decode(chunk.value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) onLine(JSON.parse(line) as VisualResult);
      }
    }
    const rest = (buf + dec.decode()).trim();
    if (rest) onLine(JSON.parse(rest) as VisualResult);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** The body of POST /embed/v1/export (without the target). */
export interface ExportBody {
  page: string;
  visual: string;
  dataType: 'Summarized' | 'Underlying';
  rows?: number;
  filters: { report?: unknown[]; page?: unknown[] };
  visualFilters?: unknown[];
}

/** POST /embed/v1/export: a visual's data as CSV text. */
export async function exportVisual(c: Credentials, t: Target, body: ExportBody): Promise<string> {
  let res: Response;
  try {
    res = await fetch('/embed/v1/export', { method: 'POST', headers: headers(c), body: JSON.stringify({ ...t, ...body }), credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw networkError(e);
  }
  if (!res.ok) throw await failure(res);
  return res.text();
}
