/**
 * What an overlay shows, followed event by event: the current landmark and vein
 * state, the verdict so far at each landmark, the exam verdict, and a bounded
 * timeline of probabilities (the paper's Fig. 2h). Shared by the HUD, the
 * overlay video and the report so all three say the same thing.
 *
 * Per landmark the most cautious visit verdict wins (as the exam verdict does);
 * an `exam` event's `landmarks` replace them. State resets on `exam-start`.
 */
import { mergeVisitVerdict } from '../verdict/exam-verdict.js';
import type { ExamVerdict, FrameLabels, Landmark, LandmarkProbabilities, PipelineEvent, VerdictEvent, VisitVerdict } from '../core/events.js';
import type { BadgeVerdict } from './palette.js';
import { saliencyOf, type SaliencyMap } from './saliency-map.js';

/** One point of the timeline: a prediction with the state reported for it. */
export interface TimelineSample {
  /** Running number of the sample in this exam (lets readers fetch only new ones). */
  n: number;
  seq: number;
  ptsMs: number;
  landmark: LandmarkProbabilities;
  pClosed: number;
  /** The smoothed state for this seq, once the compressibility stage reported it. */
  state?: { landmark: Landmark; vein: 'open' | 'closed' | 'unknown'; pClosed: number };
  /** Ground truth, when the frames carry labels (phantom, labelled exams). */
  truth?: { landmark?: Landmark; open?: boolean };
}

export interface OverlaySnapshot {
  examId?: string;
  landmark?: Landmark;
  vein?: 'open' | 'closed' | 'unknown';
  /** Newest model output. */
  probabilities?: LandmarkProbabilities;
  pClosed?: number;
  /** Newest state change reason. */
  reason?: string;
  badges: Record<'LM1' | 'LM2', BadgeVerdict>;
  examVerdict?: ExamVerdict;
  incompleteReason?: string;
  disclaimer?: string;
}

export interface OverlayStateOptions {
  /** Keep timeline samples this far back from the newest (ms of presentation time). */
  timelineMs: number;
  /** Hard cap on samples kept, whatever the frame rate. */
  maxSamples?: number;
}

export class OverlayState {
  private snapshotValue: OverlaySnapshot = { badges: { LM1: 'not-examined', LM2: 'not-examined' } };
  private readonly timeline: TimelineSample[] = [];
  private readonly visitVerdicts: Partial<Record<'LM1' | 'LM2', VisitVerdict>> = {};
  private nextSample = 0;
  private saliencyValue?: { seq: number; map: SaliencyMap };
  /** Bumped on every change, so writers can tell whether to send or draw again. */
  version = 0;
  /** Bumped when a new exam starts (readers drop what they had). */
  examGeneration = 0;

  constructor(private readonly options: OverlayStateOptions) {}

  get snapshot(): Readonly<OverlaySnapshot> {
    return this.snapshotValue;
  }

  /** Timeline samples, oldest first (at most `timelineMs` of presentation time). */
  get samples(): readonly TimelineSample[] {
    return this.timeline;
  }

  get saliency(): { seq: number; map: SaliencyMap } | undefined {
    return this.saliencyValue;
  }

  /** Follow one event; returns the verdict event when it was one (callers key frames on it). */
  apply(event: PipelineEvent): VerdictEvent | undefined {
    switch (event.kind) {
      case 'exam-start':
        this.reset(event.examId);
        return undefined;
      case 'frame':
        if (this.snapshotValue.examId === undefined) this.snapshotValue = { ...this.snapshotValue, examId: event.source.examId };
        return undefined;
      case 'prediction': {
        this.push({
          n: this.nextSample++,
          seq: event.seq,
          ptsMs: event.ptsMs,
          landmark: { ...event.landmark },
          pClosed: event.pClosed,
          truth: truthOf(event.labels),
        });
        const map = saliencyOf(event);
        if (map) this.saliencyValue = { seq: event.seq, map };
        this.update({ probabilities: { ...event.landmark }, pClosed: event.pClosed });
        return undefined;
      }
      case 'state': {
        const sample = this.findSample(event.seq);
        if (sample) sample.state = { landmark: event.landmark, vein: event.vein, pClosed: event.smoothed.pClosed };
        this.update({ landmark: event.landmark, vein: event.vein, ...(event.reason ? { reason: event.reason } : {}) });
        return undefined;
      }
      case 'verdict': {
        this.visitVerdicts[event.landmark] = mergeVisitVerdict(this.visitVerdicts[event.landmark], event.verdict);
        this.update({ badges: { ...this.snapshotValue.badges, [event.landmark]: this.visitVerdicts[event.landmark]! } });
        return event;
      }
      case 'exam':
        this.update({
          examId: event.examId,
          ...(event.landmarks ? { badges: { LM1: event.landmarks.LM1 ?? 'not-examined', LM2: event.landmarks.LM2 ?? 'not-examined' } } : {}),
          ...(event.verdict ? { examVerdict: event.verdict } : {}),
          ...(event.incompleteReason ? { incompleteReason: event.incompleteReason } : {}),
          ...(event.disclaimer ? { disclaimer: event.disclaimer } : {}),
        });
        return undefined;
      default:
        return undefined;
    }
  }

  private reset(examId: string): void {
    this.snapshotValue = { examId, badges: { LM1: 'not-examined', LM2: 'not-examined' } };
    this.timeline.length = 0;
    this.nextSample = 0;
    this.saliencyValue = undefined;
    delete this.visitVerdicts.LM1;
    delete this.visitVerdicts.LM2;
    this.examGeneration++;
    this.version++;
  }

  private update(patch: Partial<OverlaySnapshot>): void {
    this.snapshotValue = { ...this.snapshotValue, ...patch };
    this.version++;
  }

  private push(sample: TimelineSample): void {
    this.timeline.push(sample);
    const oldest = sample.ptsMs - this.options.timelineMs;
    let drop = 0;
    while (drop < this.timeline.length - 1 && this.timeline[drop]!.ptsMs < oldest) drop++;
    const cap = this.options.maxSamples ?? 100_000;
    drop = Math.max(drop, this.timeline.length - cap);
    if (drop > 0) this.timeline.splice(0, drop);
  }

  private findSample(seq: number): TimelineSample | undefined {
    for (let i = this.timeline.length - 1; i >= 0; i--) {
      const s = this.timeline[i]!;
      if (s.seq === seq) return s;
      if (s.seq < seq) return undefined;
    }
    return undefined;
  }
}

function truthOf(labels: FrameLabels | undefined): TimelineSample['truth'] {
  if (!labels || (labels.landmark === undefined && labels.open === undefined)) return undefined;
  return { landmark: labels.landmark, open: labels.open };
}
