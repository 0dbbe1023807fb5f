// The windows the host listens to: those of the iframes Bindery embeds live in.
// One set per page, shared by every Service, because a message event only says
// which window sent it.
const trusted = new WeakSet<object>();

/** Marks an iframe's window as one whose messages the SDK accepts. */
export function trustFrame(iframe: HTMLIFrameElement): void {
  if (iframe.contentWindow) trusted.add(iframe.contentWindow);
}

/** Reports whether a message came from a trusted iframe. */
export function isTrustedSource(source: MessageEventSource | null): boolean {
  return !!source && trusted.has(source);
}
