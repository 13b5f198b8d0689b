/**
 * The parameters every unit that runs an ONNX model shares (onnx-inference, saliency):
 * providers in order, the fallback policy, threads, spin-waiting and warm-up. One definition, so
 * the two stages cannot drift apart.
 */
import { z } from 'zod';
import { PROVIDERS, type Provider } from './open-session.js';

export const sessionOptionsShape = {
  providers: z
    .array(z.enum(PROVIDERS as [Provider, ...Provider[]]))
    .min(1)
    .default(['cpu'])
    .describe('Execution providers to try, in order; cpu and webgpu ship with onnxruntime-node.'),
  onFallback: z.enum(['warn', 'error']).default('warn').describe('What happens when an earlier provider cannot start: warn and use the next, or fail.'),
  threads: z.number().int().min(0).max(256).default(0).describe('Intra-op threads (0 lets onnxruntime choose).'),
  spinWait: z
    .boolean()
    .default(false)
    .describe(
      "Let onnxruntime's idle CPU threads spin-wait (its own default) instead of sleeping; spinning takes CPU from decoding and preprocessing on small machines.",
    ),
  warmup: z.boolean().default(true).describe('Run the model once before the first frame flows.'),
};

/** What opening a session takes from a stage's config (the shape above, less warm-up). */
export interface SessionChoice {
  providers: Provider[];
  onFallback: 'warn' | 'error';
  threads: number;
  spinWait: boolean;
}

/** The session settings of a parsed stage config: one place, so a new option reaches every session. */
export function sessionChoiceOf(config: SessionChoice): SessionChoice {
  return { providers: config.providers, onFallback: config.onFallback, threads: config.threads, spinWait: config.spinWait };
}
