/**
 * A scored exam without a model: frames plus the prediction, state, verdict and
 * exam events a model and the compressibility stage would add (LM1 compressible,
 * LM2 not compressible), in stream order. Frames are noise so images do not compress.
 */
import { DISCLAIMER, type PipelineEvent } from '../../src/core/events.js';

export function scoredExam(n: number, opts: { width?: number; height?: number; examId?: string; lag?: number; saliency?: boolean } = {}): PipelineEvent[] {
  const { width = 64, height = 48, examId = 'exam-7', lag = 4 } = opts;
  const ms = (i: number) => Math.round((i * 1000) / 30);
  const events: PipelineEvent[] = [{ kind: 'exam-start', examId, uri: 'test:', fps: 30 }];
  let rng = 12345;
  const half = Math.floor(n / 2);
  const scored: PipelineEvent[] = [];
  for (let i = 0; i < n; i++) {
    const pixels = new Uint8Array(width * height);
    for (let p = 0; p < pixels.length; p++) pixels[p] = (rng = (rng * 1103515245 + 12345) >>> 0) >>> 24;
    events.push({
      kind: 'frame',
      seq: i,
      ptsMs: ms(i),
      width,
      height,
      pixels,
      source: { uri: 'test:', examId, frameIndex: i },
      labels: { landmark: i < half ? 'LM1' : 'LM2', open: true },
      meta: { redactions: [{ x: 0, y: 0, width: 10, height: 5, stage: 'text-removal', text: 'PATIENT JOHN DOE' }] },
    });
    // Predictions trail their frames by `lag` (batched inference).
    const j = i - lag;
    if (j >= 0) scored.push(...predictionAndState(j));
    while (scored.length) events.push(scored.shift()!);
  }
  for (let j = Math.max(0, n - lag); j < n; j++) events.push(...predictionAndState(j));
  events.push(verdict('LM1', 'compressible', 0, ms(half - 1)), verdict('LM2', 'not-compressible', ms(half), ms(n - 1)));
  events.push({
    kind: 'exam',
    examId,
    uri: 'test:',
    frames: n,
    durationMs: ms(n),
    verdict: 'refer for specialist ultrasound',
    landmarks: { LM1: 'compressible', LM2: 'not-compressible' },
    disclaimer: DISCLAIMER,
  });
  return events;

  function predictionAndState(j: number): PipelineEvent[] {
    const lm = j < half ? 'LM1' : 'LM2';
    const pClosed = lm === 'LM1' ? (Math.sin(j / 5) + 1) / 2 : 0.1;
    const landmark = lm === 'LM1' ? { BG: 0.1, LM1: 0.8, LM2: 0.1 } : { BG: 0.1, LM1: 0.1, LM2: 0.8 };
    const prediction: PipelineEvent = { kind: 'prediction', seq: j, ptsMs: ms(j), examId, landmark, pClosed, modelId: 'fake', latencyMs: 1 };
    if (opts.saliency) (prediction as { saliency?: unknown }).saliency = { width: 8, height: 6, data: new Float32Array(48).map((_, k) => k / 47) };
    return [
      prediction,
      {
        kind: 'state',
        seq: j,
        ptsMs: ms(j),
        examId,
        landmark: lm,
        vein: pClosed > 0.5 ? 'closed' : 'open',
        smoothed: { landmark, pClosed },
        ...(j === 0 ? { reason: 'start' } : {}),
      },
    ];
  }

  function verdict(landmark: 'LM1' | 'LM2', v: 'compressible' | 'not-compressible', startMs: number, endMs: number): PipelineEvent {
    return {
      kind: 'verdict',
      examId,
      landmark,
      verdict: v,
      startMs,
      endMs,
      explain: [`${landmark} held`, `verdict ${v} <because>`],
      evidence: { framesClosed: v === 'compressible' ? 10 : 0, framesOpen: 20, compressionCycles: 2 },
      disclaimer: DISCLAIMER,
    };
  }
}
