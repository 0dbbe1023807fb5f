// Embed: one embedded component — its iframe, its configuration, its events,
// and the calls every component shares (load, reload, setAccessToken, …).
import * as models from 'powerbi-models';
import type { IHttpPostMessageResponse } from 'http-post-message';
import type { Service } from './service';
import { trustFrame } from './trust';
import { tokenExpiration, parseTime } from './token';
import { SDK_VERSION } from './version';

/** The embed configuration: powerbi-models' report configuration plus Bindery's own options. */
export interface IEmbedConfiguration extends models.IReportEmbedConfiguration {
  type?: string;
  embedUrl?: string;
  uniqueId?: string;
  groupId?: string;
  /** Bindery: minutes before the token expires at which `tokenExpiring` fires (default: the Service's, 5). */
  tokenExpiringMinutes?: number;
  /** Bindery: how long to wait for `loaded` or `error` before raising `error` with errorCode `LoadTimeout` (ms, default 30000; 0 disables). */
  loadTimeoutMs?: number;
}

/** The detail of a `tokenExpiring` event. */
export interface ITokenExpiringDetail {
  /** When the token expires. */
  expiration: string;
  /** Milliseconds left at the time the event fired (may be ≤ 0 if the token has already expired). */
  msLeft: number;
}

/** Bindery-only configuration keys: kept by the SDK, never posted to the embed page. */
const LOCAL_KEYS = ['tokenExpiringMinutes', 'loadTimeoutMs', 'eventHooks'] as const;

/** Events every embed may raise (powerbi-client's list), plus Bindery's `tokenExpiring`. */
export const allowedEvents = ['loaded', 'saved', 'rendered', 'saveAsTriggered', 'error', 'dataSelected', 'buttonClicked', 'info',
  'filtersApplied', 'pageChanged', 'commandTriggered', 'swipeStart', 'swipeEnd', 'bookmarkApplied', 'dataHyperlinkClicked',
  'visualRendered', 'visualClicked', 'selectionChanged', 'renderingStarted', 'blur', 'exportDataCompleted', 'tokenExpiring', 'ready'];

export type EventHandler<T = any> = (event: CustomEvent<T>) => any;

/** An embedded component. Report extends it. */
export abstract class Embed {
  /** The type name used in event routes ("report"). */
  embedtype: string;
  service: Service;
  element: HTMLElement;
  iframe!: HTMLIFrameElement;
  config: IEmbedConfiguration;
  eventHooks: models.EventHooks | undefined;
  iframeLoaded = false;
  /** The embed page's origin: requests are posted to it and to no other. */
  targetOrigin = '*';
  protected phasedRender: boolean;
  protected isBootstrap: boolean;
  private handlers: Array<{ name: string; handler: EventHandler; listener: EventListener }> = [];
  private lastLoadRequest = 0;
  private loadSentAt = 0;
  private lastErrorAt = 0;
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private tokenExpiry: Date | undefined;

  constructor(embedtype: string, service: Service, element: HTMLElement, config: IEmbedConfiguration,
    iframe?: HTMLIFrameElement, phasedRender = false, isBootstrap = false) {
    this.embedtype = embedtype;
    this.service = service;
    this.element = element;
    this.phasedRender = phasedRender;
    this.isBootstrap = isBootstrap;
    this.config = {} as IEmbedConfiguration;
    this.populateConfig(config, isBootstrap);
    this.setIframe(iframe);
    if (!isBootstrap) this.scheduleTokenWarning();
  }

  /** The component's unique id: the `uid` of every request and event route. */
  get uniqueId(): string {
    return this.config.uniqueId!;
  }

  // --- configuration -------------------------------------------------------------------------

