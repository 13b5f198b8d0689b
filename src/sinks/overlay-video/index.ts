/**
 * overlay-video — burn the HUD's overlay into a video for reviewing archived exams:
 * each frame scaled up, with the reported landmark and vein state, a verdict badge
 * per landmark, a strip of the probability timeline and, at the end, the exam
 * verdict with the research-software disclaimer.
 *
 * Consumes: `frame`, `prediction`, `state`, `verdict`, `exam-start`, `exam`.
 * Emits: nothing (a sink). Writes one video per exam (native ffmpeg).
 * Parameters:
 *   path        output file; `{examId}` is replaced by the exam id (default
 *               out/overlay/{examId}.mp4); without it the exams follow each other in one file
 *   fps         frame rate of the video (default: the source's, else 30)
 *   minWidth    frames are scaled up by an integer factor to at least this width (default 448)
 *   timelineS   seconds of timeline in the strip (default 6)
 *   maxLag      frames held back waiting for their prediction and state (default 64)
 *   endCardS    after each exam, its last frame is held this long with the exam verdict (default 2)
 * Notes: frames are shown with their own prediction (held until it arrives); the
 *   frames may carry burned-in patient text, so put text-removal upstream.
 *
 * ```yaml
 * - type: overlay-video
 *   path: out/review/{examId}.mp4
 * ```
 */
import { z } from 'zod';
import { resolvePath, type BuildContext } from '../../core/context.js';
import { resizeGray } from '../../image/area-resize.js';
import { drawOverlay, overlayLayout, type OverlayLayout } from '../../render/draw-overlay.js';
import { OverlayState, type OverlaySnapshot, type TimelineSample } from '../../render/overlay-state.js';
import type { SaliencyMap } from '../../render/saliency-map.js';
import { defineSink } from '../../core/unit.js';
import { examFileName } from '../exam-file-name.js';
import { sinkOperator, type SinkWriter } from '../sink-operator.js';
import { FrameAligner } from './frame-aligner.js';
import { openRgbVideo, type RgbVideoWriter } from './rgb-video-writer.js';
import type { FrameEvent, PipelineEvent } from '../../core/events.js';

const SCOPE = 'sink:overlay-video';

const schema = z
  .object({
    path: z.string().min(1).default('out/overlay/{examId}.mp4').describe('Output video; {examId} is replaced by the exam id (one file per exam).'),
    fps: z.number().positive().max(240).optional().describe("Frame rate of the video (default: the source's frame rate, else 30)."),
    minWidth: z.number().int().min(64).max(4096).default(448).describe('Scale frames up by an integer factor to at least this width.'),
    timelineS: z.number().positive().max(600).default(6).describe('Seconds of probability timeline in the strip under the frame.'),
    maxLag: z.number().int().min(1).max(1000).default(64).describe('Frames held back waiting for their prediction and state.'),
    endCardS: z.number().min(0).max(60).default(2).describe("Seconds the exam's last frame is held at the end, showing the exam verdict."),
  })
  .strict();

type Config = z.infer<typeof schema>;

interface OverlayView {
  snapshot: OverlaySnapshot;
  samples: TimelineSample[];
  saliency?: SaliencyMap;
}

export const overlayVideoSink = defineSink({
  type: 'overlay-video',
  events: { needs: ['frame'] },
  summary: 'Burn the landmark, vein state, verdict badges and a timeline strip into a review video (ffmpeg).',
  schema,
  perExam: { paths: ['path'] },
  persistent: true,
  example: { type: 'overlay-video', path: 'out/review/{examId}.mp4', timelineS: 6 },
  build(config, ctx) {
    return sinkOperator(() => new OverlayVideoWriter(config, ctx));
  },
});

class OverlayVideoWriter implements SinkWriter {
  private readonly overlay: OverlayState;
  private readonly aligner: FrameAligner;
  private video?: { writer: RgbVideoWriter; layout: OverlayLayout };
  private sourceFps?: number;
  private tail: Promise<void> = Promise.resolve();
  private lastFrame?: FrameEvent;
  private queued = 0;
  private readonly perExam: boolean;

  constructor(
    private readonly config: Config,
    private readonly ctx: BuildContext,
  ) {
    this.overlay = new OverlayState({ timelineMs: config.timelineS * 1000 });
    this.aligner = new FrameAligner(config.maxLag);
    this.perExam = config.path.includes('{examId}');
  }

