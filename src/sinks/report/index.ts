/**
 * report — one self-contained HTML report per exam: the exam verdict, each
 * landmark's verdict with its visits' `explain` traces and the frame where the vein
 * was most compressed, the timeline plot (inline SVG) and evenly spaced frames
 * (inline PNG data URIs). Every report carries the research-software disclaimer.
 *
 * Consumes: `exam-start`, `frame`, `prediction`, `state`, `verdict`, `exam`.
 * Emits: nothing (a sink). Writes `<dir>/<examId>.html` when each exam ends (and a
 *   partial report, marked as such, for an exam the stream cut short).
 * Parameters:
 *   dir          output folder (default out/reports)
 *   keyframes    evenly spaced frames shown (default 8)
 *   thumbWidth   frames wider than this are scaled down in the report (default 300)
 *   keyframeEveryMs  interval at which frames are kept as candidates (default 100)
 * Notes: frames may carry burned-in patient text, so put text-removal upstream;
 *   the report holds no patient attributes and no source path, only the exam id.
 *
 * ```yaml
 * - type: report
 *   dir: out/reports
 * ```
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../core/context.js';
import { OverlayState } from '../../render/overlay-state.js';
import { defineSink } from '../../core/unit.js';
import { examFileName } from '../exam-file-name.js';
import { sinkOperator, type SinkWriter } from '../sink-operator.js';
import { KeyframeStore, type Keyframe } from './keyframe-store.js';
import { reportHtml } from './report-html.js';
import type { ExamEvent, PipelineEvent, VerdictEvent } from '../../core/events.js';

const schema = z
  .object({
    dir: z.string().min(1).default('out/reports').describe('Folder the reports are written to, one <examId>.html per exam.'),
    keyframes: z.number().int().min(0).max(64).default(8).describe('Evenly spaced frames shown in the report.'),
    thumbWidth: z.number().int().min(32).max(2048).default(300).describe('Frames wider than this are scaled down in the report.'),
    keyframeEveryMs: z.number().positive().max(60000).default(100).describe('Interval (ms of exam time) at which frames are kept as key frame candidates.'),
  })
  .strict();

type Config = z.infer<typeof schema>;

export const reportSink = defineSink({
  type: 'report',
  summary: 'Write a self-contained HTML report per exam: verdicts with explain traces, timeline plot, key frames.',
  schema,
  perExam: { paths: ['dir'] },
  persistent: true,
  example: { type: 'report', dir: 'out/reports', keyframes: 8 },
  build(config, ctx) {
    return sinkOperator(() => new ReportWriter(config, ctx));
  },
});

/** Everything one exam's report needs, gathered while the exam streams by. */
interface ExamRecord {
  examId: string;
  overlay: OverlayState;
  keyframes: KeyframeStore;
  verdicts: VerdictEvent[];
  frames: number;
  lastPtsMs: number;
  modelIds: Set<string>;
}

class ReportWriter implements SinkWriter {
  private exam?: ExamRecord;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: Config,
    private readonly ctx: BuildContext,
  ) {}

  write(event: PipelineEvent): Promise<void> | void {
    if (event.kind === 'exam-start') {
      const previous = this.finish(undefined, 'a new exam started before this one ended');
      this.exam = this.newExam(event.examId);
      this.exam.overlay.apply(event);
      return previous;
    }
    if (event.kind === 'frame') {
      this.exam ??= this.newExam(event.source.examId);
      this.exam.frames++;
      this.exam.lastPtsMs = Math.max(this.exam.lastPtsMs, event.ptsMs);
      this.exam.keyframes.offer(event);
    }
    if (!this.exam) return;
    if (event.kind === 'prediction') this.exam.modelIds.add(event.modelId);
    const verdict = this.exam.overlay.apply(event);
    if (verdict) this.exam.verdicts.push(verdict);
    if (event.kind === 'exam') return this.finish(event);
  }

  close(error?: unknown): Promise<void> {
    return this.finish(undefined, error === undefined ? 'the stream ended before the exam did' : 'the pipeline failed before the exam ended');
  }

  private newExam(examId: string): ExamRecord {
    return {
      examId,
      // The whole exam: the report plots all of it.
      overlay: new OverlayState({ timelineMs: Infinity, maxSamples: 200_000 }),
      keyframes: new KeyframeStore({ everyMs: this.config.keyframeEveryMs, maxWidth: this.config.thumbWidth, maxFrames: 400 }),
      verdicts: [],
      frames: 0,
      lastPtsMs: 0,
      modelIds: new Set(),
    };
  }

  private finish(exam: ExamEvent | undefined, endedEarly?: string): Promise<void> {
    const record = this.exam;
    this.exam = undefined;
    if (!record || (record.frames === 0 && !exam)) return this.writes;
    const html = reportHtml({
      examId: record.examId,
      exam,
      endedEarly: exam ? undefined : endedEarly,
      snapshot: record.overlay.snapshot,
      samples: record.overlay.samples,
      verdicts: record.verdicts,
      verdictFrames: record.verdicts.map((v) => mostCompressedFrame(record, v)),
      overview: record.keyframes.evenlySpaced(this.config.keyframes),
      frames: exam?.frames ?? record.frames,
      durationMs: exam?.durationMs ?? record.lastPtsMs,
      modelIds: [...record.modelIds],
      generatedAt: new Date(this.ctx.clock.now()),
    });
    const file = path.join(resolvePath(this.ctx, this.config.dir), `${examFileName(record.examId)}.html`);
    this.writes = this.writes.then(async () => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, html);
    });
    return this.writes;
  }
}

/** The kept frame at the visit's highest smoothed P(closed) (its midpoint when nothing was smoothed). */
function mostCompressedFrame(record: ExamRecord, v: VerdictEvent): Keyframe | undefined {
  let bestMs = (v.startMs + v.endMs) / 2;
  let best = -1;
  for (const s of record.overlay.samples) {
    if (s.ptsMs < v.startMs || s.ptsMs > v.endMs) continue;
    const p = s.state?.pClosed ?? s.pClosed;
    if (p > best) {
      best = p;
      bestMs = s.ptsMs;
    }
  }
  return record.keyframes.nearest(bestMs);
}
