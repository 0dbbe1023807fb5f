// Writes the npm package @bindery/embed to web/dist-npm/bindery-embed:
// ESM, CommonJS and IIFE bundles of src/sdk, .d.ts types from tsc, package.json, README.
// Then: `npm pack ./dist-npm/bindery-embed` (or npm publish). Run with `npm run build:sdk-package`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, copyFile } from 'node:fs/promises';

const out = 'dist-npm/bindery-embed';
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
// define: window-post-message-proxy's UMD wrapper reads `self` on import; globalThis lets server-side rendering import the package.
const common = { entryPoints: ['src/sdk/index.ts'], bundle: true, target: ['es2020'], legalComments: 'inline', logLevel: 'warning', define: { self: 'globalThis' } };
await build({ ...common, format: 'esm', outfile: `${out}/bindery.mjs` });
await build({ ...common, format: 'cjs', outfile: `${out}/bindery.cjs` });
await build({ ...common, format: 'iife', globalName: 'bindery', minify: true, outfile: `${out}/bindery.js` });
execFileSync('node', ['node_modules/typescript/bin/tsc', '-p', 'sdk-package/tsconfig.json'], { stdio: 'inherit' });
await copyFile('sdk-package/package.json', `${out}/package.json`);
await copyFile('sdk-package/README.md', `${out}/README.md`);
console.log(`wrote ${out}`);
