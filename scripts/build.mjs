/**
 * `npm run build` (and `prepack`): compiles src/ to dist/ with declarations, file for
 * file, so that every path a module resolves relative to itself (the shipped model,
 * the wasm worker) stays the same depth from the package root as under src/. Copies
 * the one non-TypeScript module (the ffmpeg wasm worker). bin/autodvt.js runs dist/
 * when the package has no src/ (an installed package) or AUTODVT_USE_DIST=1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const asset of ['video/wasm-worker.mjs']) {
  fs.copyFileSync(path.join(root, 'src', asset), path.join(dist, asset));
}
process.stdout.write(`built ${path.relative(process.cwd(), dist) || dist}/\n`);
