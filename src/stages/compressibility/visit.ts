/**
 * One landmark visit and its verdict, as pure functions over an immutable record.
 *
 * A hold starts when the reported landmark becomes LM1 or LM2; it becomes a visit
 * once held for `minVisitS`. While the landmark is held, each frame adds evidence:
 * time held, vein closed/open, uncertain time, compression cycles. The landmark may
 * be lost for up to `graceS` and come back to the same visit.
 */
import type { VisitVerdict } from '../../core/events.js';
import type { CompressibilityParams } from './params.js';

export type { VisitLandmark } from '../../verdict/exam-verdict.js';
import type { VisitLandmark } from '../../verdict/exam-verdict.js';

export interface Visit {
  landmark: VisitLandmark;
  /** When the landmark was first reported held (the smoother's candidate time, ms). */
  startMs: number;
  /** The last frame with the landmark held (ms). */
  lastHeldMs: number;
  /**
   * When the landmark was last (re)acquired: after a loss (grace period) or an interruption
   * (`interrupted`). Open and closed runs count only from here.
   */
  heldSinceMs: number;
  /**
   * The landmark was not seen on the last frame though the visit goes on: the smoother favoured
   * another landmark not reported yet (a slide off the landmark that may or may not become a
   * loss), or the window was unknown (unlike the training data). The next steady frame
   * re-acquires the landmark, as a regain after a loss does.
   */
  interrupted: boolean;
  /** The landmark is not held now; the grace period is running. */
  lost: boolean;
  /** Total time with the landmark held (ms), frame intervals summed. */
  heldMs: number;
  /** Held time with the pClosed level near 0.5 (ms). */
  uncertainMs: number;
  /** Start of the current closure while held, if the vein is closed now. */
  closedSinceMs?: number;
  /** Highest pClosed level during the current closure. */
  closedPeakLevel: number;
  /** closedLevelHold sustained: since when the level has stayed >= closedLevel in the current closure. */
  confidentSinceMs?: number;
  longestClosedMs: number;
  /** Highest pClosed level reached during any closure of the visit (for the explain trace). */
  bestClosedLevel: number;
  /** Longest closure time counted towards minClosedS so far (ms; for the explain trace). */
  longestCountedMs: number;
  everClosed: boolean;
  /**
   * The longest time the vein was surely open (reported open, no other state pending) while
   * the landmark was held in this visit (ms).
   */
  openSureMs: number;
  /**
   * When the vein was first seen open at the landmark (reported open for `commitS` while
   * held): the start of that open run. Undefined while it has not been.
   */
  openSeenFromMs?: number;
  /** Held time from `openSeenFromMs` on (ms): what notCompressibleNeedsOpen counts. */
  heldAfterOpenMs: number;
  /** Compression cycles completed from `openSeenFromMs` on. */
  cyclesAfterOpen: number;
  /** openBeforeClosure: the current closure began before the vein was seen open, so it is ignored. */
  ignoringClosure: boolean;
  /** openBeforeClosure: how many closures were ignored because the vein had not been seen open first. */
  ignoredClosures: number;
  /** When the closure reached `minClosedS`: the visit is compressible from then on. */
  compressibleAtMs?: number;
  framesClosed: number;
  framesOpen: number;
  cycles: number;
  explain: readonly string[];
  /** Transitions left out of `explain` to bound its size on very long visits. */
  omitted: number;
}

/** What one frame held on the landmark contributes. */
export interface HeldFrame {
  nowMs: number;
  /** Held time this frame adds (0 on the frame that (re)acquires the landmark). */
  addMs: number;
  vein: 'open' | 'closed' | undefined;
  /** When the reported vein state began (ms). */
  veinSinceMs: number;
  /**
   * Until when the reported vein state is sure: the frame time, or the time the
   * smoother began to favour another state that has not held long enough yet. So
   * the commit dwell never lengthens a closure.
   */
  veinUntilMs: number;
  /** The pClosed level (moving average of raw pClosed). */
  level: number;
  /** The current run of the level at or above `closedHoldLevel` (closedLevelHold `two-level`); undefined below it. */
  levelRun?: LevelRun | undefined;
  /** A compression cycle completed on this frame. */
  cycleCompleted: boolean;
  /**
   * False while the smoother already favours another landmark that is not reported
   * yet: such a frame only counts a compression cycle, nothing else.
   */
  steady: boolean;
}

/**
 * A run of the pClosed level at or above `closedHoldLevel`, for closedLevelHold `two-level`
 * (a hysteresis on the level: reach `closedLevel`, then stay at or above `closedHoldLevel`).
 */
