// The unmodified Microsoft SDK against Bindery (issue 5 item 5): 2.22.4 through
// powerbi.embed, 2.24.1 through a pre-created iframe (protocol reference §0,
// route A), because 2.23+ refuses non-Microsoft embed URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, ds, launch, openHost, shot, mint, embedAndRender, andRendered, cardShown, cardValue, near } from './lib/harness.mjs';

const E = env.expect;
const FABRIKAM = 'Fabrikam Fashion';
let b;
before(async () => { b = await launch(); });
after(async () => b && b.close());

for (const [version, route] of [['2.22.4', 'embed'], ['2.24.1', 'A']]) {
  test(`powerbi-client ${version} (${route === 'A' ? 'pre-created iframe' : 'powerbi.embed'}): loaded, rendered, getPages, setFilters, datasetBinding`, async () => {
    const page = await openHost(b.context, `pbi-${version}.html`);
    const t = (await mint(page, { datasets: [{ id: ds(FABRIKAM) }] })).token;
    if (version === '2.24.1') {
      // The reason for route A: the SDK's host allow-list.
      const threw = await page.evaluate(([t, d]) => H.embed('direct', { accessToken: t, datasetBinding: { datasetId: d } }), [t, ds(FABRIKAM)]);
      assert.match(threw, /Invalid embed URL/);
    }
    await page.evaluate((v) => H.slot('p', 'powerbi-client ' + v), version);
    await embedAndRender(page, 'p', { accessToken: t, datasetBinding: { datasetId: ds(FABRIKAM) } }, route);
    const names = await page.evaluate(() => H.events.p.map((e) => e.name));
    assert.ok(names.includes('loaded'), `events ${names}`);
    near(await cardShown(page, 'p', 'totalSales'), E.totals[FABRIKAM].totalSales, 'bound to Fabrikam');
    const pages = await page.evaluate(() => H.pages('p'));
    assert.deepEqual(pages.map((p) => [p.name, p.isActive]), [['overview', true], ['details', false]]);
    const isPage = await page.evaluate(async () => { const ps = await H.reports.p.getPages(); return typeof ps[0].setActive === 'function'; });
    assert.ok(isPage, 'getPages returns powerbi-client Page objects');
    const r = await andRendered(page, 'p', () => H.call('p', 'setFilters', [H.regionFilter(['West'])]));
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.value.statusCode, 202, 'setFilters resolves with the whole response');
    near(await cardShown(page, 'p', 'totalSales'), E.fabrikamWest.totalSales, 'Fabrikam West after setFilters');
    near(await cardValue(page, 'p', 'totalSales'), E.fabrikamWest.totalSales, 'exportData through powerbi-client');
    await shot(page, `powerbi-client-${version}`);
    const errors = page.logs.filter((l) => l.startsWith('[pageerror]'));
    assert.deepEqual(errors, []);
    await page.close();
  });
}
