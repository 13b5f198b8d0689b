/**
 * The object `autodvt run --json` prints when the run ends: the exit code, what ran
 * (frames, events, warnings, drops, time), each exam's verdict, and the error when it
 * failed. It holds exam ids and verdicts only: no file path, header field or recognised
 * text, so it can be logged wherever the run's output goes.
 */
import type { ExamEvent, PipelineEvent } from '../core/events.js';
import type { RunResult } from '../pipeline.js';
import type { BatchSummary } from '../batch/run-batch.js';

type ExamSummary = Pick<ExamEvent, 'examId' | 'frames' | 'durationMs' | 'verdict' | 'landmarks' | 'incompleteReason' | 'inDistribution'>;

export class RunSummary {
  private readonly exams: ExamSummary[] = [];

  add(event: PipelineEvent): void {
    if (event.kind !== 'exam') return;
    const { examId, frames, durationMs, verdict, landmarks, incompleteReason, inDistribution } = event;
    this.exams.push({ examId, frames, durationMs, verdict, landmarks, incompleteReason, inDistribution });
  }

  toJson(exitCode: number, extra: { run?: RunResult; batch?: BatchSummary; error?: unknown } = {}): Record<string, unknown> {
    const { run, batch, error } = extra;
    return {
      ok: exitCode === 0,
      exitCode,
      ...(run
        ? {
            frames: run.frames,
            events: run.events,
            warnings: run.warnings,
            dropped: run.dropped,
            durationMs: Math.round(run.durationMs),
            configWarnings: run.configWarnings,
          }
        : {}),
      ...(batch ? { batch } : { exams: this.exams }),
      ...(error ? { error } : {}),
    };
  }
}
