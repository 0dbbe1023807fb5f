// Shared set-up of the browser tests: Chromium through playwright-core, the
// URLs and expectations the Go harness (internal/browsertest) passes in env,
// and small helpers. Run the suite with `go test ./internal/browsertest/`.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the browser tests with \`go test ./internal/browsertest/\``);
  return v;
}

export const env = {
  bindery: need('BINDERY_URL'),
  host: need('HOST_URL'),
  alt: process.env.ALT_URL,
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  screenshots: process.env.SCREENSHOTS || 'test-results/screenshots',
  demo: JSON.parse(need('DEMO')),
  expect: process.env.EXPECT ? JSON.parse(process.env.EXPECT) : undefined,
};

export const ds = (name) => {
  const id = env.demo.datasets[name];
  if (!id) throw new Error(`no demo dataset named ${name}`);
  return id;
};

/** Launches Chromium with a fresh profile; returns { browser, close }. */
export async function launch() {
  const dir = await mkdtemp(join(tmpdir(), 'bindery-chromium-'));
  const browser = await chromium.launchPersistentContext(dir, {
    executablePath: env.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return {
    context: browser,
    async close() {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a host page (web/tests/pages/<name>) and collects its console errors and uncaught errors. */
export async function openHost(context, name = 'host.html') {
  const page = await context.newPage();
  page.logs = [];
  page.on('console', (m) => page.logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => page.logs.push(`[pageerror] ${e.message}`));
  await page.goto(`${env.host}/pages/${name}`);
  await page.waitForFunction(() => window.H && window.H.ready === true, null, { timeout: 10000 });
  return page;
}

/**
 * Saves a screenshot into the screenshots folder: of container `id` (scrolled into view:
 * Chromium leaves cross-site iframes below the fold blank in full-page shots), or of the page.
 */
export async function shot(page, name, id) {
  const path = join(env.screenshots, `${name}.png`);
  if (id) await page.locator(`#${id}`).screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** Parses CSV (RFC 4180: quotes, doubled quotes, CRLF) into rows of strings. */
export function parseCSV(text) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** Reads a CSV number as written by the export ("1,234.5", "12.3%" or plain). */
export function csvNumber(s) {
  return Number(String(s).replace(/[,\s$%]/g, ''));
}

/** Asserts two numbers are equal within a cent (sums of doubles). */
export function near(actual, expected, msg) {
  assert.ok(Math.abs(actual - expected) <= Math.max(0.01, Math.abs(expected) * 1e-9), `${msg}: got ${actual}, want ${expected}`);
}

/** Reads the single value of a card visual by exporting it (summarized). */
export async function cardValue(page, container, visual) {
  const csv = await page.evaluate(([c, v]) => H.exportVisual(c, 'overview', v), [container, visual]);
  const rows = parseCSV(csv.trim());
  assert.ok(rows.length >= 2, `card ${visual} export has no data row: ${csv}`);
  return csvNumber(rows[1][rows[1].length - 1]);
}

/** The embed page's frame inside container `id` of the host page. */
export async function frameOf(page, id) {
  const h = await page.locator(`#${id} iframe`).elementHandle();
  const f = await h.contentFrame();
  assert.ok(f, `no frame in #${id}`);
  return f;
}

/** The raw value a card visual shows (its data-value), from inside the embed frame. */
export async function cardShown(page, id, visual) {
  const f = await frameOf(page, id);
  const v = await f.locator(`section[data-visual="${visual}"] .bd-card-value`).getAttribute('data-value', { timeout: 5000 });
  return Number(v);
}

/** Embeds in the host page and waits for `rendered` (or throws with the events seen, e.g. an error). */
export async function embedAndRender(page, id, extra, route) {
  const err = await page.evaluate(([id, extra, route]) => H.embed(id, extra, route), [id, extra, route]);
  assert.equal(err, null, `embed threw: ${err}`);
  return page.evaluate((id) => H.wait(id, 'rendered', 0, 20000), id);
}

/** Mints an embed token through the host app's backend. */
export function mint(page, body) {
  return page.evaluate((b) => H.mint(b), body);
}

/** Runs `action` in the host page and waits for the next `rendered` of container `id`. */
export async function andRendered(page, id, action, ...args) {
  const since = await page.evaluate((id) => H.count(id), id);
  const r = await page.evaluate(action, ...args);
  await page.evaluate(([id, since]) => H.wait(id, 'rendered', since, 20000), [id, since]);
  return r;
}
