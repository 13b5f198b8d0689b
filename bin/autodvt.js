#!/usr/bin/env -S node --initial-old-space-size=128
// Entry point. In this repository (src/ present) it runs the TypeScript CLI through tsx's
// loader, so a change to src/ needs no build; in an installed package (no src/), or with
// AUTODVT_USE_DIST=1, it runs the compiled dist/ (`npm run build`), which starts about
// 3x faster (no TypeScript compilation at start).
// --initial-old-space-size=128: a pipeline allocates about 2 MB of short-lived frame buffers
// per frame; with V8's small initial old space that set off about 16 full garbage
// collections per 100 frames and 4 ms of CPU per frame on 2 cores (bench/archive-cpu.ts);
// with 128 MB it is 0.3 per 100 frames, for about 80 MB more resident memory. A shebang
// flag, because V8 reads heap sizes only at start (NODE_OPTIONS does not allow this one).
import fs from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
let cli;
if (process.env.AUTODVT_USE_DIST !== '1' && fs.existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else if (fs.existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  process.stderr.write('autodvt: dist/ is missing; run `npm run build` in the package folder\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
