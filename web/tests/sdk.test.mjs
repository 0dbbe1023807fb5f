// The Bindery SDK against the real embed page and a real Bindery with the demo
// (issue 5 items 2, 3, 4 and 7). Expected numbers come from the Go harness,
// which queries each dataset directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, ds, launch, openHost, shot, mint, embedAndRender, andRendered, cardShown, cardValue, frameOf, parseCSV, csvNumber, near } from './lib/harness.mjs';

const E = env.expect;
const CONTOSO = 'Contoso Electronics', FABRIKAM = 'Fabrikam Fashion';
let b, page;
before(async () => {
  b = await launch();
  page = await openHost(b.context);
});
after(async () => b && b.close());

const token = async (datasets, extra = {}) => (await mint(page, { datasets: datasets.map((n) => ({ id: ds(n) })), ...extra })).token;

test('one page, one report, two datasetBindings: each shows its own dataset\'s numbers', async () => {
  const [tc, tf] = await Promise.all([token([CONTOSO]), token([FABRIKAM])]);
  await page.evaluate(() => { H.slot('c', 'Contoso Electronics'); H.slot('f', 'Fabrikam Fashion'); });
  await Promise.all([
    embedAndRender(page, 'c', { accessToken: tc, datasetBinding: { datasetId: ds(CONTOSO) } }),
    embedAndRender(page, 'f', { accessToken: tf, datasetBinding: { datasetId: ds(FABRIKAM) } }),
  ]);
  await shot(page, 'sdk-two-bindings');
  for (const [id, name] of [['c', CONTOSO], ['f', FABRIKAM]]) {
    near(await cardShown(page, id, 'totalSales'), E.totals[name].totalSales, `${name} total sales shown`);
    near(await cardShown(page, id, 'orders'), E.totals[name].orders, `${name} orders shown`);
    near(await cardValue(page, id, 'totalSales'), E.totals[name].totalSales, `${name} total sales exported`);
    const names = await page.evaluate((id) => H.events[id].map((e) => e.name), id);
    assert.ok(names.indexOf('loaded') >= 0 && names.indexOf('loaded') < names.indexOf('rendered'), `events ${names}`);
  }
  assert.notEqual(E.totals[CONTOSO].totalSales, E.totals[FABRIKAM].totalSales);
});

test('rendered fires only when every visual of the page has painted', async () => {
  const f = await frameOf(page, 'c');
  const busy = await f.locator('section[data-visual] [aria-busy="true"]').count();
  const visuals = await f.locator('section[data-visual]').count();
  assert.equal(visuals, 8, 'the overview page has 8 visuals');
  assert.equal(busy, 0, 'no visual is still loading after rendered');
});

test('getPages, getVisuals, setPage and pageChanged', async () => {
  const pages = await page.evaluate(() => H.pages('c'));
  assert.deepEqual(pages.map((p) => [p.name, p.isActive]), [['overview', true], ['details', false]]);
  const visuals = await page.evaluate(() => H.visuals('c', 'overview'));
  assert.deepEqual(visuals.map((v) => v.name).sort(), ['byCategory', 'byMonth', 'byRegion', 'margin', 'orders', 'quantityByCategory', 'region', 'totalSales']);
  assert.equal(visuals.find((v) => v.name === 'region').type, 'slicer');
  const since = await page.evaluate(() => H.count('c'));
  const r = await andRendered(page, 'c', () => H.call('c', 'setPage', 'details'));
  assert.equal(r.ok, true, JSON.stringify(r));
  const changed = await page.evaluate((s) => H.wait('c', 'pageChanged', s), since);
  assert.equal(changed.detail.newPage.name, 'details');
  assert.equal((await page.evaluate(() => H.pages('c'))).find((p) => p.isActive).name, 'details');
  await shot(page, 'sdk-details-page');
  await andRendered(page, 'c', () => H.call('c', 'setPage', 'overview'));
});

test('setFilters, getFilters and removeFilters change the numbers (report level)', async () => {
  const r = await andRendered(page, 'c', () => H.call('c', 'setFilters', [H.regionFilter(['West'])]));
  assert.equal(r.ok, true, JSON.stringify(r));
  near(await cardShown(page, 'c', 'totalSales'), E.contosoWest.totalSales, 'West total shown');
  near(await cardValue(page, 'c', 'totalSales'), E.contosoWest.totalSales, 'West total exported');
  const got = await page.evaluate(() => H.call('c', 'getFilters'));
  assert.deepEqual(got.value.map((f) => f.values), [['West']]);
  await shot(page, 'sdk-filtered-west');
  await andRendered(page, 'c', () => H.call('c', 'removeFilters'));
  near(await cardShown(page, 'c', 'totalSales'), E.totals[CONTOSO].totalSales, 'total after removeFilters');
  const bad = await page.evaluate(() => H.call('c', 'setFilters', [{ foo: 1 }]));
  assert.equal(bad.ok, false, 'an invalid filter is refused');
});

