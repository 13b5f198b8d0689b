/**
 * The per-subscription state of the text-removal stage: one static-overlay tracker
 * and one mask per exam, and the decision of when a frame is a keyframe (OCR runs):
 *   - file mode: frame `warmupFrames` of an exam (the tracker can tell the moving
 *     image from the static overlay by then; the frames held back get that mask too),
 *   - live mode: the 5th frame (moving pixels can be told by then), and again once
 *     the tracker has matured (`warmupFrames`),
 *   - when static overlay pixels changed since the last keyframe,
 *   - every `keyframeInterval` frames.
 * File mode waits for each keyframe's OCR (deterministic output, every frame covered);
 * live mode never waits: frames use the last mask while a new one is computed, and
 * frames before the first mask are dropped (or passed, if asked) — never shown unmasked.
 */
import type { BuildContext } from '../../context.js';
import type { Box, FrameEvent, PipelineEvent } from '../../events.js';
import { tagError } from '../../errors.js';
import { applyMask } from '../../text-removal/apply-mask.js';
import { capMaskArea, clipBox, mergeBoxes, padBox, type MaskBox } from '../../text-removal/boxes.js';
import type { FillMode } from '../../text-removal/fill.js';
import type { OcrEngine } from '../../text-removal/ocr-engine.js';
import { prepareOcrImage } from '../../text-removal/ocr-image.js';
import { flatFraction, selectTextWords, type WordRules } from '../../text-removal/ocr-words.js';
import { StaticOverlayTracker } from '../../text-removal/static-overlay.js';

export const SCOPE = 'stage:text-removal';
const STAGE = 'text-removal';
const REGION_MARGIN = 24;
const LIVE_FIRST_AFTER = 5;

export interface TextRemoverOptions extends WordRules {
  fill: FillMode;
  fillValue: number;
  useUsRegion: boolean;
  keyframeInterval: number;
  warmupFrames: number;
  overlayChangePixels: number;
  minKeyframeGap: number;
  polarity: 'light-on-dark' | 'dark-on-light' | 'both';
  scale: number;
  padding: number;
  maxMaskFraction: number;
  untilFirstMask: 'drop' | 'pass';
  exposeText: boolean;
}

/** One exam's state: frames of one size from one exam share an overlay. */
interface ExamState {
  key: string;
  tracker: StaticOverlayTracker;
  mask: MaskBox[] | undefined;
  framesSinceKey: number;
  inFlight: boolean;
  /** A keyframe came due while an OCR ran (live mode): run one when it returns. */
  due: boolean;
  matureKeyDone: boolean;
  /** Static overlay pixels changed since the last keyframe. */
  overlayChanged: boolean;
  warnedCap: boolean;
  dropped: number;
}

export class TextRemover {
  private exam: ExamState | undefined;
  /** File mode: events held back while the first keyframe's tracker warms up. */
  private held: PipelineEvent[] = [];
  private heldFrame: FrameEvent | undefined;
  private closed = false;
  /** Live mode: where a background OCR failure goes. */
  onError: (err: unknown) => void = () => {};

  constructor(
    private readonly options: TextRemoverOptions,
    private readonly engine: OcrEngine,
    private readonly ctx: Pick<BuildContext, 'warn'>,
  ) {}

  close(): void {
    this.closed = true;
    void this.engine.terminate();
  }

  // ---- file mode -------------------------------------------------------------------

  /** File mode: the events to emit for this input event (may wait for OCR, may hold frames back). */
  async pushFile(event: PipelineEvent): Promise<PipelineEvent[]> {
    if (event.kind !== 'frame') {
      if (event.kind === 'exam-start' || event.kind === 'exam') {
        const out = await this.flushFile();
        if (event.kind === 'exam-start') this.exam = undefined;
        return [...out, event];
      }
      if (this.held.length) {
        this.held.push(event);
        return [];
      }
      return [event];
    }
    const state = this.stateFor(event);
    const changed = state.tracker.update(event.pixels);
    if (!state.mask) {
      this.held.push(event);
      this.heldFrame = event;
      if (state.tracker.frames < this.options.warmupFrames) return [];
      return this.flushFile();
    }
    if (this.keyframeDue(state, changed)) await this.runKeyframe(state, event);
    return [this.remove(state, event)];
  }

  /** File mode: OCR the last held frame and release everything held. */
  async flushFile(): Promise<PipelineEvent[]> {
    const frame = this.heldFrame;
    const held = this.held;
    this.held = [];
    this.heldFrame = undefined;
    if (!frame) return held;
    const state = this.stateFor(frame);
    await this.runKeyframe(state, frame);
    return held.map((e) => (e.kind === 'frame' ? this.remove(state, e) : e));
  }

  // ---- live mode -------------------------------------------------------------------

