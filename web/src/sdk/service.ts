// Service: the host side of the protocol — creates embeds, keeps them by
// element, and turns the embed pages' event posts into DOM events.
import type { WindowPostMessageProxy } from 'window-post-message-proxy';
import type { HttpPostMessage } from 'http-post-message';
import type { Router } from 'powerbi-router';
import { Embed, IEmbedConfiguration, toIError } from './embed';
import { Report } from './report';
import { Page } from './page';
import * as factories from './factories';
import { SDK_VERSION } from './version';

/** Service options: powerbi-client's, plus Bindery's. */
export interface IServiceConfiguration {
  /** Accepted for compatibility; Bindery does not scan the document for powerbi-* attributes. */
  autoEmbedOnContentLoaded?: boolean;
  /** Called with errors the Service cannot deliver to an embed. */
  onError?: (error: any) => any;
  version?: string;
  type?: string;
  logMessages?: boolean;
  /** Minutes before a token expires at which `tokenExpiring` fires (default 5). */
  tokenExpiringMinutes?: number;
  /** How long an embed waits for `loaded`/`error` before raising `error` LoadTimeout, in ms (default 30000; 0 disables). */
  loadTimeoutMs?: number;
}

/** An element that holds an embed, as powerbi-client marks it. */
export interface IEmbedElement extends HTMLElement {
  powerBiEmbed?: Embed;
}

interface IEvent {
  type: string;
  id: string;
  name: string;
  value: any;
}

/** Creates and tracks embeds; the counterpart of powerbi-client's `service.Service`. */
export class Service {
  /** The embeds of this Service. */
  embeds: Embed[] = [];
  /** A token used when an embed configuration has none. */
  accessToken: string | undefined;
  config: IServiceConfiguration;
  hpm: HttpPostMessage;
  wpmp: WindowPostMessageProxy;
  router: Router;
  private sdkSessionId = randomHex(20);

  constructor(hpmFactory: factories.IHpmFactory = factories.hpmFactory, wpmpFactory: factories.IWpmpFactory = factories.wpmpFactory,
    routerFactory: factories.IRouterFactory = factories.routerFactory, config: IServiceConfiguration = {}) {
    this.config = { ...config };
    this.wpmp = wpmpFactory('bindery-host', config.logMessages);
    this.hpm = hpmFactory(this.wpmp, undefined, config.version, config.type);
    this.router = routerFactory(this.wpmp);
    const ev = (name: (p: any) => string) => (req: any, res: any) => {
      this.handleEvent({ type: 'report', id: req.params.uniqueId, name: name(req.params), value: req.body });
      res.send(200, null);
    };
    this.router.post('/reports/:uniqueId/events/:eventName', ev((p) => p.eventName));
    this.router.post('/reports/:uniqueId/pages/:pageName/events/:eventName', ev((p) => p.eventName));
    this.router.post('/reports/:uniqueId/pages/:pageName/visuals/:visualName/events/:eventName', ev((p) => p.eventName));
    this.router.post('/ready/:uniqueId', (req: any, res: any) => {
      const e = this.find(req.params.uniqueId);
      if (e) {
        e.raise('ready', req.body ?? null);
        void this.frontLoad(e);
      }
      res.send(202);
    });
    this.router.post('/reports/:uniqueId/eventHooks/:eventName', async (req: any, res: any) => {
      const e = this.find(req.params.uniqueId);
      const hooks: Record<string, Function | undefined> = { newAccessToken: e?.eventHooks?.accessTokenProvider, preQuery: e?.eventHooks?.applicationContextProvider };
      const hook = hooks[req.params.eventName];
      if (!hook) return res.send(404, null);
      try {
        res.send(200, await hook(req.body));
      } catch (err) {
        res.send(400, toIError(err, 'EventHookFailed'));
      }
    });
  }

  /** Embeds a report in `element`, or re-configures the report already there (same iframe, no navigation). */
  embed(element: HTMLElement, config: IEmbedConfiguration = {}): Embed {
    return this.embedInternal(element as IEmbedElement, config, false);
  }

