// Preview: any report bound to any dataset the user may read. The
// compatibility check runs first and its mismatches are shown before any
// binding; a compatible pair is embedded with the SDK using the user's own
// access token (tokenType Aad) and datasetBinding — "embed for your organization".
import { call, paths, allReports, allDatasets, Compatibility, Report } from '../api';
import * as auth from '../auth';
import { h, mount, notice, field, select, busy, errorText, table } from '../dom';

// The SDK is loaded by the shell from /sdk/v1/bindery.js (global `bindery`).
interface EmbeddedReport {
  on(event: string, handler: (e: { detail?: unknown }) => void): void;
  setAccessToken?(token: string): Promise<unknown>;
}
interface SDKService { embed(el: HTMLElement, config: unknown): EmbeddedReport; reset(el: HTMLElement): void }
interface BinderySDK {
  service: { Service: new (...args: unknown[]) => SDKService };
  factories?: { hpmFactory: unknown; wpmpFactory: unknown; routerFactory: unknown };
}
declare global {
  interface Window { bindery?: BinderySDK }
}

let current: EmbeddedReport | null = null;
let service: SDKService | null = null;

// One Service for the page, built as powerbi-client apps build theirs.
function sdkService(sdk: BinderySDK): SDKService {
  const f = sdk.factories;
  service ??= f ? new sdk.service.Service(f.hpmFactory, f.wpmpFactory, f.routerFactory) : new sdk.service.Service();
  return service;
}
auth.onSessionChange((s) => {
  // Keep an open preview working across token renewals, without reloading it.
  if (s && current?.setAccessToken) void current.setAccessToken(s.accessToken).catch(() => {});
});

export async function previewPage(main: HTMLElement, _p: string[], q: URLSearchParams): Promise<void> {
  const [reports, datasets] = await Promise.all([allReports(), allDatasets()]);
  const reportSel = select('report', reports.map(({ ws, r }): [string, string] => [`${ws.id}:${r.id}`, `${r.name} (${ws.name})`]), q.get('report') ?? undefined);
  const datasetSel = select('dataset', datasets.map(({ ws, ds }): [string, string] => [ds.id, `${ds.name} (${ws.name})`]), q.get('dataset') ?? undefined);
  if (!q.get('dataset')) {
    // Start on a dataset other than the report's own: that is the point of dynamic binding.
    const r = reports.find(({ ws, r }) => `${ws.id}:${r.id}` === reportSel.value)?.r;
    const other = datasets.find((d) => d.ds.id !== r?.datasetId);
    if (other) datasetSel.value = other.ds.id;
  }
  // A dataset shared with the user (an item permission) may sit in a workspace
  // the user cannot list: its id can be given directly.
  const sharedId = h('input', { type: 'text', name: 'datasetId', autocomplete: 'off', spellcheck: 'false', pattern: '[0-9a-fA-F-]{36}' });
  const wanted = q.get('dataset');
  if (wanted && !datasets.some((d) => d.ds.id === wanted)) sharedId.value = wanted;
  const btn = h('button', { type: 'submit', id: 'preview-button' }, 'Check and preview');
  const result = h('div', { id: 'compat', 'aria-live': 'polite' });
  const events = h('ol', { id: 'embed-events', class: 'events', 'aria-label': 'Embed events' });
  const frame = h('div', { id: 'report-container', class: 'report-container', 'aria-label': 'Report preview' });
  const form = h('form', { id: 'preview-form', class: 'grid' }, field('Report', reportSel), field('Bind to dataset', datasetSel),
    field('Or a dataset id shared with you', sharedId, 'Overrides the list; for datasets outside your workspaces'), h('div', { class: 'field' }, btn));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(btn, result, async () => {
      const [wsId, reportId] = reportSel.value.split(':');
      const r = reports.find((x) => x.r.id === reportId)?.r;
      if (!r) return;
      const datasetId = sharedId.value.trim() || datasetSel.value;
      history.replaceState(null, '', `#/preview?report=${reportSel.value}&dataset=${datasetId}`);
      resetFrame(frame, events);
      mount(result, notice('info', 'Checking the dataset against the report…'));
      const c = await call<Compatibility>('POST', `${paths.report(wsId, reportId)}/CheckCompatibility`, { datasetId });
      const dsLabel = sharedId.value.trim() ? `dataset ${datasetId}` : datasetSel.selectedOptions[0]?.textContent ?? datasetId;
      if (!c.compatible) {
        mount(result,
          notice('error', `${dsLabel} cannot serve “${r.name}”: ${c.mismatches.length} field(s) missing or of the wrong type. The report was not bound.`),
          table('Mismatches', ['Field', 'Problem', 'Code', 'Used at'], c.mismatches.map((m) => [h('code', {}, m.field), m.message, m.code, m.where ?? '']), { id: 'mismatches' }));
        return;
      }
      mount(result, notice('ok', `Compatible: every field “${r.name}” uses is in ${dsLabel}. Embedding with your own access token…`));
      await embed(frame, events, r, datasetId);
    });
  });
  mount(main,
    h('h1', {}, 'Preview a report'),
    h('p', {}, 'Pick a report and any dataset you may read. The portal checks the dataset against the report first and shows what is missing; a compatible pair is embedded with the SDK, with your own access token (tokenType Aad) and datasetBinding.'),
    form, result,
    h('section', { 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h', class: 'small' }, 'Events'), events),
    frame);
  if (q.get('report') && q.get('dataset') && q.get('go') === '1') queueMicrotask(() => form.requestSubmit());
}

function resetFrame(frame: HTMLElement, events: HTMLElement): void {
  const sdk = window.bindery;
  if (sdk && current) {
    try {
      sdkService(sdk).reset(frame);
    } catch {
      // nothing embedded yet
    }
  }
  current = null;
  frame.replaceChildren();
  events.replaceChildren();
}

async function embed(frame: HTMLElement, events: HTMLElement, r: Report, datasetId: string): Promise<void> {
  const sdk = window.bindery;
  if (!sdk) throw new Error('the Bindery SDK (/sdk/v1/bindery.js) did not load');
  const accessToken = await auth.token();
  if (!accessToken) throw new Error('you are signed out');
  const log = (name: string, detail?: string) => {
    events.appendChild(h('li', { 'data-event': name }, h('strong', {}, name), detail ? ` — ${detail}` : ''));
  };
  const report = sdkService(sdk).embed(frame, {
    type: 'report', id: r.id, embedUrl: r.embedUrl, accessToken, tokenType: 0 /* Aad */,
    datasetBinding: { datasetId },
  });
  current = report;
  report.on('loaded', () => log('loaded'));
  report.on('rendered', () => log('rendered'));
  report.on('error', (e) => {
    const d = (e.detail ?? {}) as { message?: string; detailedMessage?: string; errorCode?: string };
    log('error', [d.errorCode, d.detailedMessage || d.message].filter(Boolean).join(': ') || errorText(e.detail));
  });
}