  /** Live mode: the event to emit now (undefined = frame dropped before the first mask). */
  pushLive(event: PipelineEvent): PipelineEvent | undefined {
    if (event.kind !== 'frame') {
      if (event.kind === 'exam-start') this.exam = undefined;
      return event;
    }
    const state = this.stateFor(event);
    const changed = state.tracker.update(event.pixels);
    // The first OCR waits a few frames so that moving pixels can already be blanked
    // (speckle makes tesseract several times slower and reads as junk).
    const first = !state.mask && !state.inFlight && !state.matureKeyDone && state.tracker.frames === Math.min(LIVE_FIRST_AFTER, this.options.warmupFrames);
    const mature = !state.matureKeyDone && state.tracker.frames >= this.options.warmupFrames;
    if (first || mature || this.keyframeDue(state, changed) || state.due) {
      if (mature) state.matureKeyDone = true;
      if (state.inFlight) state.due = true;
      else {
        state.due = false;
        this.runKeyframe(state, event).catch((err) => this.onError(err));
      }
    }
    if (!state.mask && this.options.untilFirstMask === 'drop') {
      state.dropped++;
      return undefined;
    }
    return this.remove(state, event);
  }

  // ---- shared ------------------------------------------------------------------------

  private stateFor(frame: FrameEvent): ExamState {
    const key = `${frame.source.examId}|${frame.width}x${frame.height}`;
    if (this.exam?.key !== key) {
      this.exam = {
        key,
        tracker: new StaticOverlayTracker(frame.width, frame.height),
        mask: undefined,
        framesSinceKey: 0,
        inFlight: false,
        due: false,
        matureKeyDone: false,
        overlayChanged: false,
        warnedCap: false,
        dropped: 0,
      };
    }
    return this.exam;
  }

  private keyframeDue(state: ExamState, changedPixels: number): boolean {
    state.framesSinceKey++;
    if (!state.mask) return false;
    if (changedPixels >= this.options.overlayChangePixels) state.overlayChanged = true;
    if (state.overlayChanged && state.framesSinceKey >= this.options.minKeyframeGap) return true;
    return this.options.keyframeInterval > 0 && state.framesSinceKey >= this.options.keyframeInterval;
  }

  private ocrArea(frame: FrameEvent): Box {
    const full = { x: 0, y: 0, width: frame.width, height: frame.height };
    const region = this.options.useUsRegion ? frame.meta.usRegion : undefined;
    // A margin beyond the region: a line of text crossing its border is read whole
    // (the part outside is filled anyway; boxes are clipped to the region).
    const area = region ? clipBox(padBox(region, REGION_MARGIN), full) : full;
    return area.width > 0 && area.height > 0 ? area : full;
  }

  /** OCR one frame and replace the exam's mask. */
  private async runKeyframe(state: ExamState, frame: FrameEvent): Promise<void> {
    const o = this.options;
    state.inFlight = true;
    state.framesSinceKey = 0;
    state.overlayChanged = false;
    state.tracker.markKeyframe();
    const tracker = state.tracker;
    const mature = tracker.mature(Math.min(o.warmupFrames, 5));
    const area = this.ocrArea(frame);
    const moving = mature ? tracker.movingMap() : undefined;
    const polarities = o.polarity === 'both' ? [true, false] : [o.polarity === 'light-on-dark'];
    const images = polarities.map((invert) =>
      prepareOcrImage(frame, area, { scale: o.scale, invert, blank: moving ? { map: moving, step: tracker.step, gridWidth: tracker.gridWidth } : undefined }),
    );
    let found: MaskBox[];
    try {
      const results = await Promise.all(images.map((img) => this.engine.recognize(img)));
      found = results.flatMap((words, i) =>
        selectTextWords(words, images[i]!, o, moving ? (b) => tracker.staticFraction(b, moving) : undefined, (b) => flatFraction(frame, b)),
      );
    } catch (err) {
      state.inFlight = false;
      if (this.closed) return;
      throw tagError(err, SCOPE);
    }
    state.inFlight = false;
    if (this.exam !== state || this.closed) return;
    // Boxes found before stay while they sit on the static overlay (OCR may miss them
    // this time); boxes over the moving image must be found again.
    const kept = (state.mask ?? []).filter((b) => !mature || tracker.staticFraction(b) >= 0.5);
    const padded = [...found.map((b) => clipBox(padBox(b, o.padding), area)), ...kept];
    const merged = mergeBoxes(padded, 2);
    const { kept: mask, dropped } = capMaskArea(merged, o.maxMaskFraction * frame.width * frame.height);
    if (dropped.length && !state.warnedCap) {
      state.warnedCap = true;
      this.ctx.warn(
        `[${SCOPE}] OCR found text over more than maxMaskFraction (${o.maxMaskFraction}) of the frame: ${dropped.length} least confident boxes left in place`,
        { examId: frame.source.examId, seq: frame.seq },
      );
    }
    if (state.dropped && !state.mask) {
      this.ctx.warn(`[${SCOPE}] dropped ${state.dropped} frames while the first OCR ran`, { examId: frame.source.examId, seq: frame.seq });
    }
    state.mask = mask;
  }

  private remove(state: ExamState, frame: FrameEvent): FrameEvent {
    const region = this.options.useUsRegion ? frame.meta.usRegion : undefined;
    const { pixels, redactions } = applyMask(frame, {
      region,
      boxes: state.mask ?? [],
      fill: this.options.fill,
      fillValue: this.options.fillValue,
      exposeText: this.options.exposeText,
      stage: STAGE,
    });
    if (pixels === frame.pixels) return frame;
    return { ...frame, pixels, meta: { ...frame.meta, redactions: [...(frame.meta.redactions ?? []), ...redactions] } };
  }
}
