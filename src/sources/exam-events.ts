/**
 * One input (a file, a PACS instance) as the events of one exam: `exam-start`, a
 * `frame` per decoded frame (paced in real time when asked), then `exam`. Shared by
 * every file-like source, which only say how to open their input. What goes wrong is
 * handled per the source's `onError`: `fail` ends the exam with its reason and
 * rethrows; `skip` warns and goes on. Frames already emitted stay emitted either way;
 * an interrupted run ends quietly.
 */
import { errorDetail } from '../core/errors.js';
import type { BuildContext } from '../core/context.js';
import type { FrameLabels, FrameMeta, PipelineEvent } from '../core/events.js';
import type { DecodedFrame } from '../video/video-types.js';
import type { RealtimePacer } from './realtime-pacer.js';
import type { SeqCounter } from './async-event-source.js';

/** An input that opened: what the exam carries, and its frames in presentation order. */
export interface OpenedExam {
  subjectId?: string;
  expectedFrames?: number;
  fps?: number;
  meta: FrameMeta;
  labelsFor?(frameIndex: number): FrameLabels | undefined;
  frames: AsyncIterable<DecodedFrame>;
  /** Added to the last frame's time for the exam's duration (the last frame's own length). */
  frameDurationMs?: number;
}

export interface ExamEventsOptions {
  uri: string;
  examId: string;
  /** Opens the input (may throw: truncated, unsupported, unreachable). */
  open: () => Promise<OpenedExam>;
  onError: 'fail' | 'skip';
  seqs: SeqCounter;
  ctx: Pick<BuildContext, 'clock' | 'warn'>;
  signal: AbortSignal;
  pacer?: RealtimePacer;
}

export async function* examEvents(o: ExamEventsOptions): AsyncGenerator<PipelineEvent> {
  const { uri, examId, signal } = o;
  let frames = 0;
  let lastPts = 0;
  let started = false;
  try {
    const exam = await o.open();
    started = true;
    yield { kind: 'exam-start', examId, uri, subjectId: exam.subjectId, expectedFrames: exam.expectedFrames, fps: exam.fps };
    o.pacer?.restart();
    for await (const f of exam.frames) {
      if (signal.aborted) break;
      if (o.pacer) await o.pacer.wait(f.ptsMs, signal);
      frames++;
      lastPts = f.ptsMs;
      yield {
        kind: 'frame',
        seq: o.seqs.take(),
        ptsMs: f.ptsMs,
        captureTimeMs: o.ctx.clock.now(),
        width: f.width,
        height: f.height,
        pixels: f.pixels,
        source: { uri, examId, subjectId: exam.subjectId, frameIndex: f.index },
        labels: exam.labelsFor?.(f.index),
        meta: exam.meta,
      };
    }
    yield { kind: 'exam', examId, uri, frames, durationMs: lastPts + (exam.frameDurationMs ?? 0) };
  } catch (err) {
    if (signal.aborted) return;
    const reason = errorDetail(err);
    if (started) yield { kind: 'exam', examId, uri, frames, durationMs: lastPts, incompleteReason: reason };
    if (o.onError === 'fail') throw err;
    o.ctx.warn(`${reason} — skipped`, { examId });
  }
}
