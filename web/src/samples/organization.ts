// "Embed for your organization" (user owns data): a browser-only app. The user
// signs in to Bindery with the authorization code flow and PKCE (a public
// client, as MSAL.js signs in to Azure AD), and the page embeds the report with
// the user's own access token (tokenType Aad), bound to a dataset the user may read.
import { $, log, newService, showError, state, watch, type Report } from './common';

interface Config {
  authority: string;
  clientId: string;
  redirectPath: string;
  scope: string;
  report: { id: string; workspaceId: string };
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
}

interface Candidate {
  id: string;
  workspaceId: string;
  name?: string;
  compatible?: boolean;
  mismatches?: Array<{ field: string; message: string }>;
}

const TOKENS = 'orgSample.tokens';
const PKCE = 'orgSample.pkce';

let cfg: Config;
const service = newService();

// --- sign-in: authorization code + PKCE ------------------------------------------------------

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  const s = String.fromCharCode(...new Uint8Array(bytes));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri(): string {
  return cfg.authority + cfg.redirectPath;
}

async function signIn(): Promise<void> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const st = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state: st }));
  const q = new URLSearchParams({
    client_id: cfg.clientId, redirect_uri: redirectUri(), response_type: 'code', scope: cfg.scope,
    state: st, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${cfg.authority}/oauth2/authorize?${q}`);
}

async function tokenRequest(form: Record<string, string>): Promise<Tokens> {
  const res = await fetch(`${cfg.authority}/oauth2/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: cfg.clientId, ...form }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`token endpoint: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim());
  const t: Tokens = { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: Date.now() + body.expires_in * 1000 };
  sessionStorage.setItem(TOKENS, JSON.stringify(t));
  return t;
}

/** The redirect URI's half of the flow: check state, exchange the code with the verifier. */
async function finishSignIn(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem(PKCE) ?? 'null');
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', cfg.redirectPath.replace(/callback$/, ''));
  if (q.get('error')) throw new Error(`sign-in failed: ${q.get('error')} ${q.get('error_description') ?? ''}`);
  if (!saved || q.get('state') !== saved.state) throw new Error('sign-in failed: the answer does not belong to this page (state mismatch); sign in again');
  await tokenRequest({ grant_type: 'authorization_code', code: q.get('code') ?? '', redirect_uri: redirectUri(), code_verifier: saved.verifier });
}

function tokens(): Tokens | null {
  const t: Tokens | null = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
  return t && t.expiresAt > Date.now() + 10_000 ? t : null;
}

async function refresh(): Promise<Tokens> {
  const t: Tokens | null = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
  if (!t?.refreshToken) throw new Error('no refresh token: sign in again');
  return tokenRequest({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
}

function username(accessToken: string): string {
  try {
    return JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub ?? '';
  } catch {
    return '';
  }
}

function signOut(): void {
  const t: Tokens | null = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
  sessionStorage.removeItem(TOKENS);
  if (t?.refreshToken) { // best effort: end the refresh token's life on the server too
    void fetch(`${cfg.authority}/oauth2/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: cfg.clientId, token: t.refreshToken, token_type_hint: 'refresh_token' }) }).catch(() => {});
  }
  location.assign(cfg.redirectPath.replace(/callback$/, ''));
}

