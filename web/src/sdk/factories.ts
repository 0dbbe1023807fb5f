// The three transport factories, with powerbi-client's signatures, so that
// `new service.Service(factories.hpmFactory, factories.wpmpFactory, factories.routerFactory)`
// reads the same as it does with powerbi-client. The transport is Microsoft's
// own: window-post-message-proxy → http-post-message → powerbi-router.
import { WindowPostMessageProxy } from 'window-post-message-proxy';
import { HttpPostMessage } from 'http-post-message';
import { Router } from 'powerbi-router';
import { SDK_VERSION, SDK_TYPE } from './version';
import { isTrustedSource } from './trust';

export type IHpmFactory = (wpmp: WindowPostMessageProxy, targetWindow?: Window, sdkVersion?: string, sdkType?: string, sdkWrapperVersion?: string) => HttpPostMessage;
export type IWpmpFactory = (name?: string, logMessages?: boolean, eventSourceOverrideWindow?: Window) => WindowPostMessageProxy;
export type IRouterFactory = (wpmp: WindowPostMessageProxy) => Router;

/** Builds the request side: every request carries the SDK's type and version headers. */
export const hpmFactory: IHpmFactory = (wpmp, targetWindow, sdkVersion = SDK_VERSION, sdkType = SDK_TYPE, sdkWrapperVersion) =>
  new HttpPostMessage(wpmp, { 'x-sdk-type': sdkType, 'x-sdk-version': sdkVersion, 'x-sdk-wrapper-version': sdkWrapperVersion }, targetWindow);

/**
 * Builds the host's message proxy. Unlike powerbi-client's, it listens only to
 * windows of iframes a Bindery Service created or was given (see trust.ts):
 * another frame on the page cannot forge events or answers.
 */
export const wpmpFactory: IWpmpFactory = (name, logMessages, eventSourceOverrideWindow) => {
  const filtered = new WeakMap<EventListenerOrEventListenerObject, EventListener>();
  const receiveWindow = {
    document: window.document,
    addEventListener(type: string, h: EventListenerOrEventListenerObject) {
      const f = (e: Event) => {
        if (!isTrustedSource((e as MessageEvent).source)) return;
        typeof h === 'function' ? h(e) : h.handleEvent(e);
      };
      filtered.set(h, f);
      window.addEventListener(type, f);
    },
    removeEventListener(type: string, h: EventListenerOrEventListenerObject) {
      const f = filtered.get(h);
      if (f) window.removeEventListener(type, f);
    },
  } as unknown as Window;
  return new WindowPostMessageProxy({
    processTrackingProperties: {
      addTrackingProperties: HttpPostMessage.addTrackingProperties,
      getTrackingProperties: HttpPostMessage.getTrackingProperties,
    },
    isErrorMessage: HttpPostMessage.isErrorMessage,
    suppressWarnings: true,
    name,
    logMessages,
    eventSourceOverrideWindow,
    receiveWindow,
  });
};

/** Builds the router that receives the embed page's events. */
export const routerFactory: IRouterFactory = (wpmp) => new Router(wpmp);
