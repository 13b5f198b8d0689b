/**
 * Parameters of the compressibility stage. Every duration is in seconds of
 * presentation time (ptsMs), never in frames, so one configuration means the same
 * at 15 and 30 fps. The schema is the spec: bounds, defaults and docs live here.
 */
import { z } from 'zod';

const seconds = (max: number) => z.number().finite().min(0).max(max);
const positiveSeconds = (max: number) => z.number().finite().positive().max(max);
const probability = () => z.number().finite().min(0).max(1);

export const compressibilitySchema = z
  .object({
    smoother: z
      .enum(['hmm', 'ema', 'hysteresis'])
      .default('hmm')
      .describe(
        'Temporal smoother for landmark and vein probabilities: `hmm` (online forward filter with sticky ' +
          'transitions), `ema` (exponential moving average) or `hysteresis` (enter/exit thresholds on the raw ' +
          'probabilities). Every smoother is followed by the `commitS` minimum dwell.',
      ),
    landmarkDwellS: positiveSeconds(60).default(2).describe('hmm: expected time (s) the probe stays on one landmark (or off landmarks) before moving.'),
    veinDwellS: positiveSeconds(60).default(0.75).describe('hmm: expected time (s) the vein stays open or closed; a compression closes it for under a second.'),
    evidenceS: positiveSeconds(10)
      .default(0.2)
      .describe(
        'hmm: seconds of video worth one independent observation. Each frame weighs dt / evidenceS, so a ' +
          'second of video carries the same evidence at any frame rate. Smaller = trusts the network more.',
      ),
    emaS: positiveSeconds(10).default(0.2).describe('ema: time constant (s) of the moving average.'),
    enter: z.number().finite().gt(0).max(1).default(0.7).describe('hysteresis: probability a class must reach to take over from the reported class.'),
    exit: probability().default(0.4).describe('hysteresis: the reported class is kept while its probability stays at or above this.'),
    commitS: positiveSeconds(5)
      .default(0.2)
      .describe(
        'Minimum dwell (s): a new landmark or vein state is reported only after the smoother has favoured it ' +
          'for this long. A single frame never changes the state. With closedLevelHold `two-level`, the pClosed ' +
          'level must also stay at or above `closedLevel` this long to count as having reached it.',
      ),
    minVisitS: seconds(30).default(0.5).describe('A landmark visit starts once LM1 or LM2 has been held this long (s).'),
    graceS: seconds(30).default(1).describe('A visit ends when its landmark has been lost for longer than this (s), or when no frame came for as long.'),
    // Defaults of minClosedS, notCompressibleAfterS, cycleDelta, uncertainBand,
    // maxUncertainFraction, closedLevel, closedLevelHold and closedHoldLevel were tuned by replaying
    // the shipped model's predictions on 100 phantom exams (scripts/replay-verdicts.ts, seed 700000),
    // safety first (no clot called compressible); checked on 50 held-out exams (seed 800000) and 100
    // blind ones (seed 1300000). unclearClosure was chosen by a rule fixed before measuring a fresh
    // set (seed 1400000). openBeforeClosure: off with the stage 4 model (it lost one exam on fresh
    // seeds 1700000 + 1750000, session 5); on with the stage 6 model, by a rule fixed before seed
    // 2000000 was recorded (session 6). See docs/compressibility.md.
    minClosedS: seconds(10).default(0.3).describe('The visit is `compressible` once the vein has stayed closed this long (s) while the landmark is held.'),
    notCompressibleAfterS: positiveSeconds(120)
      .default(3)
      .describe('A visit whose landmark was held this long (s) without the vein ever closing is `not-compressible`.'),
    minCycles: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(2)
      .describe('A visit with this many compression cycles and no vein closure is `not-compressible`, however short.'),
    levelS: positiveSeconds(10)
      .default(0.2)
      .describe(
        'Time constant (s) of the pClosed level: a moving average of the raw pClosed, used to count compression ' + 'cycles and noise whatever the smoother.',
      ),
    cycleDelta: z
      .number()
      .finite()
      .gt(0)
      .lt(1)
      .default(0.2)
      .describe(
        'A compression cycle is the pClosed level rising by at least this above its low point and falling back ' +
          'by as much, each held for `commitS`. Relative, so it does not depend on the baseline for an open vein.',
      ),
    uncertainBand: z
      .number()
      .finite()
      .min(0)
      .max(0.5)
      .default(0.25)
      .describe('The vein reading is uncertain while the pClosed level is within this distance of 0.5.'),
    closedLevel: z
      .number()
      .finite()
      .min(0.5)
      .max(1)
      .default(0.9)
      .describe(
        'The pClosed level a closure must reach to count towards `compressible`. ' +
          'Higher values demand a clearly closed vein: a clotted vein pressed flat can read as half-closed.',
      ),
    closedLevelHold: z
      .enum(['peak', 'sustained', 'two-level'])
      .default('two-level')
      .describe(
        '`peak`: the closure counts once its level has reached `closedLevel` at any time; `sustained`: only the time ' +
          'with the level at or above `closedLevel` counts towards `minClosedS`; `two-level`: a hysteresis, the time ' +
          'with the level at or above `closedHoldLevel` counts, in a run of the level that has reached `closedLevel`.',
      ),
    closedHoldLevel: z
      .number()
      .finite()
      .min(0.5)
      .max(1)
      .default(0.7)
      .describe(
        'closedLevelHold `two-level`: the level a closure must stay at or above, once its run has reached ' +
          '`closedLevel`, for its time to count towards `minClosedS`. Must not exceed `closedLevel` (with `two-level`).',
      ),
    unclearClosure: z
      .enum(['inconclusive', 'not-closed'])
      .default('not-closed')
      .describe(
        'What an unclear closure means: the vein was reported closed during the visit, but the pClosed level ' +
          'never reached `closedHoldLevel` (or `closedLevel`, if lower) while it was closed, and the visit is not ' +
          '`compressible`. `inconclusive`: the visit is `inconclusive` ("reported closed, not clearly"). ' +
          '`not-closed`: such a closure counts as no closure, so the visit falls through to the never-closed ' +
          'rules (`minCycles` cycles or held `notCompressibleAfterS`: `not-compressible`; else too short). ' +
          'A closure whose level did reach `closedHoldLevel` without becoming compressible stays `inconclusive` either way.',
      ),
    openBeforeClosure: z
      .boolean()
      .default(true)
      .describe(
        'A closure counts only if the vein was reported open at this landmark, during the visit, for at least `commitS` ' +
          'before the closure began ("find the vein open, then press"). A vein already closed when the landmark is first reported (a press ' +
          'carried over from the scene before, or a landmark label that flipped mid-press) is then no evidence: such a ' +
          'closure is ignored, as if the vein had not been seen closed.',
      ),
    notCompressibleNeedsOpen: z
      .boolean()
      .default(true)
      .describe(
        'A visit is `not-compressible` only if the vein was seen open at the landmark (reported open for at least ' +
          '`commitS` while held) and then held `notCompressibleAfterS`, or pressed `minCycles` times, without closing, ' +
          'both counted from when it was seen open. A vein that reads closed from its first frame, or never reads ' +
          'open, is `inconclusive`, not a clot: non-vein input (a heart chamber, a shadow) must not make "refer".',
      ),
    maxUncertainFraction: probability().default(0.7).describe('A visit uncertain for more than this fraction of its held time is `inconclusive` (too noisy).'),
    maxGapS: positiveSeconds(10).default(0.5).describe('Frame intervals longer than this (dropped frames, pauses) count as this long for smoothing.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.closedLevelHold === 'two-level' && c.closedHoldLevel > c.closedLevel) {
      ctx.addIssue({
        code: 'custom',
        path: ['closedHoldLevel'],
        message: `closedHoldLevel (${c.closedHoldLevel}) must not exceed closedLevel (${c.closedLevel})`,
      });
    }
    if (c.exit >= c.enter) {
      ctx.addIssue({
        code: 'custom',
        path: ['exit'],
        message: `exit (${c.exit}) must be below enter (${c.enter}): otherwise there is no hysteresis`,
      });
    }
  })
  .describe('Parameters of the compressibility stage (all durations in seconds).');

export type CompressibilityParams = z.output<typeof compressibilitySchema>;

/** The defaults, as a complete parameter object. */
export const defaultCompressibilityParams: CompressibilityParams = compressibilitySchema.parse({});
