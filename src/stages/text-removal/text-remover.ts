/**
 * The per-subscription state of the text-removal stage: one static-overlay tracker
 * and one mask per exam, and the decision of when a frame is a keyframe (OCR runs):
 *   - file mode: frame `warmupFrames` of an exam (the tracker can tell the moving
 *     image from the static overlay by then; the frames held back get that mask too),
 *   - live mode: the 5th frame (moving pixels can be told by then), and again once
 *     the tracker has matured (`warmupFrames`),
 *   - when static overlay pixels changed since the last keyframe,
 *   - every `keyframeInterval` frames.
 * At a keyframe, once motion tells static from moving, static ink clusters on a flat
 * static panel become boxes without OCR, and OCR reads only tiles around static ink
 * that no box covers and that was not read before (`ocrScope: static-ink`).
 * File mode waits for the first keyframe and for overlay changes; a periodic keyframe's
 * OCR runs in the background and its mask applies `keyframeDelay` frames later
 * (deterministic output, every frame covered). Live mode never waits: frames use the
 * last mask while a new one is computed, and frames before the first mask are dropped
 * (or passed, if asked) — never shown unmasked.
 */
import type { BuildContext } from '../../core/context.js';
import type { Box, FrameEvent, PipelineEvent } from '../../core/events.js';
import { tagError } from '../../core/errors.js';
import { applyMask } from '../../redaction/apply-mask.js';
import { boxArea, clipBox, intersectionArea, mergeBoxes, padBox, type MaskBox } from '../../redaction/boxes.js';
import { InpaintCache, type FillMode } from '../../redaction/fill.js';
import type { OcrEngine } from '../../redaction/ocr-engine.js';
import { prepareOcrImage, prepareOcrMosaic, type OcrImage, type OcrMosaic } from '../../redaction/ocr-image.js';
import { flatFraction, selectTextWords, type WordRules } from '../../redaction/ocr-words.js';
import {
  findInk,
  growToInk,
  inkClusters,
  inkPixelsIn,
  MIN_INK,
  onStaticScreen,
  staticTextClusters,
  textPanelMotion,
  type InkComponent,
  type MovingGrid,
} from '../../redaction/static-ink.js';
import { StaticOverlayTracker } from '../../redaction/static-overlay.js';

export const SCOPE = 'stage:text-removal';
const STAGE = 'text-removal';
const REGION_MARGIN = 24;
const LIVE_FIRST_AFTER = 5;
/** Ink components this close (pixels) belong to one cluster (letters of a word). */
const INK_GAP = 3;
/** The ring around a static cluster: this fraction in one gray band is a flat panel. */
const MIN_RING_FLAT = 0.85;

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
  staticInk: boolean;
  growToInk: boolean;
  inkContrast: number;
  ocrScope: 'static-ink' | 'area';
  keyframeDelay: number;
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
  /** Ink clusters OCR has read (ocrScope static-ink): not read again while they stay the same, until a periodic keyframe. */
  readInk: Set<string>;
  /** File mode: a periodic keyframe's OCR running in the background, applied at frame `applyAt`. */
  pending: { result: Promise<KeyframeResult>; applyAt: number } | undefined;
  /**
   * Overlay changes the keyframe now running (or pending) was started for: masked as
   * they are until its result is applied (fail closed: new text never passes while OCR
   * has not answered).
   */
  unconfirmed: MaskBox[];
  /** File mode: the held frames went out (the first keyframes have answered). */
  released: boolean;
  /** File mode: the first frame, read as it is while the following frames are held. */
  lookAhead: FrameEvent | undefined;
  /**
   * Work done only when the screen changes: the overlay changes of the last frame, kept
   * while the changed cells and the moving map are the same (the tracker's versions), the OCR area and maturity are the same;
   * the boxes of the last frame, kept while mask and changes are the same objects; and
   * the inpainted boxes, copied while the ring around each holds the same pixels.
   */
  changedMemo: { changeVersion: number; movingVersion: number; mature: boolean; area: string; boxes: MaskBox[] } | undefined;
  boxesMemo: { mask: MaskBox[] | undefined; unconfirmed: MaskBox[]; changed: MaskBox[]; boxes: MaskBox[] } | undefined;
  fillCache: InpaintCache;
}