// --- the REST API, with the user's own token --------------------------------------------------

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const t = tokens() ?? await refresh();
  const res = await fetch(`${cfg.authority}/v1.0/myorg${path}`, {
    method, headers: { Authorization: `Bearer ${t.accessToken}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/**
 * The datasets this user may bind the report to: GET /v1.0/myorg/datasets lists every dataset the
 * user may read (those of its workspaces and those granted to it), and the compatibility check,
 * asked with the user's token, says which of them can serve the report.
 */
async function bindableDatasets(): Promise<Candidate[]> {
  const list = await api<{ value: Array<{ id: string; name: string; workspaceId: string }> }>('GET', '/datasets');
  if (list.status !== 200) throw new Error(`listing your datasets failed (${list.status}): ${JSON.stringify(list.body)}`);
  const checks = list.body.value.map(async (d): Promise<Candidate | null> => {
    const chk = await api<{ compatible: boolean; mismatches: Candidate['mismatches'] }>('POST',
      `/groups/${cfg.report.workspaceId}/reports/${cfg.report.id}/CheckCompatibility`, { datasetId: d.id });
    if (chk.status !== 200) return null; // e.g. the permission was withdrawn in between
    return { id: d.id, workspaceId: d.workspaceId, name: d.name, compatible: chk.body.compatible, mismatches: chk.body.mismatches };
  });
  return (await Promise.all(checks)).filter((c): c is Candidate => c !== null)
    .sort((a, b) => Number(b.compatible) - Number(a.compatible) || (a.name ?? '').localeCompare(b.name ?? ''));
}

// --- embedding --------------------------------------------------------------------------------

let embedUrl = '';

function embed(datasetId: string): void {
  const t = tokens();
  if (!t) { void refresh().then(() => embed(datasetId), (e) => fatal(e)); return; }
  showError(null);
  state.datasetId = datasetId;
  state.loaded = state.rendered = 0; // counts are per embed
  const container = $('report-container');
  service.reset(container); // a new binding is a new embed, as in powerbi-client
  const report = service.embed(container, {
    type: 'report', id: cfg.report.id, embedUrl, accessToken: t.accessToken,
    tokenType: bindery.models.TokenType.Aad,
    datasetBinding: { datasetId },
    settings: { filterPaneEnabled: false, navContentPaneEnabled: true },
  } as any) as Report;
  state.report = report;
  watch(report);
  log('embed', `bound to ${datasetId}`);
  report.on('tokenExpiring', () => {
    log('tokenExpiring');
    refresh().then((n) => report.setAccessToken(n.accessToken)).then(() => { state.renewals++; log('token renewed'); },
      (e) => showError({ errorCode: 'TokenRenewalFailed', message: String(e) }));
  });
}

function renderDatasets(list: Candidate[]): void {
  const ul = $('datasets');
  ul.replaceChildren();
  $('datasets-status').textContent = list.length ? `${list.filter((c) => c.compatible).length} of ${list.length} can serve this report.`
    : 'You may not read any dataset this report can use.';
  for (const c of list) {
    const li = document.createElement('li');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'dataset';
    input.id = `ds-${c.id}`;
    input.value = c.id;
    input.disabled = !c.compatible;
    input.addEventListener('change', () => embed(c.id));
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = c.name ?? c.id;
    li.append(input, label);
    if (!c.compatible) {
      const why = document.createElement('p');
      why.className = 'hint';
      why.textContent = `Cannot serve the report: ${(c.mismatches ?? []).map((m) => m.message).join('; ')}`;
      li.append(why);
    }
    ul.append(li);
  }
  const first = list.find((c) => c.compatible);
  if (first) {
    (document.getElementById(`ds-${first.id}`) as HTMLInputElement).checked = true;
    embed(first.id);
  }
}

function fatal(e: unknown): void {
  const p = $('fatal');
  p.textContent = e instanceof Error ? e.message : String(e);
  p.hidden = false;
}

async function main(): Promise<void> {
  const res = await fetch('/samples/organization/config.json');
  if (!res.ok) throw new Error(`the sample's settings could not be read (${res.status}); is the demo still starting?`);
  cfg = await res.json();
  $('signin-button').addEventListener('click', () => void signIn());
  $('signout').addEventListener('click', signOut);
  if (location.pathname.endsWith('/callback')) await finishSignIn();
  const t = tokens() ?? await refresh().catch(() => null);
  if (!t) {
    $('signin').hidden = false;
    return;
  }
  $('username').textContent = username(t.accessToken);
  for (const id of ['who', 'signout', 'report-area', 'side']) $(id).hidden = false;
  $('any-dataset').addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const r of document.querySelectorAll<HTMLInputElement>('input[name=dataset]')) r.checked = false;
    embed(($('any-dataset-id') as HTMLInputElement).value.trim());
  });
  const rep = await api<{ embedUrl: string; name: string }>('GET',
    `/groups/${cfg.report.workspaceId}/reports/${cfg.report.id}`);
  if (rep.status !== 200) throw new Error(`you may not open the report (${rep.status}): ${JSON.stringify(rep.body)}`);
  embedUrl = rep.body.embedUrl;
  renderDatasets(await bindableDatasets());
}

main().catch(fatal);
