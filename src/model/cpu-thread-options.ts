/**
 * How onnxruntime's CPU threads behave, as session options. One place, so the stages
 * and the benchmark floors they are compared with use the same settings.
 *
 * Spin-waiting: by default onnxruntime's intra-op threads spin for a while after each
 * operator, waiting for the next one. On a machine with few cores that CPU time is
 * taken from everything else in the pipeline (decoding, preprocessing, OCR workers, a
 * second exam); `spinWait: false` (`session.intra_op.allow_spinning = 0`) makes them
 * sleep instead. docs/benchmarks.md measures both.
 */
import type { InferenceSession } from 'onnxruntime-node';

export interface CpuThreadOptions {
  /** Intra-op threads; 0 lets onnxruntime choose (one per core). */
  threads?: number;
  /** Let idle intra-op threads spin-wait (onnxruntime's default) or sleep. */
  spinWait?: boolean;
}

export function cpuThreadSessionOptions(opts: CpuThreadOptions): InferenceSession.SessionOptions {
  const spin = opts.spinWait ?? false;
  return {
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    // Session config entries (SessionOptionsAppendConfigEntry); values are strings.
    extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' }, inter_op: { allow_spinning: spin ? '1' : '0' } } },
  };
}
