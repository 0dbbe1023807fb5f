// The SDK's host side against a fake embed page (pages/fake-embed.html) that
// speaks the wire protocol with plain postMessage: request shapes, answers,
// events, error raising, load timeout, tokenExpiring and the source check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, openHost } from './lib/harness.mjs';

let b, page;
before(async () => {
  b = await launch();
  page = await openHost(b.context);
});
after(async () => b && b.close());

const fake = (q = '') => `${env.alt}/fake/reportEmbed?reportId=r1${q}`;
const jwt = (exp) => ['{"alg":"none"}', JSON.stringify({ exp })].map((s) => Buffer.from(s).toString('base64url')).join('.') + '.sig';
const received = async (id) => {
  const f = page.frames().find((x) => x.parentFrame() && x.url().includes('/fake/reportEmbed') && x.url().includes(
    'uid=' + page._uids[id]));
  return f.evaluate(() => window.received);
};
const embed = async (id, extra) => {
  const err = await page.evaluate(([id, extra]) => H.embed(id, extra), [id, { id: 'r1', ...extra }]);
  page._uids = page._uids || {};
  page._uids[id] = await page.evaluate((id) => H.reports[id] && H.reports[id].config.uniqueId, id);
  return err;
};

test('load posts the wire config (no local keys) with uid and SDK headers; loaded then rendered', async () => {
  assert.equal(await embed('p1', { embedUrl: fake(), accessToken: 'tok-1', datasetBinding: { datasetId: 'ds-1' }, tokenExpiringMinutes: 3 }), null);
  await page.evaluate(() => H.wait('p1', 'rendered'));
  const names = await page.evaluate(() => H.events.p1.map((e) => e.name));
  assert.deepEqual(names, ['loaded', 'rendered']);
  const [load] = await received('p1');
  assert.equal(load.url, '/report/load');
  assert.equal(load.headers.uid, page._uids.p1);
  assert.equal(load.headers['x-sdk-type'], 'bindery-js');
  assert.ok(load.headers.sdkSessionId && load.headers.id);
  assert.deepEqual(load.body.datasetBinding, { datasetId: 'ds-1' });
  assert.equal(load.body.accessToken, 'tok-1');
  assert.equal(load.body.tokenType, 1);
  assert.equal(load.body.id, 'r1');
  assert.equal('tokenExpiringMinutes' in load.body, false, 'Bindery-only keys stay in the host');
  assert.equal(load.origin, env.host, 'the embed page sees the host origin');
});

test('API calls map to the documented routes and answers', async () => {
  const r = await page.evaluate(async () => {
    const rep = H.reports.p1;
    const out = {};
    out.pages = (await rep.getPages()).map((p) => [p.name, p.isActive]);
    const since = H.count('p1');
    out.setPage = (await rep.setPage('p2')).statusCode;
    out.changed = (await H.wait('p1', 'pageChanged', since)).detail.newPage.name;
    out.active = (await rep.getActivePage()).name;
    const f = [H.regionFilter(['West'])];
    out.set = (await rep.setFilters(f)).statusCode;
    out.get = await rep.getFilters();
    await rep.updateFilters(bindery.models.FiltersOperations.Add, [H.regionFilter(['East'])]);
    out.afterAdd = (await rep.getFilters()).length;
    await rep.removeFilters();
    out.afterRemove = (await rep.getFilters()).length;
    const p1 = await rep.getPageByName('p1');
    await p1.setFilters(f);
    out.pageFilters = (await p1.getFilters()).length;
    out.reportFiltersUntouched = (await rep.getFilters()).length;
    const vs = await p1.getVisuals();
    out.visuals = vs.map((v) => v.name);
    out.slicers = (await p1.getSlicers()).map((v) => v.name);
    await vs[0].setFilters(f);
    out.visualFilters = (await vs[0].getFilters()).length;
    out.csv = (await vs[0].exportData(bindery.models.ExportDataType.Underlying)).data;
    out.corr = await rep.getCorrelationId();
    out.missing = await rep.getPageByName('nope').then(() => 'found', (e) => e);
    out.unknown = await rep.updateSettings({ filterPaneEnabled: true }).then(() => 'ok', (e) => e.message);
    out.token = await rep.setAccessToken('tok-2').then(() => rep.config.accessToken);
    return out;
  });
  assert.deepEqual(r.pages, [['p1', true], ['p2', false]]);
  assert.equal(r.setPage, 202);
  assert.equal(r.changed, 'p2');
  assert.equal(r.active, 'p2');
  assert.equal(r.set, 202);
  assert.equal(r.get[0].values[0], 'West');
  assert.equal(r.afterAdd, 2);
  assert.equal(r.afterRemove, 0);
  assert.equal(r.pageFilters, 1);
  assert.equal(r.reportFiltersUntouched, 0);
  assert.deepEqual(r.visuals, ['v1', 's1']);
  assert.deepEqual(r.slicers, ['s1']);
  assert.equal(r.visualFilters, 1);
  assert.equal(r.csv, 'Region,Total\r\nWest,u\r\n');
  assert.equal(r.corr, 'corr-' + page._uids.p1);
  assert.equal(r.missing, 'PowerBIEntityNotFound');
  assert.equal(r.unknown, 'NotSupported', 'an unsupported call rejects with the page\'s 404 body');
  assert.equal(r.token, 'tok-2');
  const urls = (await received('p1')).map((m) => m.method + ' ' + m.url);
  for (const u of ['PUT /report/pages/active', 'PUT /report/filters', 'POST /report/filters', 'PUT /report/pages/p1/filters',
    'PUT /report/pages/p1/visuals/v1/filters', 'POST /report/pages/p1/visuals/v1/exportData', 'POST /report/token', 'GET /getCorrelationId']) {
    assert.ok(urls.includes(u), `${u} not sent; sent: ${urls.join(', ')}`);
  }
});