  write(event: PipelineEvent): Promise<void> | void {
    switch (event.kind) {
      case 'frame':
        return this.draw(this.aligner.push(event));
      case 'exam-start': {
        const flushed = this.draw(this.aligner.releaseAll());
        this.overlay.apply(event);
        this.sourceFps = event.fps;
        return this.perExam ? this.endVideo() : flushed;
      }
      case 'prediction': {
        const earlier = this.draw(this.aligner.releaseBefore(event.seq));
        this.overlay.apply(event);
        return earlier;
      }
      case 'state':
        this.overlay.apply(event);
        return this.draw(this.aligner.releaseThrough(event.seq));
      case 'exam': {
        this.overlay.apply(event);
        this.draw(this.aligner.releaseAll());
        const flushed = this.endCard(event.examId);
        return this.perExam ? this.endVideo() : flushed;
      }
      default:
        this.overlay.apply(event);
    }
  }

  async close(): Promise<void> {
    await this.draw(this.aligner.releaseAll());
    await this.endVideo();
  }

  /**
   * Draw and encode frames in order. The sink operator does not wait for one write
   * before the next, so frames queue on one promise chain (never interleaved).
   */
  private draw(frames: FrameEvent[]): Promise<void> | void {
    if (frames.length === 0) return this.queued ? this.tail : undefined;
    for (const frame of frames) {
      this.lastFrame = frame;
      // What the overlay says now, for this frame: it will be drawn later, when the state has moved on.
      const view = this.view(frame);
      this.queued++;
      this.tail = this.tail.then(() => this.drawOne(frame, view)).finally(() => this.queued--);
    }
    return this.tail;
  }

  /**
   * The verdict arrives with the exam event, after the last frame was drawn: hold
   * that frame for endCardS with the exam verdict on it, so the video ends saying it.
   */
  private endCard(examId: string): Promise<void> | void {
    const last = this.lastFrame;
    if (!last || last.source.examId !== examId || this.config.endCardS <= 0) return this.queued ? this.tail : undefined;
    const fps = this.config.fps ?? this.sourceFps ?? 30;
    const n = Math.round(this.config.endCardS * fps);
    return this.draw(Array.from({ length: n }, () => last));
  }

  private view(frame: FrameEvent): OverlayView {
    const timelineMs = this.config.timelineS * 1000;
    const samples = this.overlay.samples.filter((s) => s.ptsMs <= frame.ptsMs && s.ptsMs >= frame.ptsMs - timelineMs);
    const saliency = this.overlay.saliency;
    return {
      snapshot: this.overlay.snapshot,
      samples,
      saliency: saliency && frame.seq >= saliency.seq && frame.seq - saliency.seq < 15 ? saliency.map : undefined,
    };
  }

  private drawOne(frame: FrameEvent, view: OverlayView): Promise<void> | undefined {
    if (!this.video) {
      const layout = overlayLayout(frame.width, frame.height, this.config.minWidth);
      const examId = frame.source.examId;
      const file = resolvePath(this.ctx, this.config.path.replaceAll('{examId}', examFileName(examId)));
      const fps = this.config.fps ?? this.sourceFps ?? 30;
      this.video = { writer: openRgbVideo(file, layout.width, layout.height, fps, SCOPE), layout };
    }
    const { layout, writer } = this.video;
    const fit =
      frame.width * layout.scale === layout.image.width && frame.height * layout.scale === layout.image.height
        ? frame
        : { ...frame, ...resizeGray(frame, layout.image.width / layout.scale, layout.image.height / layout.scale) };
    const img = drawOverlay(layout, fit, view.snapshot, view.samples, {
      timelineMs: this.config.timelineS * 1000,
      saliency: view.saliency,
      showExamVerdict: view.snapshot.examVerdict !== undefined && view.snapshot.examId === frame.source.examId,
    });
    return writer.write(img);
  }

  /** Close the current video once every frame queued before is written (queued now, so later frames open the next one). */
  private endVideo(): Promise<void> {
    this.tail = this.tail.then(() => {
      const video = this.video;
      this.video = undefined;
      return video?.writer.close();
    });
    return this.tail;
  }
}
