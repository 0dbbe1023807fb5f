// Browser tests of the portal (/portal/): sign in with authorization code +
// PKCE on Bindery's login page, browse the main pages, preview the demo report
// bound to another retailer's dataset, see the compatibility error for "Legacy
// Retail (old schema)", mint and revoke an embed token, upload a CSV and see
// the row count, sign out. Screenshots of each page go to the screenshots folder.
//
// Run through the Go harness: `go test ./internal/browsertest/` (it starts
// Bindery with the demo and sets BINDERY_URL, DEMO_JSON, CHROMIUM, SCREENSHOTS).
// Standalone, against `bindery serve --demo --data D --addr A`:
//   BASE_URL=http://A DEMO_JSON=D/demo.json node --test tests/portal.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.env.BINDERY_URL || process.env.BASE_URL || '').replace(/\/$/, '');
const demoPath = process.env.DEMO_JSON;
if (!base || !demoPath) {
  throw new Error('portal tests need BINDERY_URL (or BASE_URL) and DEMO_JSON (the demo.json of that server): run `go test ./internal/browsertest/`');
}
const demo = JSON.parse(readFileSync(demoPath, 'utf8'));
const shots = process.env.SCREENSHOTS || 'test-results/screenshots';
mkdirSync(shots, { recursive: true });
const admin = (demo.users || []).find((u) => u.username === 'admin@bindery.local');
const dsByName = Object.fromEntries(demo.datasets.map((d) => [d.name, d]));
const report = demo.report;

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `portal-${name}.png`), fullPage: true });
}

/** Waits for the page's <h1> to read text (pages focus their h1 once rendered). */
async function heading(page, text) {
  await page.locator('main h1', { hasText: text }).waitFor({ timeout: 15000 });
}

