// Browser tests of the two sample applications (internal/samples):
//   - /samples/customers/ (app owns data): sign in to the sample's own accounts, see
//     the retailer's numbers, switch retailer, see RLS applied for Northwind, watch the
//     embed token renewed without the report reloading;
//   - /samples/organization/ (user owns data): sign in to Bindery (code + PKCE) as the
//     analyst, see only the dataset the analyst may read and its numbers, try a dataset
//     the analyst may not read and see the error event's message.
// Numbers are compared with a direct query: EXPECT from the Go harness, or, standalone,
// the embed data API called with an admin-minted token.
//
// Run through the Go harness: `go test ./internal/browsertest/` (BINDERY_URL, DEMO_JSON,
// CHROMIUM, SCREENSHOTS, EXPECT). Standalone, against `bindery serve --demo --data D --addr A`:
//   BASE_URL=http://A DEMO_JSON=D/demo.json node --test tests/samples.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.env.BINDERY_URL || process.env.BASE_URL || '').replace(/\/$/, '');
const demoPath = process.env.DEMO_JSON;
if (!base || !demoPath) {
  throw new Error('sample tests need BINDERY_URL (or BASE_URL) and DEMO_JSON (the demo.json of that server): run `go test ./internal/browsertest/`');
}
const demo = JSON.parse(readFileSync(demoPath, 'utf8'));
const shots = process.env.SCREENSHOTS || 'test-results/screenshots';
mkdirSync(shots, { recursive: true });
const dsByName = Object.fromEntries(demo.datasets.map((d) => [d.name, d]));
const user = (name) => demo.users.find((u) => u.username === name);
// The customers sample writes its own accounts beside demo.json on first use; open a page first.
const customerAccounts = () => JSON.parse(readFileSync(join(dirname(demoPath), 'samples.json'), 'utf8')).customers;

