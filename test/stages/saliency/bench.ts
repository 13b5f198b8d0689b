/**
 * Extra cost of Grad-CAM per window: the window model alone vs the Grad-CAM graph (which also
 * gives the probabilities), at batch 1 on the CPU provider, plus the `saliency` stage end to end.
 * Run: [THREADS=n] node --import tsx test/stages/saliency/bench.ts [seconds per case] [extra .gradcam.onnx ...]
 */
import path from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { saliencyStage } from '../../../src/stages/saliency/index.js';
import type { PipelineEvent } from '../../../src/core/events.js';
import { testContext } from '../../helpers/test-context.js';

const root = path.resolve(import.meta.dirname, '../../..');
const seconds = Number(process.argv[2] ?? 3);
const extra = process.argv.slice(3);
const threads = Number(process.env.THREADS ?? 0);
const ort = await import('onnxruntime-node');
const x = new Float32Array(9 * 150 * 150).map((_, k) => Math.sin(k * 0.37));
const input = () => ({ frames: new ort.Tensor('float32', x, [1, 1, 9, 150, 150]) });

const cases: { label: string; run: () => Promise<unknown> }[] = [];
const rows: Record<string, string | number>[] = [];

/** Interleaved rounds (each case once per round), so load from elsewhere hits every case alike. */
async function measure() {
  for (let i = 0; i < 5; i++) for (const c of cases) await c.run();
  const samples = cases.map(() => [] as number[]);
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 * cases.length) {
    for (const [i, c] of cases.entries()) {
      const t0 = performance.now();
      await c.run();
      samples[i]!.push(performance.now() - t0);
    }
  }
  cases.forEach((c, i) => {
    const s = samples[i]!.sort((a, b) => a - b);
    rows.push({
      case: c.label,
      'median ms/window': Number(s[Math.floor(s.length / 2)]!.toFixed(2)),
      'p10 ms': Number(s[Math.floor(s.length / 10)]!.toFixed(2)),
      runs: s.length,
    });
  });
}

const open = (f: string) =>
  ort.InferenceSession.create(f, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...(threads ? { intraOpNumThreads: threads } : {}) });
const win = await open(path.join(root, 'models/autodvt.onnx'));
const gc = await open(path.join(root, 'models/autodvt.gradcam.onnx'));
cases.push({ label: 'window model (autodvt.onnx)', run: () => win.run(input()) });
cases.push({ label: 'gradcam graph, all outputs', run: () => gc.run(input()) });
cases.push({ label: 'gradcam graph, saliency_vein only', run: () => gc.run(input(), ['saliency_vein']) });
for (const f of extra) {
  const s = await open(path.resolve(f));
  cases.push({ label: `${path.basename(f)}, all outputs`, run: () => s.run(input()) });
}
const op = await saliencyStage.build({ target: 'vein', every: 1, providers: ['cpu'], onFallback: 'warn', threads, warmup: true } as never, testContext());
const window: PipelineEvent = { kind: 'window', seq: 0, ptsMs: 0, examId: 'e', seqs: [0], shape: [1, 1, 9, 150, 150], data: x.map((v) => (v + 1) / 2) };
cases.push({ label: 'saliency stage (every: 1), one window', run: () => firstValueFrom(from([window]).pipe(op, toArray())) });
await measure();
const base = rows[0]!['median ms/window'] as number;
console.table(rows.map((r) => ({ ...r, 'vs window model': `${(((r['median ms/window'] as number) / base) * 100).toFixed(0)}%` })));
