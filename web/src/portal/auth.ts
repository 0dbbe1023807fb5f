// Sign-in: the portal is a public OAuth 2.0 client ("bindery-portal") of
// Bindery's own issuer. Authorization code + PKCE (S256) in the browser; the
// tokens live in sessionStorage (this tab only, gone when it closes — never
// localStorage), the access token is renewed with the refresh token before it
// expires, and signing out revokes the refresh token.

export const CLIENT_ID = 'bindery-portal';
const SCOPE = 'openid profile offline_access';
const SESSION_KEY = 'bindery.portal.session';
const PENDING_KEY = 'bindery.portal.pending';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
}

/** The signed-in session. */
export interface Session {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number; // ms since the epoch
  username: string;
}

interface Pending {
  verifier: string;
  state: string;
  returnTo: string;
}

let discovery: Promise<Discovery> | undefined;
let refreshing: Promise<Session | null> | undefined;
let timer: number | undefined;
const listeners: ((s: Session | null) => void)[] = [];

/** The redirect URI registered for the portal: <publicUrl>/portal/callback. */
export function redirectURI(): string {
  return location.origin + '/portal/callback';
}

// Endpoints come from discovery, but are called on this origin: the portal is
// served by the issuer itself, and the CSP allows connections only to 'self'.
function sameOrigin(u: string): string {
  const url = new URL(u, location.origin);
  return location.origin + url.pathname;
}

function discover(): Promise<Discovery> {
  discovery ??= fetch('/.well-known/openid-configuration').then(async (r) => {
    if (!r.ok) throw new Error(`discovery failed: HTTP ${r.status}`);
    return (await r.json()) as Discovery;
  });
  discovery.catch(() => (discovery = undefined));
  return discovery;
}

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return b64url(new Uint8Array(digest));
}

function decodeSegment(seg: string | undefined): Record<string, unknown> | null {
  if (!seg) return null;
  try {
    const b64 = seg.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
    const v = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/** Decodes a JWT's payload without checking it (the server checks every request). */
export function jwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  return parts.length === 3 ? decodeSegment(parts[1]) : null;
}

/** Decodes a JWT's header (alg, kid). */
export function jwtHeader(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  return parts.length === 3 ? decodeSegment(parts[0]) : null;
}

function load(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null') as Session | null;
    return s && s.accessToken ? s : null;
  } catch {
    return null;
  }
}

function save(s: Session | null): void {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
  schedule(s);
  for (const l of listeners) l(s);
}

/** Calls fn whenever the session changes (renewed, signed out). */
export function onSessionChange(fn: (s: Session | null) => void): void {
  listeners.push(fn);
}

/** The current session, if any (it may have expired; token() renews it). */
export function current(): Session | null {
  return load();
}

/** Starts signing in: goes to the issuer's authorize endpoint (and its login page). */
export async function signIn(returnTo = location.hash || '#/workspaces'): Promise<void> {
  const d = await discover();
  const p: Pending = { verifier: random(48), state: random(16), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(p));
  const u = new URL(sameOrigin(d.authorization_endpoint));
  u.search = new URLSearchParams({
    client_id: CLIENT_ID, response_type: 'code', redirect_uri: redirectURI(), scope: SCOPE,
    state: p.state, nonce: random(16), code_challenge: await challenge(p.verifier), code_challenge_method: 'S256',
  }).toString();
  location.assign(u.toString());
}

async function tokenRequest(body: Record<string, string>): Promise<Session> {
  const d = await discover();
  const r = await fetch(sameOrigin(d.token_endpoint), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...body }),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok || !j.access_token) {
    throw new Error(j.error_description || j.error || `token endpoint answered HTTP ${r.status}`);
  }
  const claims = jwtPayload(j.access_token) || {};
  return {
    accessToken: j.access_token,
    refreshToken: j.refresh_token,
    expiresAt: Date.now() + (Number(j.expires_in) || 300) * 1000,
    username: String(claims.sub ?? claims.preferred_username ?? 'signed-in user'),
  };
}

/**
 * Finishes signing in on /portal/callback: checks state, exchanges the code
 * with the PKCE verifier, and returns the route to go back to.
 */
export async function completeSignIn(params: URLSearchParams): Promise<string> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (params.get('error')) throw new Error(`sign-in refused: ${params.get('error_description') || params.get('error')}`);
  const p = raw ? (JSON.parse(raw) as Pending) : null;
  if (!p || p.state !== params.get('state')) throw new Error('sign-in answer does not match a sign-in started in this tab; start again');
  const code = params.get('code');
  if (!code) throw new Error('sign-in answer has no authorization code');
  save(await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectURI(), code_verifier: p.verifier }));
  return p.returnTo;
}

/** Renews the access token with the refresh token; one renewal at a time (refresh tokens rotate). */
export function refresh(): Promise<Session | null> {
  refreshing ??= (async () => {
    const s = load();
    if (!s?.refreshToken) return null;
    try {
      const n = await tokenRequest({ grant_type: 'refresh_token', refresh_token: s.refreshToken });
      save(n);
      return n;
    } catch {
      save(null);
      return null;
    }
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

/** A valid access token, renewed first if it is about to expire; null when signed out. */
export async function token(): Promise<string | null> {
  const s = load();
  if (!s) return null;
  if (s.expiresAt - Date.now() > 30_000) return s.accessToken;
  return (await refresh())?.accessToken ?? null;
}

// Renew a minute before expiry, so that long-open pages (and the preview's
// embedded report) keep working.
function schedule(s: Session | null): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!s?.refreshToken) return;
  const wait = Math.max(5_000, s.expiresAt - Date.now() - 60_000);
  timer = window.setTimeout(() => void refresh(), wait);
}

/** Starts the renewal timer for a session restored from sessionStorage. */
export function resume(): void {
  schedule(load());
}

/** Signs out: revokes the refresh token (best effort) and forgets the session. */
export async function signOut(): Promise<void> {
  const s = load();
  save(null);
  if (!s?.refreshToken) return;
  try {
    const d = await discover();
    if (d.revocation_endpoint) {
      await fetch(sameOrigin(d.revocation_endpoint), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: CLIENT_ID, token: s.refreshToken, token_type_hint: 'refresh_token' }),
      });
    }
  } catch {
    // The session is gone from this tab either way.
  }
}
