/**
 * Synthetic prediction streams for tests and the lag bench: piecewise-constant
 * segments of landmark and pClosed with seeded noise, sampled at a frame rate.
 */
import type { ExamEvent, ExamStartEvent, Landmark, LandmarkProbabilities, PipelineEvent, PredictionEvent } from '../../../src/core/events.js';

export interface Segment {
  durationS: number;
  /** The landmark in view (probability `confidence` on it, the rest shared), or explicit probabilities. */
  landmark: Landmark | LandmarkProbabilities;
  pClosed: number;
}

export interface StreamOptions {
  fps: number;
  examId?: string;
  /** Uniform noise amplitude added to pClosed and to the landmark's probability. */
  noise?: number;
  /** Probability given to the landmark in view. */
  confidence?: number;
  seed?: number;
  startMs?: number;
  startSeq?: number;
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function landmarkProbabilities(landmark: Landmark, confidence: number): LandmarkProbabilities {
  const rest = (1 - confidence) / 2;
  return { BG: rest, LM1: rest, LM2: rest, [landmark]: confidence } as LandmarkProbabilities;
}

export function prediction(seq: number, ptsMs: number, landmark: LandmarkProbabilities, pClosed: number, examId = 'exam-1'): PredictionEvent {
  return { kind: 'prediction', seq, ptsMs, examId, landmark, pClosed, modelId: 'synthetic', latencyMs: 0 };
}

/** Sample the segments at `fps`: frame i is at i * 1000 / fps ms and shows the segment covering that time. */
export function predictionStream(segments: readonly Segment[], o: StreamOptions): PredictionEvent[] {
  const random = seededRandom(o.seed ?? 1);
  const noise = o.noise ?? 0;
  const confidence = o.confidence ?? 0.9;
  const startMs = o.startMs ?? 0;
  const totalS = segments.reduce((a, s) => a + s.durationS, 0);
  const frames = Math.round(totalS * o.fps);
  const out: PredictionEvent[] = [];
  let segment = 0;
  let segmentEndS = segments[0]?.durationS ?? 0;
  for (let i = 0; i < frames; i++) {
    const tS = i / o.fps;
    while (tS >= segmentEndS - 1e-9 && segment < segments.length - 1) segmentEndS += segments[++segment]!.durationS;
    const s = segments[segment]!;
    const jitter = () => (random() * 2 - 1) * noise;
    let probs: LandmarkProbabilities;
    if (typeof s.landmark === 'string') {
      const c = clamp01(confidence + jitter());
      probs = landmarkProbabilities(s.landmark, c);
    } else {
      probs = s.landmark;
    }
    out.push(prediction((o.startSeq ?? 0) + i, startMs + tS * 1000, probs, clamp01(s.pClosed + jitter()), o.examId));
  }
  return out;
}

/**
 * Every frame twice: the copy sits halfway to the next frame, so the stream covers
 * the same time at double the frame rate and shows the same signal.
 */
export function duplicateFrames(events: readonly PredictionEvent[]): PredictionEvent[] {
  const out: PredictionEvent[] = [];
  events.forEach((e, i) => {
    const next = events[i + 1]?.ptsMs;
    const prev = events[i - 1]?.ptsMs;
    const half = next !== undefined ? (next - e.ptsMs) / 2 : prev !== undefined ? (e.ptsMs - prev) / 2 : 0;
    out.push({ ...e, seq: 2 * i }, { ...e, seq: 2 * i + 1, ptsMs: e.ptsMs + half });
  });
  return out;
}

/** exam-start, the predictions, then the source's exam event. */
export function exam(predictions: readonly PredictionEvent[], examId = 'exam-1'): PipelineEvent[] {
  const start: ExamStartEvent = { kind: 'exam-start', examId, uri: 'synthetic://' + examId };
  const last = predictions[predictions.length - 1];
  const end: ExamEvent = {
    kind: 'exam',
    examId,
    uri: 'synthetic://' + examId,
    frames: predictions.length,
    durationMs: last ? last.ptsMs : 0,
  };
  return [start, ...predictions, end];
}