test('a load the page rejects raises the error event once (not only a rejected promise)', async () => {
  await embed('p2', { embedUrl: fake(), accessToken: 't', datasetBinding: { datasetId: 'fail-400' } });
  const e = await page.evaluate(() => H.wait('p2', 'error'));
  assert.equal(e.detail.message, 'datasetBinding cannot be empty');
  assert.equal(e.detail.level, 6);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => H.events.p2.filter((e) => e.name === 'error').length), 1);
});

test('an error event the page posts itself is not doubled', async () => {
  await embed('p3', { embedUrl: fake(), accessToken: 't', datasetBinding: { datasetId: 'fail-event' } });
  const e = await page.evaluate(() => H.wait('p3', 'error'));
  assert.equal(e.detail.errorCode, 'PowerBIEntityNotFound');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => H.events.p3.length), 1);
});

test('a page that never answers raises error LoadTimeout', async () => {
  await embed('p4', { embedUrl: fake('&mode=silent'), accessToken: 't', loadTimeoutMs: 400 });
  const e = await page.evaluate(() => H.wait('p4', 'error', 0, 5000));
  assert.equal(e.detail.errorCode, 'LoadTimeout');
  assert.match(e.detail.detailedMessage, /frame-ancestors/);
});

test('tokenExpiring fires ahead of the JWT exp, and again for the token set by setAccessToken', async () => {
  const now = Date.now() / 1000;
  await embed('p5', { embedUrl: fake(), accessToken: jwt(Math.floor(now + 61)), tokenExpiringMinutes: 1 });
  const first = await page.evaluate(() => H.wait('p5', 'tokenExpiring', 0, 5000));
  assert.ok(first.detail.msLeft > 0 && first.detail.msLeft <= 61000, `msLeft ${first.detail.msLeft}`);
  const since = await page.evaluate(() => H.count('p5'));
  const next = jwt(Math.floor(now + 62));
  await page.evaluate(([t]) => H.reports.p5.setAccessToken(t), [next]);
  const second = await page.evaluate((since) => H.wait('p5', 'tokenExpiring', since, 5000), since);
  assert.equal(second.detail.expiration, new Date(Math.floor(now + 62) * 1000).toISOString());
});

test('the embed page\'s expiration in `loaded` is used when the token is not a JWT', async () => {
  const exp = new Date(Date.now() + 60500).toISOString();
  await embed('p6', { embedUrl: fake('&exp=' + encodeURIComponent(exp)), accessToken: 'opaque', tokenExpiringMinutes: 1 });
  const e = await page.evaluate(() => H.wait('p6', 'tokenExpiring', 0, 5000));
  assert.equal(e.detail.expiration, exp);
});

