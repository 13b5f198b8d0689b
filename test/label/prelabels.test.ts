import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, type LoopFrameLabel } from '../../src/label/frame-labels.js';
import { acceptPredictionEdits, loopUncertainty, predictedLabels, predictedRuns } from '../../src/label/prelabels.js';
import type { FramePrediction } from '../../src/label/loop-predictions.js';

const prediction: fc.Arbitrary<FramePrediction> = fc
  .tuple(
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([a, b, c, pClosed]) => ({ landmark: { BG: a / (a + b + c), LM1: b / (a + b + c), LM2: c / (a + b + c) }, pClosed }));
const frameLabel: fc.Arbitrary<LoopFrameLabel> = fc.oneof(
  fc.record({ landmark: fc.constantFrom('BG', 'LM1', 'LM2'), open: fc.boolean() }, { requiredKeys: [] }),
  fc.constant({ unusable: true } as LoopFrameLabel),
);
const loopWithPredictions = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(fc.array(frameLabel, { minLength: n, maxLength: n }), fc.array(fc.option(prediction, { nil: undefined }), { minLength: n, maxLength: n })),
  );

describe('pre-labels', () => {
  it("a frame's pre-label is the most probable landmark, and open when P(closed) < 0.5", () => {
    expect(
      predictedLabels([{ landmark: { BG: 0.2, LM1: 0.1, LM2: 0.7 }, pClosed: 0.8 }, undefined, { landmark: { BG: 0.5, LM1: 0.3, LM2: 0.2 }, pClosed: 0.1 }]),
    ).toEqual([{ landmark: 'LM2', open: false }, {}, { landmark: 'BG', open: true }]);
  });

  it("accepting keeps every label of the labeller's and fills exactly the gaps the model has a label for", () => {
    fc.assert(
      fc.property(loopWithPredictions, ([frames, predictions]) => {
        const after = applyEdits(frames, acceptPredictionEdits(frames, predictions));
        const predicted = predictedLabels(predictions);
        after.forEach((label, i) => {
          const own = frames[i]!;
          if (own.unusable) {
            expect(label).toEqual(own);
            return;
          }
          expect(label.landmark).toBe(own.landmark ?? predicted[i]!.landmark);
          expect(label.open).toBe(own.open ?? predicted[i]!.open);
        });
      }),
    );
  });

  it('accepting twice changes nothing the second time', () => {
    fc.assert(
      fc.property(loopWithPredictions, ([frames, predictions]) => {
        const once = applyEdits(frames, acceptPredictionEdits(frames, predictions));
        expect(acceptPredictionEdits(once, predictions)).toEqual([]);
      }),
    );
  });

  it("the model's runs cover the predicted frames on the landmark and vein tracks", () => {
    const p = (lm: 'BG' | 'LM1', pClosed: number): FramePrediction => ({
      landmark: { BG: lm === 'BG' ? 0.9 : 0.05, LM1: lm === 'LM1' ? 0.9 : 0.05, LM2: 0.05 },
      pClosed,
    });
    expect(predictedRuns([undefined, p('LM1', 0.1), p('LM1', 0.9), p('BG', 0.9)])).toEqual([
      { track: 'landmark', value: 'LM1', start: 1, end: 2 },
      { track: 'landmark', value: 'BG', start: 3, end: 3 },
      { track: 'vein', value: 'open', start: 1, end: 1 },
      { track: 'vein', value: 'closed', start: 2, end: 3 },
    ]);
  });

  it('uncertainty lies between 0 (sure of everything) and 2/3, and is undefined without predictions', () => {
    fc.assert(
      fc.property(fc.array(fc.option(prediction, { nil: undefined }), { maxLength: 30 }), (predictions) => {
        const u = loopUncertainty(predictions);
        if (predictions.every((p) => p === undefined)) expect(u).toBeUndefined();
        else {
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThanOrEqual(2 / 3 + 1e-9);
        }
      }),
    );
    const sure: FramePrediction = { landmark: { BG: 1, LM1: 0, LM2: 0 }, pClosed: 0 };
    const unsure: FramePrediction = { landmark: { BG: 0.4, LM1: 0.35, LM2: 0.25 }, pClosed: 0.55 };
    expect(loopUncertainty([sure, sure])).toBe(0);
    expect(loopUncertainty([unsure, sure])).toBeGreaterThan(loopUncertainty([sure, sure])!);
  });
});