  /** Fills the configuration from the argument, the element's powerbi-* attributes and the Service, as powerbi-client does. */
  populateConfig(config: IEmbedConfiguration, isBootstrap: boolean): void {
    const prev = this.config;
    const c: IEmbedConfiguration = { ...prev, ...config };
    c.type = (c.type || this.embedtype).toLowerCase();
    c.embedUrl = config.embedUrl || this.element.getAttribute('powerbi-embed-url') || (isBootstrap ? prev.embedUrl : undefined) || undefined;
    if (!c.embedUrl) {
      throw new Error('Embed Url is required, but it was not found. You must provide an embed url either as part of embed configuration or as attribute \'powerbi-embed-url\'.');
    }
    const url = checkEmbedUrl(c.embedUrl);
    this.targetOrigin = url.origin;
    c.embedUrl = url.href;
    c.uniqueId = prev.uniqueId || config.uniqueId || this.element.getAttribute('powerbi-name') || randomId();
    c.groupId = config.groupId || prev.groupId || url.searchParams.get('groupId') || undefined;
    c.id = config.id || this.element.getAttribute('powerbi-report-id') || url.searchParams.get('reportId') || prev.id || undefined;
    c.accessToken = config.accessToken || this.element.getAttribute('powerbi-access-token') || this.service.accessToken || undefined;
    c.tokenType = config.tokenType ?? models.TokenType.Aad;
    if (!isBootstrap) {
      if (!c.accessToken) {
        throw new Error(`No access token was found for element. You must specify an access token directly on the element using attribute 'powerbi-access-token' or specify a global token at: powerbi.accessToken.`);
      }
      if (!c.id) {
        throw new Error('Report id is required, but it was not found. You must provide an id either as part of embed configuration or as attribute \'powerbi-report-id\'.');
      }
    }
    if (config.eventHooks) {
      for (const [k, f] of Object.entries(config.eventHooks)) {
        if (typeof f !== 'function') throw new Error(`${k} must be a function`);
      }
      this.eventHooks = config.eventHooks;
    }
    this.config = c;
  }

  /** The configuration as posted to the embed page: without functions and Bindery's local keys. */
  wireConfig(): models.IReportLoadConfiguration & Record<string, unknown> {
    const c: Record<string, unknown> = { ...this.config };
    for (const k of LOCAL_KEYS) delete c[k];
    return c as any;
  }

  /** Validates the configuration with powerbi-models; throws the errors array, as powerbi-client does. */
  validate(config: IEmbedConfiguration): void {
    const errors = models.validateReportLoad(this.wireConfig() as any);
    if (errors && errors.length) throw errors;
    void config;
  }

  // --- iframe ------------------------------------------------------------------------------

  private setIframe(given?: HTMLIFrameElement): void {
    if (given) {
      this.iframe = given;
    } else {
      const src = withParam(this.config.embedUrl!, 'uid', this.uniqueId);
      const f = document.createElement('iframe');
      f.src = src;
      f.setAttribute('scrolling', 'no');
      f.setAttribute('allowfullscreen', 'true');
      f.setAttribute('title', this.config.id ? 'Bindery report' : 'Bindery');
      f.style.width = '100%';
      f.style.height = '100%';
      f.style.border = 'none';
      this.element.replaceChildren(f);
      this.iframe = f;
    }
    trustFrame(this.iframe);
    if (!this.isBootstrap) this.validate(this.config);
    this.iframe.addEventListener('load', () => {
      trustFrame(this.iframe);
      this.iframeLoaded = true;
      this.load(this.phasedRender).catch(() => { /* raised as an `error` event */ });
    });
  }

  // --- loading -----------------------------------------------------------------------------

  /**
   * Sends the configuration to the embed page (`/report/load`, or `/report/prepare` when phased).
   * Like powerbi-client it sends nothing without a token, before the iframe loaded, or within
   * 100 ms of the previous load. Unlike it, a rejected load also raises the `error` event.
   */
  async load(phasedRender?: boolean): Promise<any> {
    if (!this.config.accessToken || !this.iframeLoaded) return undefined;
    const now = Date.now();
    if (now - this.lastLoadRequest < 100) return undefined;
    this.lastLoadRequest = now;
    this.loadSentAt = now;
    const headers = {
      uid: this.uniqueId, sdkSessionId: this.service.getSdkSessionId(), bootstrapped: this.isBootstrap || undefined,
      sdkVersion: SDK_VERSION, tokenProviderSupplied: this.eventHooks?.accessTokenProvider ? true : undefined,
    };
    this.armLoadTimeout();
    try {
      const res = await this.send('POST', phasedRender ? '/report/prepare' : '/report/load', this.wireConfig(), headers);
      return res.body;
    } catch (e) {
      this.failedLoad(e);
      throw bodyOf(e);
    }
  }