/** Calls the API from inside the signed-in portal, with its own session token. */
async function api(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const s = JSON.parse(sessionStorage.getItem('bindery.portal.session'));
    const r = await fetch(path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { Authorization: `Bearer ${s.accessToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }, [method, path, body]);
}

test('portal', async (t) => {
  assert.ok(admin, 'demo.json lists the demo administrator admin@bindery.local');
  const dir = await mkdtemp(join(tmpdir(), 'bindery-portal-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1366, height: 800 }, // a laptop screen
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  t.after(async () => {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  });

  await t.test('signs in with authorization code + PKCE', async () => {
    await page.goto(`${base}/portal/`);
    await page.locator('#sign-in').click();
    await page.waitForURL(/\/login\?/);
    await page.getByLabel('Username').fill(admin.username);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Workspaces');
    assert.equal(new URL(page.url()).pathname, '/portal/', 'the code is dropped from the address bar');
    assert.ok(!page.url().includes('code='), `URL still holds the code: ${page.url()}`);
    assert.equal(await page.locator('#who .user').textContent(), admin.username);
    const storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: sessionStorage.getItem('bindery.portal.session') }));
    assert.ok(!storage.local.includes('eyJ'), 'no token in localStorage');
    const session = JSON.parse(storage.session);
    assert.match(session.accessToken, /^eyJ/);
    assert.ok(session.refreshToken, 'a refresh token was issued (offline_access)');
    await page.locator('#workspaces', { hasText: 'Retailers' }).waitFor();
    await shot(page, 'workspaces');
  });

  await t.test('renews the access token with the refresh token', async () => {
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('bindery.portal.session')));
    // Pretend the token is about to expire: the next API call renews it first.
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('bindery.portal.session'));
      s.expiresAt = Date.now() + 1000;
      sessionStorage.setItem('bindery.portal.session', JSON.stringify(s));
    });
    await page.goto(`${base}/portal/#/capacities`);
    await heading(page, 'Capacities');
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem('bindery.portal.session')));
    assert.notEqual(after.refreshToken, before.refreshToken, 'the refresh token rotated');
    assert.ok(after.expiresAt > Date.now() + 60_000, 'the new access token is valid for a while');
    const row = page.locator('#capacities tbody tr', { hasText: 'Demo Capacity' });
    await row.waitFor();
    assert.match(await row.textContent(), /Active/);
    assert.ok(await row.getByRole('button', { name: /Suspend Demo Capacity/ }).isVisible(), 'an admin may suspend');
    await row.getByText(/\d+ running, \d+ queued \(of 8\)/).waitFor(); // live load from /capacities/{id}/load
    await shot(page, 'capacities');
  });

  await t.test('shows a workspace with members and capacity', async () => {
    await page.goto(`${base}/portal/#/workspaces/${demo.workspaces.salesReports}`);
    await heading(page, 'Sales Reports');
    await page.locator('#members', { hasText: 'analyst@tailspin.example' }).waitFor();
    assert.equal(await page.locator('#capacity-form select').inputValue(), demo.capacityId);
    await shot(page, 'workspace');
  });

  await t.test('shows a report with pages and visuals', async () => {
    await page.goto(`${base}/portal/#/reports/${report.workspaceId}/${report.id}`);
    await heading(page, report.name);
    const pages = await page.locator('main section h2').allTextContents();
    assert.ok(pages.length >= 2 && pages.every((p) => p.startsWith('Page ')), `pages: ${pages}`);
    assert.ok(await page.locator('main table td', { hasText: 'card' }).count() >= 1, 'visual types are listed');
    await shot(page, 'report');
  });

  await t.test('previews the report bound to another dataset', async () => {
    const other = dsByName['Fabrikam Fashion'];
    assert.notEqual(other.id, report.datasetId);
    await page.goto(`${base}/portal/#/preview?report=${report.workspaceId}:${report.id}&dataset=${other.id}`);
    await heading(page, 'Preview a report');
    await page.locator('#preview-button').click();
    await page.locator('#compat .notice.ok').waitFor();
    await page.locator('#embed-events [data-event="rendered"]').waitFor({ timeout: 30000 });
    assert.equal(await page.locator('#embed-events [data-event="error"]').count(), 0, await page.locator('#embed-events').textContent());
    const src = await page.locator('#report-container iframe').getAttribute('src');
    assert.ok(src.includes(report.id), `iframe src ${src}`);
    assert.ok(!/token|eyJ/.test(src), 'the token never travels in the URL');
    await shot(page, 'preview');
  });

  await t.test('shows the compatibility error for Legacy Retail before binding', async () => {
    const legacy = dsByName['Legacy Retail (old schema)'];
    await page.getByLabel('Bind to dataset').selectOption(legacy.id);
    await page.locator('#preview-button').click();
    await page.locator('#compat .notice.error').waitFor();
    const text = await page.locator('#mismatches').textContent();
    assert.match(text, /\[Margin %\]/);
    assert.match(text, /Product\[Category\]/);
    assert.equal(await page.locator('#report-container iframe').count(), 0, 'an incompatible dataset is never bound');
    await shot(page, 'preview-incompatible');
  });

  await t.test('mints an embed token, shows its contents, revokes it', async () => {
    await page.goto(`${base}/portal/#/tokens`);
    await heading(page, 'Embed tokens');
    await page.getByLabel('Report').selectOption(report.id);
    await page.getByLabel('Dataset to bind').selectOption(dsByName['Tailspin Toys'].id);
    await page.locator('#mint').click();
    const id = (await page.locator('#minted-id').textContent({ timeout: 15000 })).trim();
    const payload = JSON.parse(await page.locator('#token-payload pre').textContent());
    const audit = JSON.parse(await page.locator('#token-audit pre').textContent());
    assert.equal(audit.tokenId, id);
    assert.deepEqual(audit.datasets.map((d) => d.id), [dsByName['Tailspin Toys'].id]);
    assert.ok(JSON.stringify(payload).includes(report.id), `payload names the report: ${JSON.stringify(payload)}`);
    await shot(page, 'tokens');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: `Revoke token ${id}` }).click();
    await page.locator(`[data-token-status="${id}"]`, { hasText: 'Revoked' }).waitFor();
    const rec = await api(page, 'GET', `/v1.0/myorg/embedTokens/${id}`);
    assert.equal(rec.body.revoked, true);
  });

  await t.test('uploads a CSV with progress and shows the row count', async () => {
    // A workspace and dataset of this test's own, so that other tests' numbers never change.
    const ws = await api(page, 'POST', '/v1.0/myorg/groups', { name: `Portal upload ${Date.now()}` });
    assert.equal(ws.status, 200, JSON.stringify(ws.body));
    const ds = await api(page, 'POST', `/v1.0/myorg/groups/${ws.body.id}/datasets`, {
      name: 'Portal Stores', defaultMode: 'Import',
      tables: [{ name: 'Store', columns: [{ name: 'StoreId', dataType: 'Int64' }, { name: 'Region', dataType: 'String' }] }],
    });
    assert.equal(ds.status, 201, JSON.stringify(ds.body));
    await page.goto(`${base}/portal/#/datasets/${ws.body.id}/${ds.body.id}`);
    await heading(page, 'Portal Stores');
    assert.match(await page.locator('.rows[data-table="Store"]').textContent(), /^0 rows/);
    const csv = 'StoreId,Region,Ignored\n' + Array.from({ length: 2500 }, (_, i) => `${i + 1},${['West', 'East', 'North'][i % 3]},x`).join('\n') + '\n';
    await page.getByLabel('File (CSV or Parquet)').setInputFiles({ name: 'stores.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#upload-result .notice.ok').waitFor({ timeout: 20000 });
    assert.match(await page.locator('#upload-result').textContent(), /Imported 2,500 rows into Store/);
    assert.equal(await page.locator('#upload-progress').evaluate((el) => el.value), 100);
    await page.locator('.rows[data-table="Store"]', { hasText: '2,500 rows' }).waitFor();
    await shot(page, 'dataset');
    const bad = 'StoreId,Region\nnot-a-number,West\n';
    await page.getByLabel('File (CSV or Parquet)').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#upload-result .notice.error').waitFor();
    assert.match(await page.locator('#upload-result').textContent(), /StoreId/);
    assert.match(await page.locator('.rows[data-table="Store"]').textContent(), /2,500 rows/, 'a failed import changes nothing');
  });

  await t.test('is keyboard-usable: skip link, focus on the heading, visible focus, Enter follows links', async () => {
    await page.goto(`${base}/portal/#/datasets`);
    await heading(page, 'Datasets');
    await page.locator('#datasets', { hasText: 'Contoso Electronics' }).waitFor();
    await shot(page, 'datasets');
    const first = await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea').textContent);
    assert.equal(first, 'Skip to content', 'the first stop is the skip link');
    // Each page moves focus to its heading, so screen readers announce it and Tab continues from there.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Contoso Electronics');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    await heading(page, 'Contoso Electronics');
    assert.match(await page.locator('.rows[data-table="Sales"]').textContent(), /rows/);
  });

  await t.test('signs out', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('bindery.portal.session')), null);
  });

  await t.test('a user previews on a dataset shared with them, and is refused another', async () => {
    const analyst = (demo.users || []).find((u) => u.username === 'analyst@tailspin.example');
    assert.ok(analyst, 'demo.json lists the analyst');
    const tab = await context.newPage(); // a new tab: its own sessionStorage, so its own sign-in
    tab.on('pageerror', (e) => problems.push(`pageerror (analyst): ${e.message}`));
    await tab.goto(`${base}/portal/#/preview?report=${report.workspaceId}:${report.id}&dataset=${dsByName['Tailspin Toys'].id}`);
    await tab.locator('#sign-in').click();
    await tab.getByLabel('Username').fill(analyst.username);
    await tab.getByLabel('Password').fill(analyst.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await heading(tab, 'Preview a report');
    // Tailspin Toys sits in a workspace the analyst is not a member of: it comes in by id, from the URL.
    assert.equal(await tab.getByLabel('Or a dataset id shared with you').inputValue(), dsByName['Tailspin Toys'].id);
    await tab.locator('#preview-button').click();
    await tab.locator('#embed-events [data-event="rendered"]').waitFor({ timeout: 30000 });
    await shot(tab, 'preview-shared');
    await tab.getByLabel('Or a dataset id shared with you').fill(dsByName['Fabrikam Fashion'].id);
    await tab.locator('#preview-button').click();
    await tab.locator('#compat .notice.error, #embed-events [data-event="error"]').first().waitFor({ timeout: 15000 });
    assert.equal(await tab.locator('#embed-events [data-event="rendered"]').count(), 0, 'nothing rendered from a dataset the user may not read');
    await tab.close();
  });

  await t.test('no script errors, no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
