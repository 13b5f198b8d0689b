#!/usr/bin/env -S node --initial-old-space-size=128
// Entry point: runs the TypeScript CLI through tsx's loader (no build step).
// --initial-old-space-size=128: a pipeline allocates about 2 MB of short-lived frame buffers
// per frame; with V8's small initial old space that set off about 16 full garbage
// collections per 100 frames and 4 ms of CPU per frame on 2 cores (bench/archive-cpu.ts);
// with 128 MB it is 0.3 per 100 frames, for about 80 MB more resident memory. A shebang
// flag, because V8 reads heap sizes only at start (NODE_OPTIONS does not allow this one).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