async function launch() {
  const dir = await mkdtemp(join(tmpdir(), 'bindery-samples-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1366, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  return { context, close: async () => { await context.close(); await rm(dir, { recursive: true, force: true }); } };
}

function watchPage(page) {
  page.logs = [];
  page.on('console', (m) => page.logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => page.logs.push(`[pageerror] ${e.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `samples-${name}.png`), fullPage: true });
}

/** Waits until window.sample satisfies pred (evaluated in the page); fails with what the page saw. */
async function until(page, pred, what, timeout = 30000) {
  try {
    await page.waitForFunction(pred, null, { timeout, polling: 50 });
  } catch (e) {
    const s = await page.evaluate(() => JSON.stringify({ ...window.sample, report: undefined })).catch(() => '?');
    throw new Error(`${what}: ${e.message}\nwindow.sample: ${s.slice(0, 2000)}\nconsole: ${page.logs.join('\n').slice(-2000)}`);
  }
}

/** Reads the overview page's two cards ([Total Sales], [Orders]) through the SDK's exportData. */
async function cards(page) {
  return page.evaluate(async () => {
    const pages = await window.sample.report.getPages();
    const visuals = await pages.find((p) => p.name === 'overview').getVisuals();
    const read = async (name) => {
      const csv = (await visuals.find((v) => v.name === name).exportData(0)).data.trim().split(/\r?\n/);
      return Number(csv[csv.length - 1].split(',').pop().replace(/[",\s$%]/g, ''));
    };
    return { totalSales: await read('totalSales'), orders: await read('orders') };
  });
}

function near(actual, expected, msg) {
  assert.ok(Math.abs(actual - expected) <= Math.max(0.01, Math.abs(expected) * 1e-9), `${msg}: got ${actual}, want ${expected}`);
}

// --- expected numbers ------------------------------------------------------------------------

const harness = process.env.EXPECT ? JSON.parse(process.env.EXPECT) : null;

/** A direct query of a dataset's cards (standalone runs): the embed data API with an admin-minted embed token. */
async function directTotals(name, identity) {
  const d = dsByName[name];
  const mint = await fetch(`${base}/v1.0/myorg/GenerateToken`, {
    method: 'POST', headers: { Authorization: `Bearer ${demo.adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reports: [{ id: demo.report.id }], datasets: [{ id: d.id }], identities: identity ? [{ ...identity, datasets: [d.id] }] : undefined }),
  });
  assert.equal(mint.status, 200, `mint a token for ${name}: ${await mint.clone().text()}`);
  const { token } = await mint.json();
  const res = await fetch(`${base}/embed/v1/query`, {
    method: 'POST', headers: { Authorization: `EmbedToken ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reportId: demo.report.id, datasetId: d.id, page: 'overview', visuals: [{ name: 'totalSales' }, { name: 'orders' }] }),
  });
  assert.equal(res.status, 200, `query ${name}`);
  const out = {};
  for (const line of (await res.text()).trim().split('\n')) {
    const v = JSON.parse(line);
    assert.ok(!v.error, `query ${name}/${v.visual}: ${JSON.stringify(v.error)}`);
    out[v.visual === 'totalSales' ? 'totalSales' : 'orders'] = Number(v.rows[0][v.rows[0].length - 1]);
  }
  return out;
}

async function expected(name) {
  if (harness) return name === 'Northwind Grocers' ? harness.northwindRls : harness.totals[name];
  return name === 'Northwind Grocers'
    ? directTotals(name, { username: 'west.manager@northwind.example', roles: ['Regional Manager'] })
    : directTotals(name);
}

// --- embed for your customers ----------------------------------------------------------------

async function signInCustomer(page, account) {
  await page.locator('#username').fill(account.username);
  await page.locator('#password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/samples/customers/`);
  await until(page, () => window.sample && window.sample.rendered >= 1, `${account.retailer}: report rendered`);
}

test('embed for your customers: sign in, numbers per retailer, switch, RLS, token renewal', async (t) => {
  const { context, close } = await launch();
  t.after(close);
  const page = watchPage(await context.newPage());
  await page.goto(`${base}/samples/customers/`);
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  const accounts = customerAccounts();
  const byRetailer = Object.fromEntries(accounts.map((a) => [a.retailer, a]));
  await shot(page, 'customers-signin');

  await t.test('a wrong password is refused', async () => {
    await page.locator('#username').fill(byRetailer['Contoso Electronics'].username);
    await page.locator('#password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#signin-error').waitFor();
    assert.match(await page.locator('#signin-error').innerText(), /not correct/);
  });

  const seen = {};
  await t.test('Contoso sees its own numbers', async () => {
    await signInCustomer(page, byRetailer['Contoso Electronics']);
    assert.equal(await page.locator('#retailer').innerText(), 'Contoso Electronics');
    const got = await cards(page);
    const want = await expected('Contoso Electronics');
    near(got.totalSales, want.totalSales, 'Contoso total sales');
    near(got.orders, want.orders, 'Contoso orders');
    seen.contoso = await page.evaluate(() => window.sample.datasetId);
    assert.equal(seen.contoso, dsByName['Contoso Electronics'].id);
    await shot(page, 'customers-contoso');
  });

  await t.test('the session cookie is HttpOnly and SameSite=Lax; the app secret is not in the page', async () => {
    const cookie = (await context.cookies(`${base}/samples/customers/`)).find((c) => c.name === 'sample_customers_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/samples/customers/');
    const html = await page.content();
    const js = await (await fetch(`${base}/samples/assets/customers.js`)).text();
    for (const text of [html, js]) {
      assert.ok(!text.includes(demo.app.clientSecret), 'the client secret never reaches the browser');
    }
  });

  await t.test('switching retailer shows the same report with Fabrikam\'s numbers', async () => {
    await page.locator('#next').selectOption(byRetailer['Fabrikam Fashion'].username);
    await page.getByRole('button', { name: 'Switch', exact: true }).click();
    await page.locator('h1', { hasText: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#username').inputValue(), byRetailer['Fabrikam Fashion'].username);
    await page.locator('#password').fill(byRetailer['Fabrikam Fashion'].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await until(page, () => window.sample && window.sample.rendered >= 1, 'Fabrikam: report rendered');
    const got = await cards(page);
    const want = await expected('Fabrikam Fashion');
    near(got.totalSales, want.totalSales, 'Fabrikam total sales');
    near(got.orders, want.orders, 'Fabrikam orders');
    const contoso = await expected('Contoso Electronics');
    assert.notEqual(got.totalSales, contoso.totalSales, 'Fabrikam\'s numbers differ from Contoso\'s');
    assert.equal(await page.evaluate(() => window.sample.datasetId), dsByName['Fabrikam Fashion'].id);
    await shot(page, 'customers-fabrikam');
  });

  await t.test('Northwind\'s manager gets an RLS identity and sees only the West region', async () => {
    await page.locator('#next').selectOption(byRetailer['Northwind Grocers'].username);
    await page.getByRole('button', { name: 'Switch', exact: true }).click();
    await page.locator('#password').fill(byRetailer['Northwind Grocers'].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await until(page, () => window.sample && window.sample.rendered >= 1, 'Northwind: report rendered');
    assert.match(await page.locator('#token-identity').innerText(), /west\.manager@northwind\.example \(Regional Manager\)/);
    const got = await cards(page);
    const want = await expected('Northwind Grocers');
    near(got.totalSales, want.totalSales, 'Northwind (RLS) total sales');
    near(got.orders, want.orders, 'Northwind (RLS) orders');
    await shot(page, 'customers-northwind-rls');
  });

  await t.test('the embed token is renewed before expiry without reloading the report', async () => {
    // ?lifetime=1: one-minute tokens, renewed 0.9 minutes ahead, i.e. about 6 s after load.
    await page.goto(`${base}/samples/customers/?lifetime=1`);
    await until(page, () => window.sample && window.sample.rendered >= 1, 'report rendered');
    const first = await page.evaluate(() => window.sample.tokenId);
    const frame = await page.locator('#report-container iframe').elementHandle();
    await until(page, () => window.sample.renewals >= 1, 'token renewed', 45000);
    const after = await page.evaluate(() => ({ tokenId: window.sample.tokenId, loaded: window.sample.loaded, lastError: window.sample.lastError }));
    assert.notEqual(after.tokenId, first, 'a new token was minted');
    assert.equal(after.loaded, 1, 'the report was not loaded again');
    assert.equal(after.lastError, undefined, 'no error');
    assert.ok(await frame.evaluate((f) => f.isConnected), 'the same iframe is still in the page');
    // The report keeps answering with the new token.
    const got = await cards(page);
    near(got.totalSales, (await expected('Northwind Grocers')).totalSales, 'numbers after renewal');
    await shot(page, 'customers-token-renewed');
  });

  await t.test('signing out ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('h1', { hasText: 'Sign in' }).waitFor();
    const res = await page.evaluate(async () => (await fetch('/samples/customers/api/embed', { method: 'POST' })).status);
    assert.equal(res, 401);
  });
  assert.deepEqual(page.logs.filter((l) => l.startsWith('[pageerror]')), []);
});

// --- embed for your organization -------------------------------------------------------------

test('embed for your organization: sign in with PKCE, only readable datasets, error for a forbidden one', async (t) => {
  const analyst = user('analyst@tailspin.example');
  assert.ok(analyst, 'demo.json lists analyst@tailspin.example');
  const { context, close } = await launch();
  t.after(close);
  const page = watchPage(await context.newPage());
  await page.goto(`${base}/samples/organization/`);
  await page.getByRole('button', { name: 'Sign in with Bindery' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.locator('#username').fill(analyst.username);
  await page.locator('#password').fill(analyst.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/samples/organization/`);

  await t.test('the analyst is offered only Tailspin Toys, and sees its numbers', async () => {
    await page.locator('#datasets li').first().waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#username').innerText(), analyst.username);
    const offered = await page.locator('#datasets label').allInnerTexts();
    assert.deepEqual(offered, ['Tailspin Toys']);
    await until(page, () => window.sample && window.sample.rendered >= 1, 'report rendered');
    assert.equal(await page.evaluate(() => window.sample.datasetId), dsByName['Tailspin Toys'].id);
    const got = await cards(page);
    const want = await expected('Tailspin Toys');
    near(got.totalSales, want.totalSales, 'Tailspin total sales');
    near(got.orders, want.orders, 'Tailspin orders');
    await shot(page, 'organization-analyst');
  });

  await t.test('binding a dataset the analyst may not read shows the error event\'s message', async () => {
    await page.locator('#advanced summary').click();
    await page.locator('#any-dataset-id').fill(dsByName['Contoso Electronics'].id);
    await page.getByRole('button', { name: 'Bind' }).click();
    const panel = page.locator('#embed-error');
    await panel.waitFor({ state: 'visible', timeout: 15000 });
    const err = await page.evaluate(() => window.sample.lastError);
    assert.ok(err && err.message, 'the error event carried a message');
    const text = await panel.innerText();
    assert.ok(text.includes(err.message), `the panel shows the event's message: ${text}`);
    assert.match(`${err.errorCode} ${err.message}`, /permission|Insufficient|Forbidden|not allowed|may not/i);
    await shot(page, 'organization-forbidden');
  });

  await t.test('the regional manager sees Northwind under RLS, with the user\'s own token', async () => {
    const manager = user('west.manager@northwind.example');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with Bindery' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.locator('#username').fill(manager.username);
    await page.locator('#password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/samples/organization/`);
    await page.locator('#datasets li').first().waitFor({ timeout: 15000 });
    assert.deepEqual(await page.locator('#datasets label').allInnerTexts(), ['Northwind Grocers']);
    await until(page, () => window.sample && window.sample.rendered >= 1, 'report rendered');
    const got = await cards(page);
    const want = await expected('Northwind Grocers');
    near(got.totalSales, want.totalSales, 'Northwind (RLS, user token) total sales');
    near(got.orders, want.orders, 'Northwind (RLS, user token) orders');
  });
  assert.deepEqual(page.logs.filter((l) => l.startsWith('[pageerror]')), []);
});
