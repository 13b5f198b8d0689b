/**
 * CPU per frame of the text-removal stage alone (issue 20), file input, default config
 * (pool 1, as `autodvt bench` runs it), over whole clips held in memory (decoding is not
 * counted). Several implementations (source trees) run interleaved, round by round, in
 * one process, so that they see the same machine load:
 *
 *   npx tsx bench/text-removal-cpu.ts [--impl before=/tmp/tr-before] [--impl after=.] [--rounds 5]
 *       [--clip FILE ...] [--duration 20] [--frames N]
 *
 * Default clips: the bench's phantom exam (seed 4242, `--duration` s at 30 fps, 1136x852
 * H.264, as `autodvt bench` writes it) and the GE LOGIQ Book fixture (450 frames, 640x480).
 * Per run:
 *   cpu      process CPU (user + system, every thread: main and tesseract's workers,
 *            worker start and the first OCR included) / frames: the amortised cost
 *   main     the main thread's CPU (/proc schedstat) / frames
 *   steady   process CPU from the frame after the first mask came out to the end / those frames
 *   ocr      OCR jobs and pixels sent
 * and, from one more untimed run of each, a digest of what came out (every frame's pixels and
 * removed boxes): implementations that remove the same boxes the same way print the same digest. Each cell of the summary
 * is the median over rounds. Linux only (main-thread CPU from /proc).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { from, type OperatorFunction } from 'rxjs';
import type { FrameEvent, PipelineEvent } from '../src/core/events.js';
import { benchInputs } from '../src/measurement/bench-input.js';
import { defaultLangPath } from '../src/redaction/lang-data.js';
import { decodeVideo } from '../src/video/index.js';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', multiple: true },
    clip: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '20' },
    frames: { type: 'string' },
    pool: { type: 'string', default: '1' },
  },
});
const root = path.resolve(import.meta.dirname, '..');
const impls = (values.impl ?? ['current=.']).map((s) => {
  const [name, dir] = s.split('=') as [string, string];
  return { name, dir: path.resolve(root, dir) };
});
const rounds = Number(values.rounds);
const pool = Number(values.pool);
const maxFrames = values.frames ? Number(values.frames) : undefined;

const clipPaths = values.clip?.map((c) => path.resolve(root, c)) ?? [
  (await benchInputs(4242, Number(values.duration))).mp4,
  path.join(root, 'test/fixtures/video/ge_logiqbooke_brachial_color.mov'),
];
const clips: { name: string; frames: FrameEvent[] }[] = [];
for (const clip of clipPaths) {
  const frames: FrameEvent[] = [];
  for await (const f of decodeVideo(clip, { maxFrames })) {
    frames.push({
      kind: 'frame',
      seq: f.index,
      ptsMs: f.ptsMs,
      width: f.width,
      height: f.height,
      pixels: f.pixels,
      source: { uri: clip, examId: 'bench', frameIndex: f.index },
      meta: {},
    });
  }
  clips.push({ name: path.basename(clip), frames });
}

interface Impl {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stage: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  operator: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  pool: any;
}
const loaded: Impl[] = [];
for (const { name, dir } of impls) {
  const mod = await import(path.join(dir, 'src/stages/text-removal/index.ts'));
  const tp = await import(path.join(dir, 'src/redaction/tesseract-pool.ts'));
  loaded.push({ name, stage: mod.textRemovalStage, operator: mod.textRemovalOperator, pool: tp.createTesseractPool });
}

const mainCpuMs = () => Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const procCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Run {
  cpu: number;
  main: number;
  steady: number;
  jobs: number;
  mpx: number;
  digest: string;
  boxes: number;
}

async function runOnce(impl: Impl, frames: FrameEvent[], digest: boolean): Promise<Run> {
  const config = impl.stage.schema.parse({ pool });
  let jobs = 0;
  let px = 0;
  const engine = () => {
    const e = impl.pool({ size: pool, langPath: defaultLangPath()!, lang: 'eng', psm: config.psm, timeoutMs: 120_000, scope: 'bench' });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return {
      recognize: (img: any) => {
        jobs++;
        px += img.width * img.height;
        return e.recognize(img);
      },
      terminate: () => e.terminate(),
    };
  };
  const ctx = { live: false, warn: () => {} };
  const hash = crypto.createHash('sha256');
  let boxes = 0;
  let cpuAtFirst: number | undefined;
  let outCount = 0;
  const c0 = procCpuMs();
  const m0 = mainCpuMs();
  await new Promise<void>((resolve, reject) =>
    from(frames as PipelineEvent[])
      .pipe(impl.operator(config, ctx, engine) as OperatorFunction<PipelineEvent, PipelineEvent>)
      .subscribe({
        next: (e: PipelineEvent) => {
          if (e.kind !== 'frame') return;
          outCount++;
          const r = e.meta.redactions ?? [];
          boxes += r.length;
          if (digest) {
            hash.update(e.pixels);
            hash.update(JSON.stringify(r.map((b) => [b.x, b.y, b.width, b.height, b.confidence])));
          }
          if (cpuAtFirst === undefined && outCount >= config.warmupFrames) cpuAtFirst = procCpuMs();
        },
        error: reject,
        complete: resolve,
      }),
  );
  // Let the terminated workers' last CPU land.
  await new Promise((r) => setTimeout(r, 50));
  const c1 = procCpuMs();
  const m1 = mainCpuMs();
  const n = frames.length;
  return {
    cpu: (c1 - c0) / n,
    main: (m1 - m0) / n,
    steady: cpuAtFirst === undefined ? NaN : (c1 - cpuAtFirst) / (n - config.warmupFrames),
    jobs,
    mpx: px / 1e6,
    digest: digest ? hash.digest('hex').slice(0, 12) : '-',
    boxes,
  };
}

console.log(`${os.cpus().length} cores, load average ${load()}; pool ${pool}; ${rounds} rounds; impls ${impls.map((i) => `${i.name}=${i.dir}`).join(', ')}`);
for (const c of clips) console.log(`  ${c.name}: ${c.frames.length} frames ${c.frames[0]!.width}x${c.frames[0]!.height}`);
const results = new Map<string, Run[]>();
for (let r = 0; r < rounds; r++) {
  for (const clip of clips) {
    // Alternate the order each round.
    const order = r % 2 ? [...loaded].reverse() : loaded;
    for (const impl of order) {
      const run = await runOnce(impl, clip.frames, false);
      const key = `${clip.name}\t${impl.name}`;
      results.set(key, [...(results.get(key) ?? []), run]);
      console.log(
        `round ${r + 1} ${clip.name} ${impl.name}: cpu ${run.cpu.toFixed(2)} ms/frame, main ${run.main.toFixed(2)}, steady ${run.steady.toFixed(2)}; ` +
          `${run.jobs} OCR jobs ${run.mpx.toFixed(2)} Mpx; ${run.boxes} boxes out, digest ${run.digest}; load ${load()}`,
      );
    }
  }
}
// What came out (not timed: hashing every frame costs about as much as the stage).
const digests = new Map<string, string>();
for (const clip of clips) {
  for (const impl of loaded) {
    const run = await runOnce(impl, clip.frames, true);
    digests.set(`${clip.name}\t${impl.name}`, `${run.digest} (${run.boxes} boxes)`);
  }
}
console.log('\nmedians over rounds (ms of CPU per frame):');
console.log('| clip | impl | cpu (all threads, amortised) | main thread | steady state | OCR jobs | digest |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [key, runs] of results) {
  const [clip, impl] = key.split('\t');
  console.log(
    `| ${clip} | ${impl} | ${median(runs.map((r) => r.cpu)).toFixed(2)} (${Math.min(...runs.map((r) => r.cpu)).toFixed(2)}-${Math.max(...runs.map((r) => r.cpu)).toFixed(2)}) | ${median(runs.map((r) => r.main)).toFixed(2)} | ${median(runs.map((r) => r.steady)).toFixed(2)} | ${median(runs.map((r) => r.jobs))} | ${digests.get(key)} |`,
  );
}
console.log(`load average at the end ${load()}`);
