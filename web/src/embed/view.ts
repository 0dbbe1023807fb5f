// The page's DOM: a stage that fits the 1280×720 report canvas to the frame,
// visual frames placed from the definition, page tabs, and the status panels
// (loading, error) that keep the frame from ever being blank.
import type { PageDef, ServerError, VisualDef } from '../shared/protocol';
import { el } from './visuals/common';

export const CANVAS_W = 1280;
export const CANVAS_H = 720;

/** A visual's frame on the canvas. */
export interface Frame {
  section: HTMLElement;
  body: HTMLElement;
}

export class View {
  readonly stage = el('div', 'bd-stage');
  private viewport = el('div', 'bd-viewport');
  private canvas = el('div', 'bd-canvas');
  private tabs = el('nav', 'bd-tabs');
  private overlay = el('div', 'bd-overlay');
  private canvasH = CANVAS_H;
  private waitTimer = 0;

  constructor(private root: HTMLElement) {
    this.tabs.setAttribute('aria-label', 'Pages');
    this.tabs.hidden = true;
    this.viewport.append(this.canvas);
    this.stage.append(this.viewport, this.tabs, this.overlay);
    root.replaceChildren(this.stage);
    new ResizeObserver(() => this.fit()).observe(this.viewport);
  }

  /** Scales the canvas to fit the frame (Power BI's "fit to page"), centered horizontally. */
  fit(): void {
    const w = this.viewport.clientWidth;
    const h = this.viewport.clientHeight;
    if (!w || !h) return;
    const s = Math.min(w / CANVAS_W, h / this.canvasH);
    this.canvas.style.transform = `scale(${s})`;
    this.canvas.style.left = `${Math.max(0, (w - CANVAS_W * s) / 2)}px`;
  }

  /** Draws the frames of a page's visuals (empty, marked busy) in reading order; returns them by name. */
  layout(page: PageDef): Map<string, Frame> {
    const frames = new Map<string, Frame>();
    const visuals = [...page.visuals].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x);
    this.canvasH = Math.max(CANVAS_H, ...visuals.map((v) => v.position.y + v.position.height));
    this.canvas.style.height = this.canvasH + 'px';
    this.canvas.setAttribute('aria-label', page.displayName);
    this.canvas.setAttribute('role', 'region');
    const nodes: HTMLElement[] = [];
    for (const v of visuals) {
      const f = this.frame(v);
      frames.set(v.name, f);
      nodes.push(f.section);
    }
    this.canvas.replaceChildren(...nodes);
    this.fit();
    return frames;
  }

  private frame(v: VisualDef): Frame {
    const p = v.position;
    const section = el('section', 'bd-visual bd-' + v.type);
    section.dataset.visual = v.name;
    section.dataset.type = v.type;
    Object.assign(section.style, { left: p.x + 'px', top: p.y + 'px', width: p.width + 'px', height: p.height + 'px', zIndex: String(p.z ?? 0) });
    const id = 'bd-t-' + v.name.replace(/[^\w-]/g, '_');
    if (v.title) {
      const h = el('h2', 'bd-title', v.title);
      h.id = id;
      section.setAttribute('aria-labelledby', id);
      section.append(h);
    } else {
      section.classList.add('bd-untitled');
    }
    const body = el('div', 'bd-body');
    body.setAttribute('aria-busy', 'true');
    section.append(body);
    return { section, body };
  }

  /** Shows the page tabs (when more than one page and the nav pane is enabled). */
  setTabs(pages: PageDef[], active: string, show: boolean, onPick: (name: string) => void): void {
    this.tabs.hidden = !show || pages.length < 2;
    this.tabs.replaceChildren(
      ...pages.map((p) => {
        const b = el('button', 'bd-tab', p.displayName);
        b.type = 'button';
        b.dataset.page = p.name;
        if (p.name === active) b.setAttribute('aria-current', 'page');
        b.addEventListener('click', () => onPick(p.name));
        return b;
      }),
    );
    this.fit();
  }

  /** Shows the loading panel; after a while without a configuration, explains what the page waits for. */
  loading(text = 'Loading report…'): void {
    clearTimeout(this.waitTimer);
    const p = el('div', 'bd-panel bd-loading');
    p.setAttribute('role', 'status');
    p.append(el('div', 'bd-spinner'), el('p', '', text));
    this.overlay.replaceChildren(p);
    this.overlay.hidden = false;
  }

  /** Waits for the host's configuration; shows a hint if none comes. */
  waiting(): void {
    this.waitTimer = window.setTimeout(() => {
      const p = el('div', 'bd-panel bd-info');
      p.setAttribute('role', 'status');
      p.append(el('h1', '', 'Waiting for the report configuration'), el('p', '', 'This page is meant to be embedded in an application that sends it a report configuration (powerbi-client or the Bindery SDK).'));
      this.overlay.replaceChildren(p);
      this.overlay.hidden = false;
    }, window.parent === window ? 0 : 5000);
  }

  /** Hides the loading or error panel. */
  clear(): void {
    clearTimeout(this.waitTimer);
    this.overlay.replaceChildren();
    this.overlay.hidden = true;
  }

  /** Replaces everything with an error panel (announced to screen readers). */
  error(e: ServerError, requestId?: string): void {
    clearTimeout(this.waitTimer);
    this.canvas.replaceChildren();
    this.tabs.hidden = true;
    const p = el('div', 'bd-panel bd-error');
    p.setAttribute('role', 'alert');
    p.dataset.errorCode = e.code;
    p.append(el('h1', '', titles[e.code] ?? "This report can't be shown"), el('p', 'bd-message', e.message));
    if (e.details?.length) {
      const intro = e.code === 'IncompatibleDataset' ? 'The dataset is missing what the report uses:' : 'Details:';
      const ul = el('ul', 'bd-details');
      for (const d of e.details) {
        const li = el('li');
        // A type mismatch needs its message (expected vs actual type); a missing field is said by its code.
        const what = detailNames[d.code] ?? d.code;
        li.append(el('code', '', d.target ?? ''), document.createTextNode(' — ' + (d.code === 'TypeMismatch' || !detailNames[d.code] ? `${what}: ${d.message}` : what)));
        ul.append(li);
      }
      p.append(el('p', '', intro), ul);
    }
    p.append(el('p', 'bd-code', `Error code: ${e.code}` + (requestId ? ` · Request id: ${requestId}` : '')));
    this.overlay.replaceChildren(p);
    this.overlay.hidden = false;
  }
}

const titles: Record<string, string> = {
  TokenRequired: 'No access token',
  InvalidToken: 'The access token is not valid',
  TokenExpired: 'The access token has expired',
  TokenRevoked: 'The access token was revoked',
  ReportNotInToken: "The token doesn't cover this report",
  DatasetNotInToken: "The token doesn't cover this dataset",
  CapacityNotActive: 'The capacity is not active',
  WorkspaceNotOnCapacity: 'The workspace is not on a capacity',
  InsufficientPermissions: "You don't have permission to view this",
  EffectiveIdentityRequired: 'An effective identity is required',
  IncompatibleDataset: "The dataset doesn't fit this report",
  PowerBIEntityNotFound: 'Report or dataset not found',
  InvalidConfiguration: 'The embed configuration is not valid',
  NetworkError: "The report server can't be reached",
};

const detailNames: Record<string, string> = {
  MissingTable: 'missing table',
  MissingColumn: 'missing column',
  MissingMeasure: 'missing measure',
  TypeMismatch: 'type mismatch',
};
