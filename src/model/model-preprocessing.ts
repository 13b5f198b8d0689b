/**
 * The preprocessing between a screen and the shipped model: the stages before
 * `sliding-window` in the shipped pipelines that run the model, and the ones training
 * builds its sets behind by default (src/train/preprocessing.ts), the labeller's pre-labels
 * and the bench run. One home, so that they cannot drift apart.
 *
 * crop-pad 600 blanks what lies outside the B-mode region (burned-in text included) and cuts
 * 600 screen pixels around it; resize 150 makes that the model's input. `field-of-view` (the
 * same window in mm where the spacing is known) passed its accuracy rule but not its cost
 * rule: docs/verdict-runs/2026-12-08-field-of-view-rule.md.
 */
import type { UnitConfig } from '../core/config/pipeline-schema.js';

export const MODEL_PREPROCESSING: readonly UnitConfig[] = [
  { type: 'crop-pad', size: 600 },
  { type: 'resize', size: 150 },
];

/** In words, for model cards and messages. */
export const MODEL_PREPROCESSING_TEXT = 'crop-pad 600, resize 150';
