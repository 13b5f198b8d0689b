/**
 * The compressibility state machine as a pure reducer: `reduce(state, event)`
 * returns the next state and the events to emit, the incoming event first.
 *
 * - `prediction`: smooth landmark and vein probabilities, commit state changes after
 *   the minimum dwell, track landmark visits; emits the prediction, one `state`
 *   event, then a `verdict` for every visit that ended on this frame.
 * - `exam-start`: forget everything about that exam.
 * - `exam`: end the open visit (its `verdict` comes first), then the exam event
 *   with `verdict`, `landmarks` and `disclaimer` filled in.
 * - anything else: passed through unchanged.
 *
 * State is kept per exam id, so interleaved exams never mix. Time is the
 * prediction's ptsMs, made monotone per exam; every parameter is in seconds.
 */
import type { ExamEvent, ExamVerdict, Landmark, PipelineEvent, PredictionEvent, StateEvent, VerdictEvent } from '../../core/events.js';
import { DISCLAIMER, LANDMARKS } from '../../core/events.js';
import type { LandmarkSummary, LandmarkVerdicts } from '../../verdict/exam-verdict.js';
import { examVerdict, mergeVisitVerdict } from '../../verdict/exam-verdict.js';
import { UNLIKE_TRAINING } from '../../verdict/incomplete-reasons.js';
import type { CompressibilityParams } from './params.js';
import { defaultCompressibilityParams } from './params.js';
import type { CycleState } from './compression-cycles.js';
import { cycleStep, initialCycles } from './compression-cycles.js';
import type { TrackerState } from './smoothing/tracker.js';
import { createTracker } from './smoothing/tracker.js';
import type { LevelRun, Visit, VisitLandmark } from './visit.js';
import { formatS, interrupt, judgeVisit, markLost, nextLevelRun, note, observeHeld, regain, startHold } from './visit.js';
import { unknownReason } from '../../model/unknown-reason.js';

const VEIN = ['open', 'closed'] as const;

/** Everything the stage remembers about one exam. */
export interface ExamTrack {
  examId: string;
  /** Time of the previous prediction (ms, monotone). */
  lastMs?: number;
  landmark: TrackerState;
  vein: TrackerState;
  /** Moving average of the raw pClosed, for compression cycles and noise. */
  level?: number;
  /** The current run of the level at or above closedHoldLevel (closedLevelHold two-level). */
  levelRun?: LevelRun;
  /** Compression cycle detector on the level. */
  cycles: CycleState;
  /** A new hold may not start before this (set when a frame gap ended a visit). */
  holdFloorMs: number;
  /** The current visit (possibly lost, within its grace period). */
  visit?: Visit;
  /** Another landmark held, not yet long enough to be a visit. */
  hold?: Visit;
  /** Merged verdicts of the visits that ended. */
  landmarks: LandmarkVerdicts;
  /** Predictions that carried an in-distribution score, and how many of them were unknown. */
  scoredWindows: number;
  unknownWindows: number;
  /** The previous prediction was unknown (a run of unknown windows is going on). */
  inUnknownRun: boolean;
}

export interface CompressibilityState {
  readonly exams: Readonly<Record<string, ExamTrack>>;
}

export interface LiveExamVerdict {
  verdict: ExamVerdict;
  landmarks: LandmarkSummary;
  /** True when an open visit's verdict so far was counted: it may still change. */
  provisional: boolean;
  /** Why the verdict is `incomplete` regardless of the visits (most windows unlike the training data). */
  reason?: string;
  disclaimer: string;
}

export interface Compressibility {
  readonly params: CompressibilityParams;
  readonly initial: CompressibilityState;
  reduce(state: CompressibilityState, event: PipelineEvent): [CompressibilityState, PipelineEvent[]];
  /** The exam verdict right now (live mode): ended visits plus the open visit's verdict so far. */
  examVerdictNow(state: CompressibilityState, examId: string): LiveExamVerdict;
}

