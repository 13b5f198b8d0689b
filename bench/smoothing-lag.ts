/**
 * Added lag of each compressibility smoother (hmm, ema, hysteresis), with the
 * stage's default parameters (minimum dwell included).
 *
 *   npx tsx bench/smoothing-lag.ts                      synthetic noisy steps
 *   npx tsx bench/smoothing-lag.ts predictions.jsonl    recorded prediction events
 *                                                       with ground-truth labels (phantom exams)
 *
 * Synthetic: piecewise-constant truth (segments 2-4 s), readings = the true class at
 * a mean probability plus Gaussian noise, with a fraction of frames replaced by
 * uniform random values (flicker); a clean and a hard setting, at 15 and 30 fps. Lag = time from the true change to the reported
 * change; a reported change that matches no true change is counted as spurious.
 */
import { readFileSync } from 'node:fs';
import type { PredictionEvent } from '../src/core/events.js';
import { LANDMARKS } from '../src/core/events.js';
import { defaultCompressibilityParams as d } from '../src/stages/compressibility/params.js';
import type { SmootherKind } from '../src/stages/compressibility/smoothing/tracker.js';
import { createTracker } from '../src/stages/compressibility/smoothing/tracker.js';
import { seededRandom } from '../test/stages/compressibility/prediction-stream.js';

interface Frame {
  tS: number;
  probs: number[];
  truth: number;
}

const KINDS: SmootherKind[] = ['hmm', 'ema', 'hysteresis'];

function tracker(kind: SmootherKind, classes: number) {
  return createTracker({
    smoother: kind,
    classes,
    dwellS: classes === 3 ? d.landmarkDwellS : d.veinDwellS,
    evidenceS: d.evidenceS,
    emaS: d.emaS,
    enter: d.enter,
    exit: d.exit,
    commitS: d.commitS,
  });
}

/** Lags (s) of reported changes after true changes, and the number of spurious changes. */
function measure(kind: SmootherKind, classes: number, frames: readonly Frame[]) {
  const t = tracker(kind, classes);
  let state = t.initial;
  const lags: number[] = [];
  let spurious = 0;
  let pendingChangeS: number | undefined;
  let pendingTruth = frames[0]?.truth;
  let reported: number | undefined;
  frames.forEach((f, i) => {
    if (i > 0 && f.truth !== frames[i - 1]!.truth) {
      pendingChangeS = f.tS;
      pendingTruth = f.truth;
    }
    const r = t.step(state, f.probs, i === 0 ? 0 : f.tS - frames[i - 1]!.tS, f.tS * 1000);
    state = r.state;
    if (!r.changed) return;
    const was = reported;
    reported = state.commit.committed;
    if (was === undefined) return; // the first report is not a change
    if (pendingChangeS !== undefined && reported === pendingTruth) {
      lags.push(f.tS - pendingChangeS);
      pendingChangeS = undefined;
    } else {
      spurious++;
    }
  });
  return { lags, spurious };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface Noise {
  /** Mean probability of the true class. */
  level: number;
  sd: number;
  /** Fraction of frames replaced by uniform random probabilities. */
  flicker: number;
}

/** Synthetic frames: truth classes in segments of 2-4 s, readings noisy around `level` for the true class. */
function synthetic(classes: number, fps: number, seconds: number, seed: number, noise: Noise): Frame[] {
  const random = seededRandom(seed);
  const frames: Frame[] = [];
  let truth = 0;
  let nextChangeS = 2 + 2 * random();
  for (let i = 0; i < seconds * fps; i++) {
    const tS = i / fps;
    if (tS >= nextChangeS) {
      truth = (truth + 1 + Math.floor(random() * (classes - 1))) % classes;
      nextChangeS += 2 + 2 * random();
    }
    let probs: number[];
    if (random() < noise.flicker) {
      probs = Array.from({ length: classes }, () => random());
    } else {
      const main = Math.min(1, Math.max(0, noise.level + noise.sd * gaussian(random)));
      probs = Array.from({ length: classes }, (_, c) => (c === truth ? main : (1 - main) / (classes - 1)));
    }
    const sum = probs.reduce((a, b) => a + b, 0) || 1;
    frames.push({ tS, probs: probs.map((p) => p / sum), truth });
  }
  return frames;
}

/** Frames from recorded prediction events (JSON lines) that carry ground-truth labels. */
function recorded(file: string): { landmark: Frame[]; vein: Frame[] } {
  const events = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as PredictionEvent)
    .filter((e) => e.kind === 'prediction');
  const landmark = events
    .filter((e) => e.labels?.landmark !== undefined)
    .map((e) => ({ tS: e.ptsMs / 1000, probs: LANDMARKS.map((l) => e.landmark[l]), truth: LANDMARKS.indexOf(e.labels!.landmark!) }));
  const vein = events
    .filter((e) => e.labels?.open !== undefined)
    .map((e) => ({ tS: e.ptsMs / 1000, probs: [1 - e.pClosed, e.pClosed], truth: e.labels!.open ? 0 : 1 }));
  return { landmark, vein };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

function report(label: string, signals: { name: string; classes: number; frames: Frame[] }[]) {
  console.log(`\n${label}`);
  console.log('| signal | smoother | changes | mean lag (s) | median (s) | p95 (s) | spurious / min |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { name, classes, frames } of signals) {
    const minutes = frames.length ? (frames.at(-1)!.tS - frames[0]!.tS) / 60 : 0;
    for (const kind of KINDS) {
      const { lags, spurious } = measure(kind, classes, frames);
      const mean = lags.reduce((a, b) => a + b, 0) / (lags.length || 1);
      console.log(
        `| ${name} | ${kind} | ${lags.length} | ${mean.toFixed(3)} | ${quantile(lags, 0.5).toFixed(3)} | ${quantile(lags, 0.95).toFixed(3)} | ${(spurious / (minutes || 1)).toFixed(2)} |`,
      );
    }
  }
}

const file = process.argv[2];
if (file) {
  const { landmark, vein } = recorded(file);
  report(`recorded: ${file}`, [
    { name: 'landmark', classes: 3, frames: landmark },
    { name: 'vein', classes: 2, frames: vein },
  ]);
} else {
  const minutes = 30;
  const noises: [string, Noise][] = [
    ['clean: true class ~0.85, sd 0.15, 5% flicker', { level: 0.85, sd: 0.15, flicker: 0.05 }],
    ['hard: true class ~0.7, sd 0.25, 15% flicker', { level: 0.7, sd: 0.25, flicker: 0.15 }],
  ];
  for (const [name, noise] of noises) {
    for (const fps of [15, 30]) {
      report(`synthetic ${name}; ${fps} fps, ${minutes} min per signal`, [
        { name: 'landmark', classes: 3, frames: synthetic(3, fps, minutes * 60, 1, noise) },
        { name: 'vein', classes: 2, frames: synthetic(2, fps, minutes * 60, 2, noise) },
      ]);
    }
  }
}
