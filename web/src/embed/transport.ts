// The iframe side of the powerbi-client wire protocol: window-post-message-proxy
// carries messages, http-post-message shapes them as requests/responses, and
// powerbi-router dispatches the host's requests to handlers — the same stack the
// Power BI embed page uses.
import { WindowPostMessageProxy } from 'window-post-message-proxy';
import { HttpPostMessage } from 'http-post-message';
import { Router, IExtendedRequest, Response } from 'powerbi-router';

/** A route handler: returns [status, body]; thrown errors become 500 so the host never waits forever. */
export type Handler = (req: IExtendedRequest) => [number, unknown?] | Promise<[number, unknown?]>;

export interface Transport {
  get(url: string, h: Handler): void;
  put(url: string, h: Handler): void;
  post(url: string, h: Handler): void;
  patch(url: string, h: Handler): void;
  delete(url: string, h: Handler): void;
  /** Registers the catch-all 404 routes; call after every other route. */
  finish(): void;
  /** Posts an event to the host: POST /reports/{uid}/events/{name}. */
  event(uid: string, name: string, body: unknown): void;
  /** Posts POST /ready/{uid} (front-load handshake). */
  ready(uid: string): void;
}

/** Creates the transport; it listens at once, so call it before the document's load event. */
export function createTransport(win: Window = window): Transport {
  const host = win.parent;
  // The host's origin, learnt from its messages: events (which may carry data) go only there.
  let hostOrigin = '*';
  win.addEventListener('message', (e) => {
    if (e.source === host && e.origin && e.origin !== 'null') hostOrigin = e.origin;
  });
  const wpmp = new WindowPostMessageProxy({
    processTrackingProperties: {
      addTrackingProperties: HttpPostMessage.addTrackingProperties,
      getTrackingProperties: HttpPostMessage.getTrackingProperties,
    },
    isErrorMessage: HttpPostMessage.isErrorMessage,
    receiveWindow: win,
    suppressWarnings: true,
    // Only the embedding window may drive the report (pitfall 10 of the protocol reference).
    receivedMessageValidation: { expectedMessageSource: host },
  });
  const hpm = new HttpPostMessage(wpmp, { 'x-sdk-type': 'bindery-embed' }, host);
  const router = new Router(wpmp);

  const wrap = (h: Handler) => async (req: IExtendedRequest, res: Response) => {
    try {
      const [status, body] = await h(req);
      res.send(status, body === undefined ? null : body);
    } catch (err) {
      res.send(500, { message: 'InternalError', detailedMessage: String((err as Error)?.message ?? err) });
    }
  };
  const notFound: Handler = (req) => [404, { message: 'NotSupported', detailedMessage: `Bindery does not support ${req.method} ${req.url}` }];
  return {
    get: (u, h) => void router.get(u, wrap(h)),
    put: (u, h) => void router.put(u, wrap(h)),
    post: (u, h) => void router.post(u, wrap(h)),
    patch: (u, h) => void router.patch(u, wrap(h)),
    delete: (u, h) => void router.delete(u, wrap(h)),
    finish() {
      for (const m of ['get', 'put', 'post', 'patch', 'delete'] as const) router[m]('*notfound', wrap(notFound));
    },
    event(uid, name, body) {
      hpm.post(`/reports/${uid}/events/${name}`, body, {}, host, hostOrigin).catch(() => {});
    },
    ready(uid) {
      hpm.post(`/ready/${uid}`, null, {}, host, '*').catch(() => {});
    },
  };
}