test('page-level and visual-level filters', async () => {
  await andRendered(page, 'c', () => H.filterCall('c', 'overview', null, 'setFilters', [H.regionFilter(['South'])]));
  near(await cardShown(page, 'c', 'totalSales'), E.contosoSouth.totalSales, 'South total (page filter)');
  const pf = await page.evaluate(() => H.filterCall('c', 'overview', null, 'getFilters'));
  assert.deepEqual(pf.value.map((f) => f.values), [['South']]);
  await andRendered(page, 'c', () => H.filterCall('c', 'overview', null, 'removeFilters'));
  near(await cardShown(page, 'c', 'totalSales'), E.totals[CONTOSO].totalSales, 'total after page removeFilters');
  // A filter on one visual changes that visual only.
  await andRendered(page, 'c', () => H.filterCall('c', 'overview', 'totalSales', 'setFilters', [H.regionFilter(['West'])]));
  near(await cardShown(page, 'c', 'totalSales'), E.contosoWest.totalSales, 'visual-filtered card');
  near(await cardShown(page, 'c', 'orders'), E.totals[CONTOSO].orders, 'other visuals unfiltered');
  await andRendered(page, 'c', () => H.filterCall('c', 'overview', 'totalSales', 'removeFilters'));
});

test('the slicer filters its page', async () => {
  const f = await frameOf(page, 'c');
  const since = await page.evaluate(() => H.count('c'));
  await f.locator('section[data-visual="region"] button.bd-slicer-item', { hasText: 'West' }).click();
  await page.evaluate((s) => H.wait('c', 'rendered', s, 20000), since);
  await f.waitForFunction((want) => {
    const v = document.querySelector('section[data-visual="totalSales"] .bd-card-value');
    return v && Math.abs(Number(v.dataset.value) - want) < 0.01;
  }, E.contosoWest.totalSales, { timeout: 10000 }).catch(() => {});
  near(await cardShown(page, 'c', 'totalSales'), E.contosoWest.totalSales, 'total after the slicer picked West');
  near(await cardValue(page, 'c', 'totalSales'), E.contosoWest.totalSales, 'export follows the slicer');
  await shot(page, 'sdk-slicer-west');
  const since2 = await page.evaluate(() => H.count('c'));
  await f.locator('section[data-visual="region"] button.bd-slicer-item', { hasText: 'West' }).click();
  await page.evaluate((s) => H.wait('c', 'rendered', s, 20000), since2);
  near(await cardShown(page, 'c', 'totalSales'), E.totals[CONTOSO].totalSales, 'total after unselecting');
});

test('exportData returns the visual\'s data as CSV', async () => {
  const csv = await page.evaluate(() => H.exportVisual('f', 'overview', 'byCategory', 0));
  const rows = parseCSV(csv.trim());
  const header = rows.shift();
  assert.equal(header.length, 2, `header ${header}`);
  const got = Object.fromEntries(rows.map((r) => [r[0], csvNumber(r[1])]));
  assert.deepEqual(Object.keys(got).sort(), Object.keys(E.fabrikamByCategory).sort());
  for (const [k, v] of Object.entries(E.fabrikamByCategory)) near(got[k], v, `exported ${k}`);
});

test('a token without the bound dataset raises error DatasetNotInToken and shows the panel', async () => {
  const t = await token(['Tailspin Toys']);
  await page.evaluate(() => H.slot('nodata', 'Token without the dataset'));
  assert.equal(await page.evaluate(([t, d]) => H.embed('nodata', { accessToken: t, datasetBinding: { datasetId: d } }), [t, ds(CONTOSO)]), null);
  const e = await page.evaluate(() => H.wait('nodata', 'error', 0, 15000));
  assert.equal(e.detail.errorCode, 'DatasetNotInToken', JSON.stringify(e.detail));
  assert.ok(e.detail.message, 'the error has a message');
  const f = await frameOf(page, 'nodata');
  await f.locator('.bd-panel.bd-error').waitFor({ state: 'visible', timeout: 5000 });
  await shot(page, 'sdk-error-dataset-not-in-token', 'nodata');
  assert.equal(await page.evaluate(() => H.events.nodata.filter((e) => e.name === 'rendered').length), 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => H.events.nodata.filter((e) => e.name === 'error').length), 1, 'one error event, not two');
});