  /** Reloads the report with the same configuration. */
  reload(): Promise<any> {
    return this.load(this.phasedRender);
  }

  /** Called by the Service for every event of this component before handlers run. */
  onEvent(name: string, detail: any): void {
    if (name === 'loaded' || name === 'error') this.clearLoadTimeout();
    if (name === 'error') this.lastErrorAt = Date.now();
    if (name === 'loaded' && detail && typeof detail === 'object') {
      const exp = parseTime(detail.expiration ?? detail.tokenExpiration);
      if (exp) this.scheduleTokenWarning(exp);
    }
  }

  private failedLoad(e: unknown): void {
    this.clearLoadTimeout();
    const sentAt = this.loadSentAt;
    // The embed page may post its own `error` event for the same failure; raise one only if it did not.
    setTimeout(() => {
      if (this.lastErrorAt >= sentAt) return;
      this.raise('error', toIError(bodyOf(e), 'LoadFailed'));
    }, 50);
  }

  private armLoadTimeout(): void {
    this.clearLoadTimeout();
    const ms = this.config.loadTimeoutMs ?? this.service.config.loadTimeoutMs ?? 30000;
    if (!ms) return;
    this.loadTimer = setTimeout(() => {
      this.raise('error', {
        message: 'LoadTimeout', errorCode: 'LoadTimeout', level: models.TraceType.Fatal,
        detailedMessage: `The embed page at ${this.targetOrigin} did not answer within ${ms} ms. Check the embed URL, ` +
          `that the server allows this page's origin to frame it (frame-ancestors), and the network.`,
      });
    }, ms);
  }

  private clearLoadTimeout(): void {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = undefined;
  }

  // --- tokens ------------------------------------------------------------------------------

  /** Replaces the access token without reloading the report (`POST /report/token`). */
  async setAccessToken(accessToken: string): Promise<void> {
    if (!accessToken) throw new Error('Access token cannot be empty');
    try {
      const res = await this.send('POST', '/report/token', accessToken);
      this.config.accessToken = accessToken;
      this.element.setAttribute('powerbi-access-token', accessToken);
      this.service.accessToken = accessToken;
      this.scheduleTokenWarning();
      return res.body as any;
    } catch (e) {
      throw bodyOf(e);
    }
  }

  /** Returns the token's expiry as the SDK knows it (the embed page's or the JWT's `exp`). */
  getTokenExpiration(): Date | undefined {
    return this.tokenExpiry;
  }