/** What a keyframe found, before it is merged with the boxes that stay. */
interface KeyframeResult {
  found: MaskBox[];
  /** The tracker could tell static from moving at the keyframe. */
  mature: boolean;
}

/** No overlay change (one array, so that an unchanged frame is recognised by identity). */
const NO_BOXES: MaskBox[] = [];

const inkKey = (c: InkComponent) => `${c.polarity}:${c.x},${c.y},${c.width}x${c.height}`;

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
    private readonly ctx: Pick<BuildContext, 'warn' | 'frameDropped'>,
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
    if (!state.released) {
      // Look ahead: the first frame is read as it is, and the last held frame once the
      // tracker can tell static from moving; every held frame gets both readings, so text
      // shown only in the first frames is covered too.
      if (state.tracker.frames === 1 && this.options.warmupFrames > 1) {
        await this.runKeyframe(state, event);
        state.lookAhead = event;
      }
      this.held.push(event);
      this.heldFrame = event;
      if (state.tracker.frames < this.options.warmupFrames) return [];
      return this.flushFile();
    }
    if (state.pending && state.tracker.frames >= state.pending.applyAt) await this.applyPending(state, event);
    const due = this.keyframeDue(state, changed);
    if (due === 'interval' && this.options.keyframeDelay > 0) {
      // A periodic keyframe: the overlay looks unchanged, so the current mask stays
      // right while OCR runs in the background; its result applies a fixed number of
      // frames later (waiting only if it is not ready by then): output independent of timing.
      if (state.pending) await this.applyPending(state, event);
      const result = this.startKeyframe(state, event);
      result.catch(() => {});
      state.pending = { result, applyAt: state.tracker.frames + this.options.keyframeDelay };
    } else if (due) {
      if (state.pending) await this.applyPending(state, event);
      await this.runKeyframe(state, event);
    }
    return [this.remove(state, event)];
  }

  private async applyPending(state: ExamState, frame: FrameEvent): Promise<void> {
    const pending = state.pending!;
    state.pending = undefined;
    const result = await pending.result.catch((err) => {
      if (this.closed) return undefined;
      throw tagError(err, SCOPE);
    });
    if (result) this.applyKeyframe(state, frame, result);
  }

  /** File mode: OCR the last held frame and release everything held. */
  async flushFile(): Promise<PipelineEvent[]> {
    const frame = this.heldFrame;
    const held = this.held;
    this.held = [];
    this.heldFrame = undefined;
    if (!frame) return held;
    const state = this.stateFor(frame);
    if (frame !== state.lookAhead) await this.runKeyframe(state, frame);
    state.released = true;
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
      this.ctx.frameDropped?.(event.seq);
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
        tracker: new StaticOverlayTracker(frame.width, frame.height, { watchChange: this.options.inkContrast }),
        mask: undefined,
        framesSinceKey: 0,
        inFlight: false,
        due: false,
        matureKeyDone: false,
        overlayChanged: false,
        warnedCap: false,
        dropped: 0,
        readInk: new Set(),
        pending: undefined,
        unconfirmed: [],
        released: false,
        lookAhead: undefined,
        changedMemo: undefined,
        boxesMemo: undefined,
        fillCache: new InpaintCache(),
      };
    }
    return this.exam;
  }

  /** Whether this frame is a keyframe: the overlay changed, or `keyframeInterval` frames passed. */
  private keyframeDue(state: ExamState, changedPixels: number): 'change' | 'interval' | undefined {
    state.framesSinceKey++;
    if (!state.mask) return undefined;
    if (changedPixels >= this.options.overlayChangePixels) state.overlayChanged = true;
    if (state.overlayChanged && state.framesSinceKey >= this.options.minKeyframeGap) return 'change';
    if (this.options.keyframeInterval > 0 && state.framesSinceKey >= this.options.keyframeInterval) {
      // A periodic keyframe reads again the static ink no box covers (OCR may have missed it).
      state.readInk.clear();
      return 'interval';
    }
    return undefined;
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
    state.inFlight = true;
    let result: KeyframeResult;
    try {
      result = await this.startKeyframe(state, frame);
    } catch (err) {
      state.inFlight = false;
      if (this.closed) return;
      throw tagError(err, SCOPE);
    }
    state.inFlight = false;
    this.applyKeyframe(state, frame, result);
  }

  /**
   * A keyframe's work: everything that depends on the frame and the tracker is decided
   * now (synchronously), OCR runs in the workers. Once the tracker tells static from
   * moving, static ink clusters on a flat static panel become boxes without OCR, and
   * with `ocrScope: static-ink` OCR reads only tiles around static ink not read before.
   */
  private startKeyframe(state: ExamState, frame: FrameEvent): Promise<KeyframeResult> {
    const o = this.options;
    state.framesSinceKey = 0;
    state.overlayChanged = false;
    // What changed since the last keyframe stays masked as it is until this keyframe's
    // result replaces the mask (the snapshot moves on now, so it must be kept here).
    state.unconfirmed = mergeBoxes([...state.unconfirmed, ...this.changedBoxes(state, frame)], 2);
    state.tracker.markKeyframe();
    const tracker = state.tracker;
    const mature = tracker.mature(Math.min(o.warmupFrames, 5));
    const area = this.ocrArea(frame);
    const rawMoving: MovingGrid | undefined = mature ? { map: tracker.movingMap(), step: tracker.step, gridWidth: tracker.gridWidth } : undefined;
    const findInkOf = (moving: MovingGrid | undefined) =>
      o.staticInk || o.growToInk || o.ocrScope === 'static-ink' ? findInk(frame, { contrast: o.inkContrast, moving }) : undefined;
    let moving = rawMoving;
    let ink = findInkOf(moving);
    const textRules = { minTextHeight: o.minTextHeight, maxTextHeight: o.maxTextHeight, minRingFlat: MIN_RING_FLAT };
    if (ink && moving) {
      // Motion inside a block of screen text on a flat panel is the text changing (a
      // clock), not the image: those cells count as static, and the ink is found again.
      const panels = textPanelMotion(
        frame,
        inkClusters(ink, o.maxTextHeight, INK_GAP, () => false),
        moving,
        textRules,
        ink,
      );
      if (panels !== moving) {
        moving = panels;
        ink = findInkOf(moving);
      }
    }
    let flat: MaskBox[] = [];
    /** Clusters to read (undefined: OCR reads the whole area). */
    let toRead: InkComponent[] | undefined;
    if (ink && moving) {
      const still = moving;
      // A group of ink on the static screen is split into text lines (a logo beside a
      // two-line header), unless it already passes as static text as a whole (an icon
      // whose strokes would fall apart into lines).
      const split = (g: InkComponent) => onStaticScreen(frame, g, still) && staticTextClusters(frame, [g], still, textRules, ink).length === 0;
      const inArea = inkClusters(ink, o.maxTextHeight, INK_GAP, split).filter((c) => intersectionArea(c, area) > 0);
      if (o.staticInk) {
        flat = staticTextClusters(frame, inArea, moving, textRules, ink).map((c) => ({
          x: c.x,
          y: c.y,
          width: c.width,
          height: c.height,
          confidence: 0,
        }));
      }
      if (o.ocrScope === 'static-ink') {
        // Read ink that is overlay: static, and with static pixels all around (speckle
        // that held still sits among moving pixels; tesseract reads it as confident junk).
        const overlay = staticTextClusters(frame, inArea, moving, { ...textRules, minRingFlat: 0 }, ink);
        const covered = (c: InkComponent) => (state.mask ?? []).some((m) => intersectionArea(c, m) === boxArea(c));
        toRead = overlay.filter((c) => !state.readInk.has(inkKey(c)) && !covered(c));
        for (const c of toRead) state.readInk.add(inkKey(c));
      }
    }
    const staticFraction = moving ? (b: Box) => tracker.staticFraction(b, moving.map) : undefined;
    // A word at least half inside a static overlay cluster lies on the overlay.
    const onOverlayInk = toRead && ((b: Box) => toRead.some((c) => intersectionArea(b, c) * 2 >= boxArea(b)));
    const select = (words: Awaited<ReturnType<OcrEngine['recognize']>>, image: OcrImage | OcrMosaic) =>
      selectTextWords(words, image, o, {
        staticFraction,
        flatFraction: (b) => flatFraction(frame, b),
        hasInk: ink && ((b) => inkPixelsIn(ink, b) >= MIN_INK),
        onOverlayInk,
      }).map((b) => (ink && o.growToInk ? growToInk(b, ink, o.maxTextHeight) : b));
    const blank = moving;
    const finish = (words: MaskBox[]): KeyframeResult => ({
      found: [...words, ...flat].map((b) => clipBox(padBox(b, o.padding), area)),
      mature,
    });
    const polarities = o.polarity === 'both' ? [true, false] : [o.polarity === 'light-on-dark'];
    if (!toRead) {
      const images = polarities.map((invert) => prepareOcrImage(frame, area, { scale: o.scale, invert, blank }));
      return Promise.all(images.map((img) => this.engine.recognize(img))).then((results) => finish(results.flatMap((words, i) => select(words, images[i]!))));
    }
    // Tiles: static ink clusters padded by half a text height (context for tesseract).
    const tilesOf = (clusters: readonly InkComponent[]) =>
      mergeBoxes(
        clusters.map(({ x, y, width, height }) => clipBox(padBox({ x, y, width, height }, Math.max(4, Math.ceil(height / 2))), area)),
        0,
      );
    const read = async (clusters: readonly InkComponent[], invert: boolean): Promise<MaskBox[]> => {
      if (!clusters.length) return [];
      const image = prepareOcrMosaic(frame, tilesOf(clusters), { scale: o.scale, invert, blank });
      return select(await this.engine.recognize(image), image);
    };
    // One polarity first; the other reads only the clusters the first did not explain.
    return read(toRead, polarities[0]!).then(async (first) => {
      if (polarities.length === 1) return finish(first);
      const unexplained = toRead.filter((c) => !first.some((w) => intersectionArea(c, w) > 0));
      return finish([...first, ...(await read(unexplained, polarities[1]!))]);
    });
  }

  /** Merge a keyframe's boxes with the boxes that stay, cap the mask, and make it the exam's mask. */
  private applyKeyframe(state: ExamState, frame: FrameEvent, result: KeyframeResult): void {
    const _o = this.options;
    if (this.exam !== state || this.closed) return;
    const tracker = state.tracker;
    // Boxes found before stay while they sit on the static overlay (OCR may miss them
    // this time, or not read them again); boxes over the moving image must be found again.
    const kept = (state.mask ?? []).filter((b) => !result.mature || tracker.staticFraction(b) >= 0.5);
    // Every box found is masked, however much of the frame that covers: removal fails
    // closed. maxMaskFraction only decides when to warn (see remove()).
    const mask = mergeBoxes([...result.found, ...kept], 2);
    if (state.dropped && !state.mask) {
      this.ctx.warn(`dropped ${state.dropped} frames while the first OCR ran`, { examId: frame.source.examId, seq: frame.seq });
    }
    state.mask = mask;
    state.unconfirmed = [];
  }

  /**
   * Overlay changes since the last keyframe (by at least `inkContrast` gray levels),
   * padded like word boxes, inside the OCR area. Once the tracker can tell, a change
   * that lies mostly among moving cells is the image (tissue moving for the first
   * time), not the overlay, and is left out.
   */
  private changedBoxes(state: ExamState, frame: FrameEvent): MaskBox[] {
    const tracker = state.tracker;
    // A change of ink contrast: text appearing or going (tissue drifting for the first time mostly changes less).
    const changed = tracker.changedSinceKeyframe(this.options.inkContrast);
    if (!changed.length) return NO_BOXES;
    const area = this.ocrArea(frame);
    const mature = tracker.mature(Math.min(this.options.warmupFrames, LIVE_FIRST_AFTER));
    // The same tracker state, maturity and area give the same boxes: reuse them.
    const areaKey = `${area.x},${area.y},${area.width},${area.height}`;
    const memo = state.changedMemo;
    if (
      memo &&
      memo.changeVersion === tracker.changeVersion &&
      memo.movingVersion === tracker.movingVersion &&
      memo.mature === mature &&
      memo.area === areaKey
    ) {
      return memo.boxes;
    }
    const moving = mature ? tracker.movingMap() : undefined;
    const boxes = changed
      .filter((b) => !moving || tracker.staticFraction(b, moving) >= 0.5)
      .map((b) => clipBox(padBox({ ...b, confidence: 0 }, this.options.padding), area))
      .filter((b) => b.width > 0 && b.height > 0);
    state.changedMemo = { changeVersion: tracker.changeVersion, movingVersion: tracker.movingVersion, mature, area: areaKey, boxes };
    return boxes;
  }

  /**
   * The boxes this frame loses: the exam's mask, plus, fail closed, every overlay change
   * OCR has not answered yet (changes since the last keyframe, and those the keyframe in
   * flight was started for). Warns (once per exam, counts only) when that covers more
   * than maxMaskFraction of the frame.
   */
  private boxesFor(state: ExamState, frame: FrameEvent): MaskBox[] {
    const changed = this.changedBoxes(state, frame);
    const memo = state.boxesMemo;
    let boxes: MaskBox[];
    if (memo && memo.mask === state.mask && memo.unconfirmed === state.unconfirmed && memo.changed === changed) boxes = memo.boxes;
    else {
      const provisional = [...state.unconfirmed, ...changed];
      boxes = provisional.length ? mergeBoxes([...(state.mask ?? []), ...provisional], 2) : (state.mask ?? []);
      state.boxesMemo = { mask: state.mask, unconfirmed: state.unconfirmed, changed, boxes };
    }
    const area = boxes.reduce((sum, b) => sum + boxArea(b), 0);
    const limit = this.options.maxMaskFraction * frame.width * frame.height;
    if (area > limit && !state.warnedCap) {
      state.warnedCap = true;
      this.ctx.warn(
        `text covers ${Math.round((100 * area) / (frame.width * frame.height))}% of the frame, more than maxMaskFraction (${this.options.maxMaskFraction}): all ${boxes.length} boxes are removed (removal fails closed); little image may be left in such frames`,
        { examId: frame.source.examId, seq: frame.seq },
      );
    }
    return boxes;
  }

  private remove(state: ExamState, frame: FrameEvent): FrameEvent {
    const region = this.options.useUsRegion ? frame.meta.usRegion : undefined;
    const { pixels, redactions } = applyMask(frame, {
      region,
      boxes: this.boxesFor(state, frame),
      fill: this.options.fill,
      fillValue: this.options.fillValue,
      exposeText: this.options.exposeText,
      stage: STAGE,
      fillCache: state.fillCache,
    });
    if (pixels === frame.pixels) return frame;
    return { ...frame, pixels, meta: { ...frame.meta, redactions: [...(frame.meta.redactions ?? []), ...redactions] } };
  }
}
