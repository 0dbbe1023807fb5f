// embed() → rendered for the demo report (8 visuals on the overview page) bound
// to the 1-million-row Contoso dataset, in headless Chromium (issue 5 item 8).
//   cold: a new host page each time, embed() → rendered (new iframe: the embed page and its script load);
//   warm: report.reload() on an embedded report → rendered;
//   first: the very first embed of a fresh browser profile against a fresh server (one sample).
// Prints one JSON line: {"cold": {...}, "warm": {...}, "first": ms, "n": N}. Run by `make bench-embed`
// (go test -run TestEmbedSpeed ./internal/browsertest/), which starts Bindery with the full-scale demo.
import { env, ds, launch, openHost, mint, embedAndRender, cardShown, near } from './lib/harness.mjs';

const N = Number(process.env.PERF_RUNS || 10);
const DATASET = 'Contoso Electronics';

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r = (x) => Math.round(x * 10) / 10;
  return { median: r(s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2), p90: r(q(0.9)), min: r(s[0]), max: r(s[s.length - 1]), runs: s.map(r) };
}

const b = await launch();
try {
  const setup = await openHost(b.context);
  const token = (await mint(setup, { datasets: [{ id: ds(DATASET) }] })).token;
  const cfg = { accessToken: token, datasetBinding: { datasetId: ds(DATASET) } };
  const timeTo = (page, id) => page.evaluate((id) => H.events[id].find((e) => e.name === 'rendered').t, id);

  // First embed ever: nothing cached in the browser or the server.
  await embedAndRender(setup, 'first', cfg);
  const first = await timeTo(setup, 'first');
  if (env.expect) {
    near(await cardShown(setup, 'first', 'totalSales'), env.expect.totals[DATASET].totalSales, 'perf embed shows Contoso');
    near(await cardShown(setup, 'first', 'orders'), env.expect.totals[DATASET].orders, 'perf embed counts every order');
  }
  const visuals = await setup.evaluate(() => H.visuals('first', 'overview'));
  await setup.close();

  const cold = [];
  for (let i = 0; i < N + 1; i++) {
    const page = await openHost(b.context);
    await embedAndRender(page, 'c', cfg);
    if (i > 0) cold.push(await timeTo(page, 'c')); // the first lets the browser's cache and the server settle
    if (i < N) await page.close();
    else {
      // Warm: reload the report in place.
      const warm = [];
      for (let j = 0; j < N + 1; j++) {
        await page.waitForTimeout(150); // the SDK drops loads < 100 ms apart, as powerbi-client does
        const ms = await page.evaluate(async () => {
          const since = H.count('c');
          const t0 = performance.now();
          await H.reports.c.reload();
          const e = await H.wait('c', 'rendered', since, 20000);
          return performance.now() - t0 + 0 * e.t;
        });
        if (j > 0) warm.push(ms);
      }
      console.log(JSON.stringify({ n: N, visuals: visuals.length, first: Math.round(first), cold: stats(cold), warm: stats(warm) }));
    }
  }
} finally {
  await b.close();
}