test('events forged by a frame the SDK did not create are dropped', async () => {
  await embed('p7', { embedUrl: fake(), accessToken: 't' });
  await page.evaluate(() => H.wait('p7', 'rendered'));
  await page.evaluate(([url]) => {
    const f = document.createElement('iframe');
    f.src = url;
    document.body.appendChild(f);
  }, [`${env.alt}/fake/reportEmbed?rogue=${page._uids.p7}`]);
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => H.events.p7.map((e) => e.name)), ['loaded', 'rendered']);
});

test('config errors throw like powerbi-client; any http(s) host is accepted', async () => {
  assert.equal(await embed('p8', { embedUrl: fake(), accessToken: 't', datasetBinding: {} }), 'threw: [{"message":"datasetBinding cannot be empty"}]');
  assert.match(await embed('p9', { embedUrl: 'javascript:alert(1)', accessToken: 't' }), /Invalid embed URL/);
  await page.evaluate(() => { H.service.accessToken = undefined; });
  assert.match(await embed('p10', { embedUrl: fake(), accessToken: '' }), /No access token/);
  assert.equal(await embed('p11', { embedUrl: 'http://127.0.0.2:9/reportEmbed?reportId=x', accessToken: 't', loadTimeoutMs: 0 }), null);
  const r = await page.evaluate(() => {
    const el = document.getElementById('p11');
    const had = !!el.querySelector('iframe') && H.service.get(el) === H.reports.p11;
    H.service.reset(el);
    let threw = false;
    try { H.service.get(el); } catch { threw = true; }
    return { had, gone: !el.querySelector('iframe'), threw };
  });
  assert.deepEqual(r, { had: true, gone: true, threw: true });
});

test('zero-arg Service, bootstrap then embed, on() refuses unknown events', async () => {
  const r = await page.evaluate(async ([url]) => {
    const svc = new bindery.service.Service();
    const el = document.getElementById(H.slot('boot', 'bootstrap'));
    const rep = svc.bootstrap(el, { type: 'report', embedUrl: url });
    const iframe = el.querySelector('iframe');
    let bad = null;
    try { rep.on('notAnEvent', () => {}); } catch (e) { bad = e.message; }
    await new Promise((res) => iframe.addEventListener('load', res, { once: true }));
    const loaded = new Promise((res) => el.addEventListener('loaded', (e) => res(e.detail), { once: true }));
    const same = svc.embed(el, { type: 'report', embedUrl: url, accessToken: 'tok', tokenType: 1 }) === rep;
    const detail = await loaded;
    return { same, sameIframe: el.querySelector('iframe') === iframe, detail, bad };
  }, [fake()]);
  assert.equal(r.same, true, 'embed after bootstrap reuses the embed');
  assert.equal(r.sameIframe, true, 'and its iframe');
  assert.equal(r.detail.initiator, 'sdk');
  assert.match(r.bad, /eventName must be one of/);
});

test('an accessTokenProvider hook renews the token at tokenExpiring', async () => {
  const now = Math.floor(Date.now() / 1000);
  const [t1, t2] = [jwt(now + 61), jwt(now + 3600)];
  await page.evaluate(([url, t1, t2]) => {
    H.embed('hook', { id: 'r1', embedUrl: url, accessToken: t1, tokenExpiringMinutes: 1, eventHooks: { accessTokenProvider: async () => t2 } });
  }, [fake(), t1, t2]);
  page._uids.hook = await page.evaluate(() => H.reports.hook.config.uniqueId);
  await page.evaluate(() => H.wait('hook', 'tokenExpiring', 0, 5000));
  await page.waitForFunction((t2) => H.reports.hook.config.accessToken === t2, t2, { timeout: 5000 });
  const tokenPosts = (await received('hook')).filter((m) => m.url === '/report/token');
  assert.deepEqual(tokenPosts.map((m) => m.body), [t2]);
  const load = (await received('hook')).find((m) => m.url === '/report/load');
  assert.equal('eventHooks' in load.body, false, 'functions are not posted');
  assert.equal(load.headers.tokenProviderSupplied, true);
});
