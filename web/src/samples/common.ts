// What both sample apps share: the SDK global (loaded from Bindery's stable URL,
// /sdk/v1/bindery.js, as an application would), an event log, and the error panel.
import type * as SDK from '../sdk/index';

declare global {
  // The SDK's IIFE build defines `bindery`, as powerbi-client's defines `powerbi-client`.
  const bindery: typeof SDK;
  interface Window { sample: SampleState }
}

export type Report = SDK.Report;

/** What the page did, kept on window.sample for people (and tests) who want to look. */
export interface SampleState {
  report?: SDK.Report;
  events: Array<{ name: string; at: string; detail?: unknown }>;
  loaded: number;
  rendered: number;
  renewals: number;
  lastError?: { errorCode?: string; message: string };
  datasetId?: string;
  tokenId?: string;
}

export const state: SampleState = { events: [], loaded: 0, rendered: 0, renewals: 0 };
window.sample = state;

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
}

/** Appends a line to the page's event log. */
export function log(name: string, text = '', detail?: unknown): void {
  const at = new Date().toLocaleTimeString();
  state.events.push({ name, at, detail });
  const li = document.createElement('li');
  const b = document.createElement('strong');
  b.textContent = name;
  li.append(`${at} `, b, text ? ` ${text}` : '');
  const list = document.getElementById('events');
  list?.prepend(li);
  while (list && list.children.length > 50) list.lastElementChild?.remove();
}

/** The human text of an SDK error event's detail (powerbi-models IError). */
export function errorText(detail: any): { errorCode?: string; message: string } {
  if (!detail) return { message: 'unknown error' };
  if (typeof detail === 'string') return { message: detail };
  const message = detail.detailedMessage || detail.message || JSON.stringify(detail);
  return { errorCode: detail.errorCode, message };
}

/** Shows (or with null hides) the error panel above the report. */
export function showError(err: { errorCode?: string; message: string } | null): void {
  const panel = $('embed-error');
  state.lastError = err ?? undefined;
  if (!err) {
    panel.hidden = true;
    panel.textContent = '';
    return;
  }
  panel.replaceChildren();
  const h = document.createElement('strong');
  h.textContent = err.errorCode ? `The report could not be shown (${err.errorCode}). ` : 'The report could not be shown. ';
  panel.append(h, err.message);
  panel.hidden = false;
}

/** A new SDK service, as powerbi-client's `new service.Service(...)`. */
export function newService(): SDK.service.Service {
  return new bindery.service.Service(bindery.factories.hpmFactory, bindery.factories.wpmpFactory, bindery.factories.routerFactory);
}

/** Wires the events every sample logs; onError also fills the error panel. */
export function watch(report: SDK.Report): void {
  report.on('loaded', () => { state.loaded++; log('loaded'); });
  report.on('rendered', () => { state.rendered++; log('rendered'); });
  report.on('error', (ev) => {
    const e = errorText(ev.detail);
    log('error', `${e.errorCode ?? ''} ${e.message}`.trim(), ev.detail);
    showError(e);
  });
}