export function createCompressibility(params: CompressibilityParams = defaultCompressibilityParams): Compressibility {
  const p = params;
  const shared = { smoother: p.smoother, evidenceS: p.evidenceS, emaS: p.emaS, enter: p.enter, exit: p.exit, commitS: p.commitS };
  const landmarkTracker = createTracker({ ...shared, classes: 3, dwellS: p.landmarkDwellS });
  const veinTracker = createTracker({ ...shared, classes: 2, dwellS: p.veinDwellS });
  const commitMs = p.commitS * 1000;
  const graceMs = p.graceS * 1000;
  const minVisitMs = p.minVisitS * 1000;
  const maxGapMs = p.maxGapS * 1000;

  const newTrack = (examId: string): ExamTrack => ({
    examId,
    landmark: landmarkTracker.initial,
    vein: veinTracker.initial,
    cycles: initialCycles,
    holdFloorMs: -Infinity,
    landmarks: {},
    scoredWindows: 0,
    unknownWindows: 0,
    inUnknownRun: false,
  });

  const endVisit = (visit: Visit, examId: string, nowMs: number, why: string) => {
    const { verdict, reason } = judgeVisit(visit, p);
    const explain = [...visit.explain, `${formatS(nowMs)}: ${why}: visit ends (last held ${formatS(visit.lastHeldMs)})`];
    if (visit.omitted > 0) explain.push(`(${visit.omitted} transitions left out)`);
    explain.push(`verdict ${verdict}: ${reason}`);
    const event: VerdictEvent = {
      kind: 'verdict',
      examId,
      landmark: visit.landmark,
      verdict,
      startMs: visit.startMs,
      endMs: visit.lastHeldMs,
      explain,
      evidence: { framesClosed: visit.framesClosed, framesOpen: visit.framesOpen, compressionCycles: visit.cycles },
      disclaimer: DISCLAIMER,
    };
    return { event, reason: `${visit.landmark}: visit ends (${why}): ${verdict}` };
  };

  /**
   * An unknown window (unlike the model's training data) is a frame that never came: the
   * smoothers do not move, nothing is held, no open or closed time is added; once such a
   * run outlasts graceS the visit ends. It is reported as BG with the vein unknown.
   */
  const onUnknown = (state: CompressibilityState, ev: PredictionEvent, track: ExamTrack): [CompressibilityState, PipelineEvent[]] => {
    const nowMs = track.lastMs === undefined ? ev.ptsMs : Math.max(ev.ptsMs, track.lastMs);
    const reasons: string[] = [];
    const verdicts: VerdictEvent[] = [];
    let { visit, hold, landmarks, holdFloorMs } = track;
    if (!track.inUnknownRun) {
      const d = ev.inDistribution!;
      const why = unknownReason(d);
      reasons.push(`window unlike the model's training data (${why}): not counted`);
    }
    hold = undefined;
    if (visit && !visit.lost) {
      const n = interrupt(visit, nowMs, 'window unlike the training data');
      visit = n.visit;
      reasons.push(...n.reasons);
    }
    const since = track.lastMs ?? nowMs;
    if (visit && nowMs - since > graceMs) {
      const ended = endVisit(visit, ev.examId, since, `windows unlike the training data for ${formatS(nowMs - since)} (> graceS ${p.graceS} s)`);
      verdicts.push(ended.event);
      reasons.push(ended.reason);
      landmarks = { ...landmarks, [visit.landmark]: mergeVisitVerdict(landmarks[visit.landmark], ended.event.verdict) };
      visit = undefined;
      holdFloorMs = nowMs;
    }
    const stateEvent: StateEvent = {
      kind: 'state',
      seq: ev.seq,
      ptsMs: ev.ptsMs,
      ...(ev.captureTimeMs === undefined ? {} : { captureTimeMs: ev.captureTimeMs }),
      examId: ev.examId,
      landmark: 'BG',
      vein: 'unknown',
      smoothed: {
        landmark: { BG: track.landmark.smoothed[0]!, LM1: track.landmark.smoothed[1]!, LM2: track.landmark.smoothed[2]! },
        pClosed: track.vein.smoothed[1]!,
      },
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
      unknownWindow: true,
    };
    const { visit: _v, hold: _h, ...rest } = track;
    const next: ExamTrack = {
      ...rest,
      ...(visit ? { visit } : {}),
      ...(hold ? { hold } : {}),
      landmarks,
      holdFloorMs,
      scoredWindows: track.scoredWindows + 1,
      unknownWindows: track.unknownWindows + 1,
      inUnknownRun: true,
    };
    return [{ exams: { ...state.exams, [ev.examId]: next } }, [ev, stateEvent, ...verdicts]];
  };

  const onPrediction = (state: CompressibilityState, ev: PredictionEvent): [CompressibilityState, PipelineEvent[]] => {
    const track = state.exams[ev.examId] ?? newTrack(ev.examId);
    if (ev.inDistribution?.unknown) return onUnknown(state, ev, track);
    const prevMs = track.lastMs;
    const nowMs = prevMs === undefined ? ev.ptsMs : Math.max(ev.ptsMs, prevMs);
    const gapMs = prevMs === undefined ? 0 : nowMs - prevMs;
    const addMs = Math.min(gapMs, maxGapMs);
    const dtS = addMs / 1000;
    const reasons: string[] = [];
    const verdicts: VerdictEvent[] = [];
    let { visit, hold, landmarks, holdFloorMs } = track;

    const finish = (v: Visit, why: string) => {
      const ended = endVisit(v, ev.examId, nowMs, why);
      verdicts.push(ended.event);
      reasons.push(ended.reason);
      landmarks = { ...landmarks, [v.landmark]: mergeVisitVerdict(landmarks[v.landmark], ended.event.verdict) };
    };

    if (gapMs > graceMs) {
      if (visit) finish(visit, `no frames for ${formatS(gapMs)} (> graceS ${p.graceS} s)`);
      visit = undefined;
      hold = undefined;
      holdFloorMs = nowMs;
    }

    // Smoothing and committed states.
    const pClosed = probability(ev.pClosed);
    const lm = landmarkTracker.step(
      track.landmark,
      LANDMARKS.map((l) => probability(ev.landmark?.[l])),
      dtS,
      nowMs,
    );
    const vn = veinTracker.step(track.vein, [1 - pClosed, pClosed], dtS, nowMs);
    const level = track.level === undefined ? pClosed : track.level + (1 - Math.exp(-dtS / p.levelS)) * (pClosed - track.level);
    const levelRun = nextLevelRun(track.levelRun, level, nowMs, p.closedHoldLevel, p.closedLevel, commitMs);
    const cycles = cycleStep(track.cycles, level, nowMs, p.cycleDelta, commitMs);
    const cycleCompleted = cycles.completed;

    const lmIndex = lm.state.commit.committed;
    const landmark: Landmark | undefined = lmIndex === undefined ? undefined : LANDMARKS[lmIndex];
    const veinIndex = vn.state.commit.committed;
    const vein = veinIndex === undefined ? undefined : VEIN[veinIndex];
    if (lm.changed) {
      const was = lm.changedFrom === undefined ? 'none' : LANDMARKS[lm.changedFrom];
      reasons.push(
        `landmark ${landmark} (was ${was}): favoured since ${formatS(lm.state.commit.committedSinceMs)}, ` +
          `smoothed p ${lm.state.smoothed[lmIndex!]!.toFixed(2)}`,
      );
    }
    if (vn.changed) {
      const was = vn.changedFrom === undefined ? 'unknown' : VEIN[vn.changedFrom];
      reasons.push(
        `vein ${vein} (was ${was}): favoured since ${formatS(vn.state.commit.committedSinceMs)}, ` + `smoothed pClosed ${vn.state.smoothed[1]!.toFixed(2)}`,
      );
    }

    // Visits. A frame counts as held only while the smoother still favours the
    // reported landmark: the commit dwell must not lengthen a visit.
    const held: VisitLandmark | undefined = landmark === 'LM1' || landmark === 'LM2' ? landmark : undefined;
    const steady = lm.state.commit.pending === undefined;
    const frame = {
      nowMs,
      vein,
      veinSinceMs: vn.state.commit.committedSinceMs,
      veinUntilMs: vn.state.commit.pending === undefined ? nowMs : vn.state.commit.pendingSinceMs,
      level,
      levelRun,
      cycleCompleted,
      steady,
    };
    const observe = (v: Visit, frameAddMs: number) => {
      const o = observeHeld(v, { ...frame, addMs: frameAddMs }, p);
      reasons.push(...o.reasons);
      return o.visit;
    };
    const withNote = (n: { visit: Visit; reason: string }) => {
      reasons.push(n.reason);
      return n.visit;
    };

    if (held !== undefined && visit?.landmark === held) {
      hold = undefined;
      visit = visit.lost ? observe(withNote(regain(visit, nowMs)), 0) : observe(visit, addMs);
    } else if (held !== undefined) {
      if (hold?.landmark !== held) {
        hold = observe(startHold(held, Math.max(lm.state.commit.committedSinceMs, holdFloorMs), nowMs), 0);
      } else {
        hold = observe(hold, addMs);
      }
      if (visit && !visit.lost) visit = withNote(markLost(visit, nowMs, held));
      if (steady && nowMs - hold.startMs >= minVisitMs) {
        if (visit) finish(visit, `${held} visit starts`);
        visit = withNote(note(hold, nowMs, `held for ${formatS(nowMs - hold.startMs)} (>= minVisitS ${p.minVisitS} s): visit starts`));
        hold = undefined;
      }
    } else {
      hold = undefined;
      if (visit && !visit.lost) visit = withNote(markLost(visit, nowMs, landmark ?? 'none'));
    }
    if (visit?.lost && nowMs - visit.lastHeldMs > graceMs) {
      finish(visit, `lost for more than graceS ${p.graceS} s`);
      visit = undefined;
    }

    const stateEvent: StateEvent = {
      kind: 'state',
      seq: ev.seq,
      ptsMs: ev.ptsMs,
      ...(ev.captureTimeMs === undefined ? {} : { captureTimeMs: ev.captureTimeMs }),
      examId: ev.examId,
      landmark: landmark ?? 'BG',
      vein: vein ?? 'unknown',
      smoothed: {
        landmark: { BG: lm.state.smoothed[0]!, LM1: lm.state.smoothed[1]!, LM2: lm.state.smoothed[2]! },
        pClosed: vn.state.smoothed[1]!,
      },
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    };
    const next: ExamTrack = {
      examId: ev.examId,
      lastMs: nowMs,
      landmark: lm.state,
      vein: vn.state,
      level,
      ...(levelRun ? { levelRun } : {}),
      cycles: cycles.state,
      holdFloorMs,
      ...(visit ? { visit } : {}),
      ...(hold ? { hold } : {}),
      landmarks,
      scoredWindows: track.scoredWindows + (ev.inDistribution ? 1 : 0),
      unknownWindows: track.unknownWindows,
      inUnknownRun: false,
    };
    return [{ exams: { ...state.exams, [ev.examId]: next } }, [ev, stateEvent, ...verdicts]];
  };

  const onExam = (state: CompressibilityState, ev: ExamEvent): [CompressibilityState, PipelineEvent[]] => {
    const track = state.exams[ev.examId];
    const out: PipelineEvent[] = [];
    let landmarks = track?.landmarks ?? {};
    if (track?.visit) {
      const ended = endVisit(track.visit, ev.examId, track.lastMs ?? 0, 'exam ended');
      out.push(ended.event);
      const lm = track.visit.landmark;
      landmarks = { ...landmarks, [lm]: mergeVisitVerdict(landmarks[lm], ended.event.verdict) };
    }
    const summary = examVerdict(landmarks);
    const unlike = mostlyUnknown(track);
    out.push({
      ...ev,
      verdict: unlike ? 'incomplete' : summary.verdict,
      landmarks: summary.landmarks,
      ...(unlike ? { incompleteReason: ev.incompleteReason ? `${ev.incompleteReason}; ${UNLIKE_TRAINING}` : UNLIKE_TRAINING } : {}),
      ...(track && track.scoredWindows > 0 ? { inDistribution: { windows: track.scoredWindows, unknown: track.unknownWindows } } : {}),
      disclaimer: DISCLAIMER,
    });
    const { [ev.examId]: _ended, ...rest } = state.exams;
    return [{ exams: rest }, out];
  };

  return {
    params,
    initial: { exams: {} },
    reduce(state, event) {
      switch (event.kind) {
        case 'prediction':
          return onPrediction(state, event);
        case 'exam-start':
          return [{ exams: { ...state.exams, [event.examId]: newTrack(event.examId) } }, [event]];
        case 'exam':
          return onExam(state, event);
        default:
          return [state, [event]];
      }
    },
    examVerdictNow(state, examId) {
      const track = state.exams[examId];
      let landmarks = track?.landmarks ?? {};
      if (track?.visit) {
        const lm = track.visit.landmark;
        landmarks = { ...landmarks, [lm]: mergeVisitVerdict(landmarks[lm], judgeVisit(track.visit, p).verdict) };
      }
      const summary = examVerdict(landmarks);
      return {
        ...summary,
        ...(mostlyUnknown(track) ? { verdict: 'incomplete' as const, reason: UNLIKE_TRAINING } : {}),
        provisional: track?.visit !== undefined,
        disclaimer: DISCLAIMER,
      };
    },
  };
}

/** The exam's incomplete reason when most of its windows were unknown. */
export { UNLIKE_TRAINING };

/** More than half of the exam's scored windows were unknown (unlike the training data). */
function mostlyUnknown(track: ExamTrack | undefined): boolean {
  return track !== undefined && track.scoredWindows > 0 && track.unknownWindows * 2 > track.scoredWindows;
}

/** A probability from the network, made safe: NaN or missing counts as 0.5, the rest clamped to [0, 1]. */
function probability(x: number | undefined): number {
  if (x === undefined || !Number.isFinite(x)) return Number.isNaN(x) || x === undefined ? 0.5 : x > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, x));
}