test('re-embedding with an invalid config (no client-side validation on that path) raises one error', async () => {
  // powerbi-client skips validation when re-embedding on an element; the embed page validates and refuses.
  const since = await page.evaluate(() => H.count('nodata'));
  await page.evaluate(() => { H.service.embed(document.getElementById('nodata'), H.config({ accessToken: 'x', datasetBinding: {} })); });
  const e = await page.evaluate((s) => H.wait('nodata', 'error', s, 10000), since);
  assert.match(JSON.stringify(e.detail), /datasetBinding cannot be empty/);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate((s) => H.events.nodata.slice(s).filter((e) => e.name === 'error').length, since), 1);
});

test('an incompatible dataset names the missing fields', async () => {
  const legacy = 'Legacy Retail (old schema)';
  const t = await token([legacy]);
  await page.evaluate(() => H.slot('legacy', 'Legacy Retail (incompatible)'));
  await page.evaluate(([t, d]) => H.embed('legacy', { accessToken: t, datasetBinding: { datasetId: d } }), [t, ds(legacy)]);
  const e = await page.evaluate(() => H.wait('legacy', 'error', 0, 15000));
  assert.equal(e.detail.errorCode, 'IncompatibleDataset', JSON.stringify(e.detail));
  const text = JSON.stringify(e.detail);
  for (const field of ['Product[Category]', 'Margin %']) assert.ok(text.includes(field), `error names ${field}: ${text}`);
  const f = await frameOf(page, 'legacy');
  const panel = await f.locator('.bd-panel.bd-error').innerText({ timeout: 5000 });
  assert.ok(panel.includes('Product[Category]'), `panel names the field: ${panel}`);
  await shot(page, 'sdk-error-incompatible', 'legacy');
});

test('an RLS identity sees only its rows', async () => {
  const nw = 'Northwind Grocers';
  const t = await token([nw], { identities: [{ username: 'west.manager@northwind.example', roles: ['Regional Manager'], datasets: [ds(nw)] }] });
  await page.evaluate(() => H.slot('rls', 'Northwind as west.manager (RLS)'));
  await embedAndRender(page, 'rls', { accessToken: t, datasetBinding: { datasetId: ds(nw) } });
  near(await cardShown(page, 'rls', 'totalSales'), E.northwindRls.totalSales, 'RLS total');
  near(await cardShown(page, 'rls', 'orders'), E.northwindRls.orders, 'RLS orders');
  assert.ok(E.northwindRls.orders < E.totals[nw].orders);
  const csv = await page.evaluate(() => H.exportVisual('rls', 'overview', 'byRegion', 0));
  const regions = parseCSV(csv.trim()).slice(1).map((r) => r[0]);
  assert.deepEqual(regions, ['West'], `byRegion under RLS: ${csv}`);
  await shot(page, 'sdk-rls-west-manager', 'rls');
});

test('phased embedding: service.load prepares (loaded, no rendered), render() renders', async () => {
  const t = await token([FABRIKAM]);
  const r = await page.evaluate(async ([t, d]) => {
    const el = document.getElementById(H.slot('phased', 'Phased: load then render'));
    const seen = [];
    const rep = H.service.load(el, H.config({ accessToken: t, datasetBinding: { datasetId: d } }));
    for (const n of ['loaded', 'rendered', 'error']) rep.on(n, () => seen.push(n));
    await new Promise((res) => el.addEventListener('loaded', res, { once: true }));
    await new Promise((res) => setTimeout(res, 500));
    const before = seen.slice();
    const rendered = new Promise((res) => el.addEventListener('rendered', res, { once: true }));
    await rep.render();
    await rendered;
    return { before, after: seen };
  }, [t, ds(FABRIKAM)]);
  assert.deepEqual(r.before, ['loaded'], 'nothing rendered before render()');
  assert.deepEqual(r.after, ['loaded', 'rendered']);
  near(await cardShown(page, 'phased', 'totalSales'), E.totals[FABRIKAM].totalSales, 'phased shows Fabrikam');
});

test('refresh, reload and getCorrelationId', async () => {
  const corr = await page.evaluate(() => H.call('f', 'getCorrelationId'));
  assert.equal(corr.ok, true);
  assert.equal(typeof corr.value, 'string');
  assert.ok(corr.value.length > 0);
  await andRendered(page, 'f', () => H.call('f', 'refresh'));
  const since = await page.evaluate(() => H.count('f'));
  await andRendered(page, 'f', () => H.call('f', 'reload'));
  await page.evaluate((s) => H.wait('f', 'loaded', s), since);
  near(await cardShown(page, 'f', 'totalSales'), E.totals[FABRIKAM].totalSales, 'after reload');
  assert.deepEqual(page.logs.filter((l) => l.startsWith('[pageerror]')), []);
});