  /** Phased embedding: loads the report without rendering; call `report.render()` next. */
  load(element: HTMLElement, config: IEmbedConfiguration = {}): Embed {
    return this.embedInternal(element as IEmbedElement, config, true);
  }

  /** Creates the iframe early (no token needed); a later `embed` on the element loads into it. */
  bootstrap(element: HTMLElement, config: IEmbedConfiguration): Embed {
    const el = element as IEmbedElement;
    if (el.powerBiEmbed) throw new Error('Attempted to bootstrap an element that already holds an embed.');
    const r = new Report(this, el, config, false, true);
    this.addOrOverwriteEmbed(r, el);
    return r;
  }

  private embedInternal(el: IEmbedElement, config: IEmbedConfiguration, phased: boolean): Embed {
    const type = (config.type || el.getAttribute('powerbi-type') || 'report').toLowerCase();
    if (type !== 'report') throw new Error(`Bindery embeds reports only; type "${type}" is not supported.`);
    const existing = el.powerBiEmbed;
    if (existing) {
      // powerbi-client's embedExisting: same iframe, new configuration, load again.
      existing.populateConfig(config, false);
      (existing as any).isBootstrap = false;
      existing.load(phased).catch(() => { /* raised as an `error` event */ });
      return existing;
    }
    const r = new Report(this, el, config, phased);
    this.addOrOverwriteEmbed(r, el);
    return r;
  }

  /** Registers an embed created directly (`new Report(service, el, config, …, iframe)`), replacing any with the same uniqueId. */
  addOrOverwriteEmbed(component: Embed, element: HTMLElement): void {
    this.embeds = this.embeds.filter((e) => e.uniqueId !== component.uniqueId && e !== component);
    this.embeds.push(component);
    (element as IEmbedElement).powerBiEmbed = component;
  }

  /** Returns the embed in `element`, or throws. */
  get(element: HTMLElement): Embed {
    const e = (element as IEmbedElement).powerBiEmbed;
    if (!e) throw new Error(`You attempted to get an instance of powerbi component associated with element: ${element.outerHTML} but there was no associated instance.`);
    return e;
  }

  /** Finds an embed by its uniqueId. */
  find(uniqueId: string): Embed | undefined {
    return this.embeds.find((e) => e.uniqueId === uniqueId);
  }

  /** Removes the embed from `element`: its iframe, handlers and timers. */
  reset(element: HTMLElement): void {
    const el = element as IEmbedElement;
    const e = el.powerBiEmbed;
    if (!e) return;
    this.embeds = this.embeds.filter((x) => x !== e);
    e.destroy();
    delete el.powerBiEmbed;
    e.iframe?.remove();
  }

  /** Number of embeds this Service holds. */
  getNumberOfComponents(): number {
    return this.embeds.length;
  }

  /** Session id sent with every load. */
  getSdkSessionId(): string {
    return this.sdkSessionId;
  }

  /** Sets the SDK type and wrapper version headers (for wrappers such as React components). */
  setSdkInfo(type: string, version: string): void {
    this.hpm.defaultHeaders['x-sdk-type'] = type;
    this.hpm.defaultHeaders['x-sdk-wrapper-version'] = version;
  }

  /** Delivers an event from an embed page to its container element. */
  handleEvent(event: IEvent): void {
    const e = this.find(event.id);
    if (!e) return;
    let detail = event.value;
    if (event.name === 'pageChanged' && detail && detail.newPage && e instanceof Report) {
      const p = detail.newPage;
      detail.newPage = new Page(e, p.name, p.displayName, true, p.visibility, p.defaultSize, p.defaultDisplayOption);
    }
    if (detail === undefined) detail = null;
    e.onEvent(event.name, detail);
    e.raise(event.name, detail);
  }

  /** Answers a late page's `/ready/{uid}` with its configuration (`/frontload/config`). */
  private async frontLoad(e: Embed): Promise<void> {
    try {
      await e.send('POST', '/frontload/config', e.wireConfig());
    } catch (err) {
      e.raise('error', toIError((err as any)?.body ?? err, 'LoadFailed'));
    }
  }
}

function randomHex(n: number): string {
  const b = new Uint8Array(Math.ceil(n / 2));
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').slice(0, n);
}

export { SDK_VERSION };
