// Embed tokens: mint a test token (POST /GenerateToken), see what it holds
// (the JWT decoded here, and the server's audit record), list tokens and revoke them.
import { call, list, paths, allReports, allDatasets, EmbedToken, TokenRecord } from '../api';
import { jwtHeader, jwtPayload } from '../auth';
import { h, mount, notice, field, select, busy, table, when, facts } from '../dom';

function json(v: unknown): HTMLElement {
  return h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(v, null, 2));
}

// Names for ids the user can see; others stay ids.
function names(xs: { id: string }[] | null | undefined, known: Map<string, string>): string {
  return xs?.length ? xs.map((x) => known.get(x.id) ?? x.id).join(', ') : '—';
}

export async function tokensPage(main: HTMLElement): Promise<void> {
  const [reports, datasets] = await Promise.all([allReports(), allDatasets()]);
  const known = new Map<string, string>([...reports.map(({ r }): [string, string] => [r.id, r.name]), ...datasets.map(({ ds }): [string, string] => [ds.id, ds.name])]);
  const out = h('div', { 'aria-live': 'polite' });
  const minted = h('div', { id: 'minted' });
  const listBody = h('div');

  const reportSel = select('report', reports.map(({ ws, r }): [string, string] => [r.id, `${r.name} (${ws.name})`]));
  const datasetSel = select('dataset', datasets.map(({ ws, ds }): [string, string] => [ds.id, `${ds.name} (${ws.name})${ds.isEffectiveIdentityRequired ? ' — RLS' : ''}`]));
  const lifetime = h('input', { type: 'number', name: 'lifetimeInMinutes', min: 1, max: 1440, value: 10, inputmode: 'numeric' });
  const user = h('input', { type: 'text', name: 'username', autocomplete: 'off', spellcheck: 'false' });
  const roles = h('input', { type: 'text', name: 'roles', autocomplete: 'off' });
  const mint = h('button', { type: 'submit', id: 'mint' }, 'Mint token');
  const form = h('form', { id: 'mint-form', class: 'grid' },
    field('Report', reportSel), field('Dataset to bind', datasetSel),
    field('Lifetime (minutes)', lifetime, 'Capped by the server\'s maximum'),
    field('RLS username (optional)', user, 'Needed for a dataset with RLS roles'),
    field('RLS roles (optional)', roles, 'Comma-separated, e.g. Regional Manager'),
    h('div', { class: 'field' }, mint));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(mint, out, async () => {
      const body: Record<string, unknown> = {
        reports: [{ id: reportSel.value }], datasets: [{ id: datasetSel.value }],
        lifetimeInMinutes: Number(lifetime.value) || 10,
      };
      if (user.value.trim()) {
        body.identities = [{ username: user.value.trim(), datasets: [datasetSel.value],
          roles: roles.value.split(',').map((s) => s.trim()).filter(Boolean) }];
      }
      const t = await call<EmbedToken>('POST', '/v1.0/myorg/GenerateToken', body);
      const audit = await call<TokenRecord>('GET', paths.token(t.tokenId));
      mount(out, notice('ok', `Minted token ${t.tokenId}, valid until ${when(t.expiration)}.`));
      const area = h('textarea', { id: 'token-text', readonly: true, rows: 4, spellcheck: 'false' }, t.token);
      mount(minted,
        h('h2', {}, 'The token'),
        facts([['Token id', h('code', { id: 'minted-id' }, t.tokenId)], ['Expires', when(t.expiration)]]),
        field('Embed token (a signed JWT; treat it as a secret)', area),
        h('div', { class: 'cols' },
          h('section', { 'aria-labelledby': 'hdr-h' }, h('h3', { id: 'hdr-h' }, 'Header (decoded here)'), json(jwtHeader(t.token))),
          h('section', { 'aria-labelledby': 'pl-h' }, h('h3', { id: 'pl-h' }, 'Payload (decoded here)'), h('div', { id: 'token-payload' }, json(jwtPayload(t.token))))),
        h('section', { 'aria-labelledby': 'au-h' }, h('h3', { id: 'au-h' }, 'Audit record (from the server)'), h('div', { id: 'token-audit' }, json(audit))));
      await refresh();
    });
  });

  const render = (ts: TokenRecord[]) => mount(listBody, table('Embed tokens, newest first', ['Token id', 'Caller', 'Issued', 'Expires', 'Reports', 'Datasets', 'Identities', 'Status', 'Actions'],
    ts.map((t) => {
      const expired = new Date(t.expiration).getTime() < Date.now();
      let action: Node | string = '';
      if (!t.revoked && !expired) {
        const b = h('button', { type: 'button', class: 'danger' }, 'Revoke');
        b.setAttribute('aria-label', `Revoke token ${t.tokenId}`);
        b.addEventListener('click', () => {
          if (!confirm(`Revoke token ${t.tokenId}? Every embed using it stops within seconds.`)) return;
          void busy(b, out, async () => {
            await call('POST', `${paths.token(t.tokenId)}/Revoke`);
            mount(out, notice('ok', `Token ${t.tokenId} was revoked.`));
            await refresh();
          });
        });
        action = b;
      }
      const status = t.revoked ? 'Revoked' : expired ? 'Expired' : 'Valid';
      const note = t.revoked ? h('div', { class: 'hint' }, `${when(t.revokedAt)} by ${t.revokedBy ?? '?'}`) : null;
      return [h('code', {}, t.tokenId), `${t.caller}${t.callerKind ? ` (${t.callerKind})` : ''}`, when(t.issuedAt), when(t.expiration),
        names(t.reports, known), names(t.datasets, known), (t.identities ?? []).map((i) => `${i.username}${i.roles?.length ? ` [${i.roles.join(', ')}]` : ''}`).join('; ') || '—',
        [h('span', { class: `state ${t.revoked ? 'suspended' : expired ? 'expired' : 'active'}`, 'data-token-status': t.tokenId }, status), note], action];
    }), { id: 'tokens' }));
  const refresh = async () => render(await list<TokenRecord>(`${paths.tokens()}?$top=50`));
  await refresh();

  mount(main,
    h('h1', {}, 'Embed tokens'),
    h('p', {}, 'Mint a test embed token for a report bound to a dataset, as an app would with POST /v1.0/myorg/GenerateToken (you need Member on both workspaces, and Active capacities), and see what it holds. Tokens are recorded for audit — the token itself never is.'),
    out,
    h('section', { 'aria-labelledby': 'mint-h' }, h('h2', { id: 'mint-h' }, 'Mint a test token'), form),
    minted,
    h('section', { 'aria-labelledby': 'list-h' }, h('h2', { id: 'list-h' }, 'Tokens'), listBody));
}