export interface LevelRun {
  /** Since when the level has stayed at or above closedHoldLevel (ms). */
  sinceMs: number;
  /** Since when the level has stayed at or above closedLevel, if it is there now (ms). */
  highSinceMs?: number | undefined;
  /**
   * When the level had stayed at or above closedLevel for the minimum dwell (`commitS`) in
   * this run, if it has: the run has reached closedLevel. So one frame alone does not do it.
   */
  reachedAtMs?: number | undefined;
  /** The highest level in the run. */
  peak: number;
}

const TIME_EPSILON_MS = 1e-6;

/** The minimum dwell in ms, less rounding (ptsMs are often i * 1000 / fps). */
function commitMs(p: CompressibilityParams): number {
  return p.commitS * 1000 - TIME_EPSILON_MS;
}

/** The level run after one more frame (pure; undefined when the level is below holdLevel). */
export function nextLevelRun(
  run: LevelRun | undefined,
  level: number,
  nowMs: number,
  holdLevel: number,
  highLevel: number,
  minDwellMs: number,
): LevelRun | undefined {
  if (level < holdLevel) return undefined;
  const highSinceMs = level >= highLevel ? (run?.highSinceMs ?? nowMs) : undefined;
  // ptsMs are often i * 1000 / fps: forgive rounding, as the commit dwell does.
  const reachedNow = highSinceMs !== undefined && nowMs - highSinceMs >= minDwellMs - TIME_EPSILON_MS;
  return {
    sinceMs: run?.sinceMs ?? nowMs,
    highSinceMs,
    reachedAtMs: run?.reachedAtMs ?? (reachedNow ? nowMs : undefined),
    peak: Math.max(run?.peak ?? 0, level),
  };
}

const MAX_EXPLAIN = 48;

