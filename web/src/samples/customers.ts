// "Embed for your customers" (app owns data), the page. The app's backend
// (internal/samples) holds its Bindery credentials and mints embed tokens for
// the signed-in retailer; this page only asks it for one and embeds.
import { $, log, newService, showError, state, watch, type Report } from './common';

/** The sample backend's answer to POST /samples/customers/api/embed. */
interface EmbedInfo {
  type: 'report';
  reportId: string;
  embedUrl: string;
  datasetId: string;
  retailer: string;
  accessToken: string;
  tokenType: number;
  tokenId: string;
  expiration: string;
  identity: { username: string; roles: string[] } | null;
}

// A demo knob: ?lifetime=1 asks for one-minute tokens, to watch renewal happen.
const lifetime = Number(new URLSearchParams(location.search).get('lifetime')) || 0;
// Renew two minutes ahead (or, for shorter tokens, after a tenth of their life).
const renewAheadMinutes = lifetime > 0 && lifetime <= 2 ? lifetime * 0.9 : 2;

async function fetchEmbedInfo(): Promise<EmbedInfo> {
  const res = await fetch('/samples/customers/api/embed', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(lifetime ? { lifetimeInMinutes: lifetime } : {}),
  });
  const body = await res.json().catch(() => null);
  if (res.status === 401) {
    location.assign('/samples/customers/'); // the sample's own session ended: sign in again
  }
  if (!res.ok) throw new Error(body?.error?.message ?? `the sample backend answered ${res.status}`);
  return body as EmbedInfo;
}

function showToken(info: EmbedInfo): void {
  state.tokenId = info.tokenId;
  state.datasetId = info.datasetId;
  $('dataset-id').textContent = info.datasetId;
  $('token-id').textContent = info.tokenId;
  $('token-expiration').textContent = new Date(info.expiration).toLocaleTimeString();
  $('token-renewals').textContent = `${state.renewals} time${state.renewals === 1 ? '' : 's'}`;
  $('token-identity').textContent = info.identity ? `${info.identity.username} (${info.identity.roles.join(', ')})` : 'none (no RLS)';
}

/** tokenExpiring: get a new token from the app's backend and hand it to the report, which keeps running. */
async function renew(report: Report): Promise<void> {
  try {
    const info = await fetchEmbedInfo();
    await report.setAccessToken(info.accessToken);
    state.renewals++;
    showToken(info);
    log('token renewed', `new token ${info.tokenId.slice(0, 8)}…, expires ${new Date(info.expiration).toLocaleTimeString()}`);
  } catch (e) {
    log('renewal failed', String(e));
    showError({ errorCode: 'TokenRenewalFailed', message: e instanceof Error ? e.message : String(e) });
  }
}

async function main(): Promise<void> {
  let info: EmbedInfo;
  try {
    info = await fetchEmbedInfo();
  } catch (e) {
    showError({ message: e instanceof Error ? e.message : String(e) });
    return;
  }
  showToken(info);
  const service = newService();
  const report = service.embed($('report-container'), {
    type: 'report',
    id: info.reportId,
    embedUrl: info.embedUrl,
    accessToken: info.accessToken,
    tokenType: bindery.models.TokenType.Embed,
    datasetBinding: { datasetId: info.datasetId },
    tokenExpiringMinutes: renewAheadMinutes,
    settings: { filterPaneEnabled: false, navContentPaneEnabled: true },
  } as any) as Report;
  state.report = report;
  watch(report);
  report.on('tokenExpiring', () => {
    log('tokenExpiring');
    void renew(report);
  });
}

void main();
