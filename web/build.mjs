// Builds web/src into web/dist (embedded by the Go binary): the embed page app,
// the SDK (IIFE for <script> tags and ESM for bundlers), and page apps.
import { build } from 'esbuild';
import { mkdir, rm, copyFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const outdir = 'dist';
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await mkdir(`${outdir}/sdk`, { recursive: true });

const common = { bundle: true, minify: true, sourcemap: false, target: ['es2020'], legalComments: 'none', logLevel: 'warning' };
const entries = [
  { entryPoints: ['src/embed/main.ts'], outfile: `${outdir}/embed.js`, format: 'iife' },
  { entryPoints: ['src/sdk/index.ts'], outfile: `${outdir}/sdk/bindery.js`, format: 'iife', globalName: 'bindery' },
  { entryPoints: ['src/sdk/index.ts'], outfile: `${outdir}/sdk/bindery.mjs`, format: 'esm' },
  { entryPoints: ['src/portal/main.ts'], outfile: `${outdir}/portal/portal.js`, format: 'iife' },
  { entryPoints: ['src/samples/customers.ts'], outfile: `${outdir}/samples/customers.js`, format: 'iife' },
  { entryPoints: ['src/samples/organization.ts'], outfile: `${outdir}/samples/organization.js`, format: 'iife' },
];
for (const e of entries) {
  if (existsSync(e.entryPoints[0])) await build({ ...common, ...e });
}
// Static files (CSS, HTML) beside the sources are copied as they are.
for (const dir of ['src/embed']) {
  if (!existsSync(dir)) continue;
  for (const f of await readdir(dir)) {
    if (f.endsWith('.css')) await copyFile(`${dir}/${f}`, `${outdir}/${f.replace(/^main/, 'embed')}`);
  }
}
// The portal's shell and styles go beside its script, under dist/portal/.
if (existsSync('src/portal')) {
  await mkdir(`${outdir}/portal`, { recursive: true });
  for (const f of await readdir('src/portal')) {
    if (f.endsWith('.css') || f.endsWith('.html')) await copyFile(`src/portal/${f}`, `${outdir}/portal/${f}`);
  }
}
// The samples' styles go beside their scripts, under dist/samples/.
if (existsSync('src/samples')) {
  await mkdir(`${outdir}/samples`, { recursive: true });
  for (const f of await readdir('src/samples')) {
    if (f.endsWith('.css')) await copyFile(`src/samples/${f}`, `${outdir}/samples/${f}`);
  }
}
await copyFile('dist.gitkeep', `${outdir}/.gitkeep`).catch(() => {});