export function formatS(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Append a timestamped transition to the visit's explain trace; also returns the text for a state reason. */
export function note(visit: Visit, nowMs: number, text: string): { visit: Visit; reason: string } {
  const reason = `${visit.landmark}: ${text}`;
  if (visit.explain.length >= MAX_EXPLAIN) return { visit: { ...visit, omitted: visit.omitted + 1 }, reason };
  return { visit: { ...visit, explain: [...visit.explain, `${formatS(nowMs)}: ${text}`] }, reason };
}

export function startHold(landmark: VisitLandmark, startMs: number, nowMs: number): Visit {
  return {
    landmark,
    startMs,
    lastHeldMs: nowMs,
    heldSinceMs: startMs,
    interrupted: false,
    lost: false,
    heldMs: nowMs - startMs,
    uncertainMs: 0,
    closedPeakLevel: 0,
    longestClosedMs: 0,
    bestClosedLevel: 0,
    longestCountedMs: 0,
    everClosed: false,
    openSureMs: 0,
    heldAfterOpenMs: 0,
    cyclesAfterOpen: 0,
    ignoringClosure: false,
    ignoredClosures: 0,
    framesClosed: 0,
    framesOpen: 0,
    cycles: 0,
    explain: [`${formatS(nowMs)}: ${landmark} reported (held since ${formatS(startMs)})`],
    omitted: 0,
  };
}

/** Add one held frame's evidence. Returns the reasons for any visit transition on this frame. */
export function observeHeld(visit: Visit, f: HeldFrame, p: CompressibilityParams): { visit: Visit; reasons: string[] } {
  const reasons: string[] = [];
  const uncertain = Math.abs(f.level - 0.5) < p.uncertainBand;
  let v: Visit = !f.steady
    ? visit
    : {
        ...visit,
        // Back after an interruption (the smoother favoured another landmark, or unknown windows):
        // re-acquired now, so no open or closed run is dated from before or spans the interruption.
        ...(visit.interrupted ? { interrupted: false, heldSinceMs: f.nowMs } : {}),
        lastHeldMs: f.nowMs,
        heldMs: visit.heldMs + f.addMs,
        uncertainMs: visit.uncertainMs + (uncertain ? f.addMs : 0),
        framesClosed: visit.framesClosed + (f.vein === 'closed' ? 1 : 0),
        framesOpen: visit.framesOpen + (f.vein === 'open' ? 1 : 0),
      };
  const push = (text: string) => {
    const n = note(v, f.nowMs, text);
    v = n.visit;
    reasons.push(n.reason);
  };

  if (f.steady && f.vein === 'closed' && v.closedSinceMs === undefined && p.openBeforeClosure && v.openSureMs < commitMs(p)) {
    // "Find the vein open, then press": a closure that began before the vein was seen open at
    // this landmark for the minimum dwell is ignored until it ends.
    const closedSinceMs = Math.max(f.veinSinceMs, v.heldSinceMs);
    v = { ...v, closedSinceMs, ignoringClosure: true, ignoredClosures: v.ignoredClosures + 1 };
    push(
      `vein closed (since ${formatS(closedSinceMs)}) before it was seen open at ${v.landmark} for commitS ${p.commitS} s ` +
        `(longest ${formatS(v.openSureMs)}): closure ignored (openBeforeClosure)`,
    );
  } else if (f.steady && f.vein === 'closed' && v.ignoringClosure) {
    // The ignored closure goes on: no evidence, and not the end of a closure either.
  } else if (f.steady && f.vein === 'closed') {
    const closedSinceMs = v.closedSinceMs ?? Math.max(f.veinSinceMs, v.heldSinceMs);
    const closedMs = Math.max(0, f.veinUntilMs - closedSinceMs);
    if (v.closedSinceMs === undefined && v.compressibleAtMs === undefined) {
      push(`vein closed (since ${formatS(closedSinceMs)})`);
    }
    const closedPeakLevel = Math.max(v.closedSinceMs === undefined ? 0 : v.closedPeakLevel, f.level);
    // The part of the closure with the level at or above closedLevel: from the closure's
    // start if it began there, else from the frame the level got there; none below it.
    let confidentSinceMs: number | undefined;
    if (f.level >= p.closedLevel) confidentSinceMs = v.closedSinceMs === undefined ? closedSinceMs : (v.confidentSinceMs ?? f.nowMs);
    // A closure counts only when the raw signal is clearly closed too, not a smoother
    // drifting on readings that hover around 0.5 (nor a pressed clot read as half-closed).
    const countedMs = countedClosureMs(p, closedMs, closedPeakLevel, confidentSinceMs, f, closedSinceMs);
    v = {
      ...v,
      closedSinceMs,
      closedPeakLevel,
      confidentSinceMs,
      everClosed: true,
      longestClosedMs: Math.max(v.longestClosedMs, closedMs),
      bestClosedLevel: Math.max(v.bestClosedLevel, f.level),
      longestCountedMs: Math.max(v.longestCountedMs, countedMs ?? 0),
    };
    if (v.compressibleAtMs === undefined && countedMs !== undefined && countedMs >= p.minClosedS * 1000) {
      v = { ...v, compressibleAtMs: f.nowMs };
      push(`vein closed for ${formatS(countedMs)} (>= minClosedS ${p.minClosedS} s) ${closureRule(p)} while held: compressible`);
    }
  } else if (f.steady && v.closedSinceMs !== undefined) {
    const closedMs = Math.max(0, f.veinSinceMs - v.closedSinceMs);
    const ignored = v.ignoringClosure;
    v = { ...v, closedSinceMs: undefined, confidentSinceMs: undefined, ignoringClosure: false };
    if (v.compressibleAtMs === undefined) push(`vein ${f.vein ?? 'unknown'} again after ${formatS(closedMs)} closed${ignored ? ' (ignored closure)' : ''}`);
  }
  if (!f.steady) {
    const n = interrupt(v, f.nowMs, 'no longer favoured by the smoother');
    v = n.visit;
    reasons.push(...n.reasons);
  }
  if (f.steady && v.openSeenFromMs !== undefined) v = { ...v, heldAfterOpenMs: v.heldAfterOpenMs + f.addMs };
  if (f.steady && f.vein === 'open') {
    const openFromMs = Math.max(f.veinSinceMs, v.heldSinceMs);
    const openMs = f.veinUntilMs - openFromMs;
    if (openMs > v.openSureMs) v = { ...v, openSureMs: openMs };
    if (v.openSeenFromMs === undefined && openMs >= commitMs(p)) {
      // Seen open: the open run itself is held time after the vein was seen open.
      v = { ...v, openSeenFromMs: openFromMs, heldAfterOpenMs: Math.min(v.heldMs, Math.max(0, f.nowMs - openFromMs)) };
    }
  }

  if (f.cycleCompleted) {
    v = { ...v, cycles: v.cycles + 1, cyclesAfterOpen: v.cyclesAfterOpen + (v.openSeenFromMs !== undefined ? 1 : 0) };
    push(`compression cycle ${v.cycles} (pClosed level rose and fell back by >= ${p.cycleDelta})`);
  }
  return { visit: v, reasons };
}

/**
 * The landmark is not seen on this frame though the visit goes on: the smoother favours another
 * landmark (not reported yet), or the window is unknown (unlike the training data). Whatever the
 * vein does now is not seen at this landmark: a closure under way ends here (an ignored one stays
 * ignored), and the next steady frame re-acquires the landmark (`heldSinceMs`), so no open or
 * closed run spans this frame.
 */
export function interrupt(visit: Visit, nowMs: number, why: string): { visit: Visit; reasons: string[] } {
  if (visit.interrupted) return { visit, reasons: [] };
  const wasClosed = visit.closedSinceMs !== undefined && !visit.ignoringClosure;
  const v: Visit = { ...visit, interrupted: true, ...(wasClosed ? { closedSinceMs: undefined, confidentSinceMs: undefined } : {}) };
  if (!wasClosed || v.compressibleAtMs !== undefined) return { visit: v, reasons: [] };
  const n = note(v, nowMs, `${why}: closure interrupted`);
  return { visit: n.visit, reasons: [n.reason] };
}

/**
 * How much of the current closure counts towards minClosedS: all of it once its level has
 * reached closedLevel (`peak`); only the time at that level (`sustained`); or the time the
 * level has stayed at or above closedHoldLevel, in a run of the level that reached
 * closedLevel (`two-level`, a hysteresis: reach the high level once, hold above the low one).
 * Undefined when none counts.
 */
function countedClosureMs(
  p: CompressibilityParams,
  closedMs: number,
  peakLevel: number,
  confidentSinceMs: number | undefined,
  f: HeldFrame,
  closedSinceMs: number,
): number | undefined {
  switch (p.closedLevelHold) {
    case 'peak':
      return peakLevel >= p.closedLevel ? closedMs : undefined;
    case 'sustained':
      return confidentSinceMs === undefined ? undefined : Math.max(0, f.veinUntilMs - confidentSinceMs);
    case 'two-level': {
      const run = f.levelRun;
      if (run?.reachedAtMs === undefined) return undefined;
      // Only the part of the run inside the reported closure counts.
      return Math.max(0, f.veinUntilMs - Math.max(run.sinceMs, closedSinceMs));
    }
  }
}

/** The closure-level rule in words, for the explain trace. */
export function closureRule(p: CompressibilityParams): string {
  switch (p.closedLevelHold) {
    case 'peak':
      return `with the pClosed level reaching ${p.closedLevel} (closedLevel, peak)`;
    case 'sustained':
      return `with the pClosed level >= ${p.closedLevel} (closedLevel, sustained)`;
    case 'two-level':
      return `with the pClosed level >= ${p.closedHoldLevel} (closedHoldLevel) in a run that reached ${p.closedLevel} (closedLevel)`;
  }
}

/**
 * The level a closure must reach while the vein is reported closed to be a clear closure (not an
 * unclear one, see `unclearClosure`): closedHoldLevel, or closedLevel where that is lower (the
 * `peak` and `sustained` rules do not bound closedHoldLevel by closedLevel).
 */
export function clearClosureLevel(p: CompressibilityParams): number {
  return Math.min(p.closedHoldLevel, p.closedLevel);
}

function clearClosureLabel(p: CompressibilityParams): string {
  return p.closedHoldLevel <= p.closedLevel ? `closedHoldLevel ${p.closedHoldLevel}` : `closedLevel ${p.closedLevel}`;
}

/** The vein was reported closed, but the level never reached `clearClosureLevel` while it was. */
export function isUnclearClosure(v: Visit, p: CompressibilityParams): boolean {
  return v.everClosed && v.bestClosedLevel < clearClosureLevel(p);
}

/** The landmark is no longer held: start the grace period. */
export function markLost(visit: Visit, nowMs: number, now: string): { visit: Visit; reason: string } {
  return note(
    { ...visit, lost: true, closedSinceMs: undefined, confidentSinceMs: undefined, ignoringClosure: false },
    nowMs,
    `lost (now ${now}), grace period starts`,
  );
}

/** The landmark came back within the grace period. */
export function regain(visit: Visit, nowMs: number): { visit: Visit; reason: string } {
  return note({ ...visit, lost: false, heldSinceMs: nowMs, interrupted: false }, nowMs, `back after ${formatS(nowMs - visit.lastHeldMs)} away`);
}

/** The verdict the visit has earned so far, with the reason. Used at the end and for live provisional verdicts. */
export function judgeVisit(v: Visit, p: CompressibilityParams): { verdict: VisitVerdict; reason: string } {
  const held = formatS(v.heldMs);
  // Noise first: a noisy visit must never be called compressible.
  if (v.heldMs > 0 && v.uncertainMs / v.heldMs > p.maxUncertainFraction) {
    const pct = Math.round((100 * v.uncertainMs) / v.heldMs);
    return {
      verdict: 'inconclusive',
      reason: `too noisy: pClosed level within ${p.uncertainBand} of 0.5 for ${pct}% of ${held} held (> maxUncertainFraction ${p.maxUncertainFraction})`,
    };
  }
  if (v.compressibleAtMs !== undefined) {
    return { verdict: 'compressible', reason: `vein closed for >= ${p.minClosedS} s ${closureRule(p)} while ${v.landmark} was held` };
  }
  // An unclear closure (level never at closedHoldLevel while closed) either makes the visit
  // inconclusive or, with unclearClosure `not-closed`, counts as no closure at all.
  const unclear = v.everClosed && isUnclearClosure(v, p);
  if (v.everClosed && !(unclear && p.unclearClosure === 'not-closed')) {
    return {
      verdict: 'inconclusive',
      reason:
        `vein reported closed, but not for minClosedS ${p.minClosedS} s ${closureRule(p)} ` +
        `(longest closure ${formatS(v.longestClosedMs)}, of it counted ${formatS(v.longestCountedMs)}; ` +
        `highest level while closed ${v.bestClosedLevel.toFixed(2)})` +
        (unclear ? `; an unclear closure (never at ${clearClosureLabel(p)} while closed; unclearClosure inconclusive)` : ''),
    };
  }
  const neverClosed = unclear
    ? `the vein was reported closed only unclearly (highest level while closed ${v.bestClosedLevel.toFixed(2)} ` +
      `< ${clearClosureLabel(p)}; unclearClosure not-closed: counted as never closed)`
    : 'the vein never closed';
  const ignoredNote =
    v.ignoredClosures > 0
      ? ` (${v.ignoredClosures} closure${v.ignoredClosures > 1 ? 's' : ''} before the vein was seen open at ${v.landmark} ignored: openBeforeClosure)`
      : '';
  if (p.notCompressibleNeedsOpen && (v.cycles >= p.minCycles || v.heldMs >= p.notCompressibleAfterS * 1000)) {
    // "Seen open, then pressed without closing": only what came after the vein was seen open counts.
    const afterOpen = formatS(v.heldAfterOpenMs);
    if (v.openSeenFromMs === undefined) {
      return {
        verdict: 'inconclusive',
        reason:
          `the vein was never seen open at ${v.landmark} (longest open ${formatS(v.openSureMs)} < commitS ${p.commitS} s; ` +
          `held ${held}, ${v.cycles} compression cycles): a vein that never reads open is no evidence of a clot ` +
          `(notCompressibleNeedsOpen)${ignoredNote}`,
      };
    }
    if (v.cyclesAfterOpen < p.minCycles && v.heldAfterOpenMs < p.notCompressibleAfterS * 1000) {
      return {
        verdict: 'inconclusive',
        reason:
          `too short after the vein was seen open at ${v.landmark}: held ${afterOpen} of ${held} after it ` +
          `(< notCompressibleAfterS ${p.notCompressibleAfterS} s) with ${v.cyclesAfterOpen} compression cycles ` +
          `(< minCycles ${p.minCycles}), and ${neverClosed} (notCompressibleNeedsOpen)${ignoredNote}`,
      };
    }
  }
  if (v.cycles >= p.minCycles) {
    return {
      verdict: 'not-compressible',
      reason: `${v.cycles} compression cycles (>= minCycles ${p.minCycles}) and ${neverClosed}${ignoredNote}`,
    };
  }
  if (v.heldMs >= p.notCompressibleAfterS * 1000) {
    return {
      verdict: 'not-compressible',
      reason: `${v.landmark} held ${held} (>= notCompressibleAfterS ${p.notCompressibleAfterS} s) and ${neverClosed}${ignoredNote}`,
    };
  }
  if (unclear) {
    return {
      verdict: 'inconclusive',
      reason: `too short: held ${held} (< notCompressibleAfterS ${p.notCompressibleAfterS} s) with ${v.cycles} compression cycles (< minCycles ${p.minCycles}), and ${neverClosed}`,
    };
  }
  return {
    verdict: 'inconclusive',
    reason: `too short: held ${held} (< notCompressibleAfterS ${p.notCompressibleAfterS} s) with ${v.cycles} compression cycles (< minCycles ${p.minCycles})${ignoredNote}`,
  };
}
