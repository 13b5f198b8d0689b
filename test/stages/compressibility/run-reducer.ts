/** Folds the reducer over a list of events, as the operator would. */
import type { ExamEvent, PipelineEvent, StateEvent, VerdictEvent } from '../../../src/core/events.js';
import type { CompressibilityParams } from '../../../src/stages/compressibility/params.js';
import { compressibilitySchema } from '../../../src/stages/compressibility/params.js';
import type { Compressibility, CompressibilityState } from '../../../src/stages/compressibility/reducer.js';
import { createCompressibility } from '../../../src/stages/compressibility/reducer.js';

/**
 * The noise and closure settings these tests were designed around (the generic ones).
 * The shipped defaults are tuned to the shipped model (docs/compressibility.md); the
 * state machine's properties are tested here for this fixed, documented setting.
 */
export const GENERIC_TUNING: Partial<CompressibilityParams> = {
  minClosedS: 0.3,
  notCompressibleAfterS: 5,
  cycleDelta: 0.15,
  uncertainBand: 0.1,
  maxUncertainFraction: 0.5,
  // the closure rule before closedLevel existed: the peak level must reach 0.5 + uncertainBand
  closedLevel: 0.6,
  closedLevelHold: 'peak',
};

export function machine(overrides: Partial<CompressibilityParams> = {}): Compressibility {
  return createCompressibility(compressibilitySchema.parse({ ...GENERIC_TUNING, ...overrides }));
}

export function runReducer(m: Compressibility, events: readonly PipelineEvent[]): { state: CompressibilityState; outputs: PipelineEvent[] } {
  let state = m.initial;
  const outputs: PipelineEvent[] = [];
  for (const event of events) {
    const [next, out] = m.reduce(state, event);
    state = next;
    outputs.push(...out);
  }
  return { state, outputs };
}

export const verdicts = (events: readonly PipelineEvent[]) => events.filter((e): e is VerdictEvent => e.kind === 'verdict');
export const states = (events: readonly PipelineEvent[]) => events.filter((e): e is StateEvent => e.kind === 'state');
export const exams = (events: readonly PipelineEvent[]) => events.filter((e): e is ExamEvent => e.kind === 'exam');

/** The part of a verdict that must not depend on frame rate: which landmark, which verdict. */
export const verdictSummary = (events: readonly PipelineEvent[]) => verdicts(events).map((v) => `${v.landmark}:${v.verdict}`);