  /**
   * Schedules `tokenExpiring` for the current token. When an `accessTokenProvider` hook is
   * configured the SDK also fetches a new token then and applies it with setAccessToken.
   */
  private scheduleTokenWarning(known?: Date): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const token = this.config.accessToken;
    const exp = known ?? tokenExpiration(token);
    this.tokenExpiry = exp;
    if (!exp) return;
    const minutes = this.config.tokenExpiringMinutes ?? this.service.config.tokenExpiringMinutes ?? 5;
    const wait = Math.max(0, exp.getTime() - minutes * 60_000 - Date.now());
    this.expiryTimer = setTimeout(() => {
      if (this.config.accessToken !== token) return;
      this.raise<ITokenExpiringDetail>('tokenExpiring', { expiration: exp.toISOString(), msLeft: exp.getTime() - Date.now() });
      const provider = this.eventHooks?.accessTokenProvider;
      if (provider) {
        Promise.resolve(provider()).then(async (t: unknown) => { if (typeof t === 'string' && t) await this.setAccessToken(t); })
          .catch((e: unknown) => this.raise('error', toIError(e, 'TokenRenewalFailed')));
      }
    }, Math.min(wait, 2 ** 31 - 1));
  }

  // --- misc calls --------------------------------------------------------------------------

  /** Returns the correlation id of the last load (`GET /getCorrelationId`). */
  async getCorrelationId(): Promise<string> {
    try {
      return (await this.send<string>('GET', '/getCorrelationId')).body;
    } catch (e) {
      throw bodyOf(e);
    }
  }

  /** Puts the iframe in full screen. */
  fullscreen(): void {
    const f = this.iframe as any;
    (f.requestFullscreen || f.webkitRequestFullscreen)?.call(f);
  }

  /** Leaves full screen. */
  exitFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen();
  }

  // --- events ------------------------------------------------------------------------------

  /** Adds an event handler. Events are DOM CustomEvents on the container element; `event.detail` holds the data. */
  on<T = any>(eventName: string, handler: EventHandler<T>): void {
    if (!allowedEvents.includes(eventName)) {
      throw new Error(`eventName must be one of ${allowedEvents.join(', ')}. You passed: ${eventName}`);
    }
    const listener = handler as unknown as EventListener;
    this.handlers.push({ name: eventName, handler, listener });
    this.element.addEventListener(eventName, listener);
  }

  /** Removes one handler, or every handler of the event when none is given. */
  off<T = any>(eventName: string, handler?: EventHandler<T>): void {
    this.handlers = this.handlers.filter((h) => {
      if (h.name !== eventName || (handler && h.handler !== handler)) return true;
      this.element.removeEventListener(eventName, h.listener);
      return false;
    });
  }

  /** Dispatches an event on the container element, as events from the embed page are. */
  raise<T = any>(name: string, detail: T): void {
    if (name === 'error') this.lastErrorAt = Date.now();
    this.element.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, cancelable: true }));
  }

  /** Stops timers; called by Service.reset. */
  destroy(): void {
    this.clearLoadTimeout();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    for (const h of this.handlers) this.element.removeEventListener(h.name, h.listener);
    this.handlers = [];
  }

  /** Sends a request to this component's embed page. */
  send<T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: any, headers: Record<string, unknown> = {}): Promise<IHttpPostMessageResponse<T>> {
    const w = this.iframe.contentWindow;
    if (!w) return Promise.reject({ statusCode: 0, body: { message: 'The embed iframe is not in the document' } });
    return this.service.hpm.send<T>({ method, url, headers: { uid: this.uniqueId, ...headers }, body }, w, this.targetOrigin);
  }
}

/** Accepts any absolute http(s) URL — Bindery's embed URLs are on the customer's own server. */
export function checkEmbedUrl(embedUrl: string): URL {
  let u: URL;
  try {
    u = new URL(embedUrl, document.baseURI);
  } catch {
    throw new Error(`Invalid embed URL: ${embedUrl}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`Invalid embed URL: ${embedUrl} (only http and https)`);
  return u;
}

function withParam(url: string, k: string, v: string): string {
  const u = new URL(url);
  u.searchParams.set(k, v);
  return u.href;
}

function randomId(): string {
  return Math.random().toString(36).substring(2);
}

/** The body of a rejected postMessage response (what powerbi-client throws). */
export function bodyOf(e: any): any {
  return e && typeof e === 'object' && 'body' in e ? e.body : e;
}

/** Turns whatever a failed call produced into an IError. */
export function toIError(body: any, fallbackCode: string): models.IError {
  const first = Array.isArray(body) ? body[0] : body;
  if (first && typeof first === 'object' && typeof first.message === 'string') {
    return { level: models.TraceType.Fatal, errorCode: first.errorCode ?? fallbackCode, ...first };
  }
  return { message: fallbackCode, errorCode: fallbackCode, detailedMessage: String(first ?? ''), level: models.TraceType.Fatal };
}
