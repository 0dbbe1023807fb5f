// Token lifetime with the Bindery SDK: tokenExpiring ahead of expiry, then an
// expired token is refused and renewed with setAccessToken without reloading.
// Uses a 1-minute embed token; the server tolerates 30 s of clock skew, so
// this file takes about 95 s and runs beside the others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, ds, launch, openHost, shot, mint, embedAndRender, andRendered, cardShown, near } from './lib/harness.mjs';

const CONTOSO = 'Contoso Electronics';
let b, page;
before(async () => {
  b = await launch();
  page = await openHost(b.context);
});
after(async () => b && b.close());

test('tokenExpiring, expiry, and renewal with setAccessToken', { timeout: 150000 }, async () => {
  const short = await mint(page, { datasets: [{ id: ds(CONTOSO) }], lifetimeInMinutes: 1 });
  const exp = new Date(short.expiration).getTime();
  assert.ok(exp - Date.now() <= 61000, `a 1-minute token: ${short.expiration}`);
  await page.evaluate(() => H.slot('t', 'Short-lived token'));
  // Warn 50 s ahead: about 10 s from now.
  await embedAndRender(page, 't', { accessToken: short.token, datasetBinding: { datasetId: ds(CONTOSO) }, tokenExpiringMinutes: 50 / 60 });
  const warn = await page.evaluate(() => H.wait('t', 'tokenExpiring', 0, 30000));
  assert.equal(new Date(warn.detail.expiration).getTime(), exp, 'tokenExpiring names the token\'s expiry');
  assert.ok(warn.detail.msLeft > 40000 && warn.detail.msLeft <= 51000, `fired ${warn.detail.msLeft} ms ahead`);

  // Past expiry plus the server's 30 s leeway, a data request fails with TokenExpired.
  await page.waitForTimeout(Math.max(0, exp + 32000 - Date.now()));
  const since = await page.evaluate(() => H.count('t'));
  await page.evaluate(() => H.call('t', 'refresh'));
  const err = await page.evaluate((s) => H.wait('t', 'error', s, 15000), since);
  assert.equal(err.detail.errorCode, 'TokenExpired', JSON.stringify(err.detail));
  await shot(page, 'token-expired', 't');

  // Renew without reloading: the same page, no new `loaded`.
  const loadedBefore = await page.evaluate(() => H.events.t.filter((e) => e.name === 'loaded').length);
  const fresh = await mint(page, { datasets: [{ id: ds(CONTOSO) }] });
  const set = await page.evaluate((t) => H.call('t', 'setAccessToken', t), fresh.token);
  assert.equal(set.ok, true, JSON.stringify(set));
  await andRendered(page, 't', () => H.call('t', 'refresh'));
  near(await cardShown(page, 't', 'totalSales'), env.expect.totals[CONTOSO].totalSales, 'numbers after renewal');
  assert.equal(await page.evaluate(() => H.events.t.filter((e) => e.name === 'loaded').length), loadedBefore, 'renewal did not reload');
  await shot(page, 'token-renewed', 't');
});
