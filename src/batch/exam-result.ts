/**
 * The result of one exam, as written to `exams/<key>.json` in the run directory,
 * and the collector that builds it from the events of the exam's pipeline run.
 * A result is written only when the exam finished (ok) or failed for good; an
 * interrupted exam leaves no result and is redone by the next run.
 */
import { emptyConfusion, type Confusion } from '../evaluation/classification-metrics.js';
import { DISCLAIMER, type ExamEvent, type Landmark, type PipelineEvent, type VerdictEvent } from '../core/events.js';
import type { ConfigProblem, ErrorCategory } from '../core/errors.js';
import type { ModelRef } from './hashes.js';

export const RESULT_VERSION = 1;

export interface ExamResult {
  version: typeof RESULT_VERSION;
  /** The exam's key in the run (its result file name). */
  key: string;
  status: 'ok' | 'failed';
  input: {
    /** File path, or `<dicomweb url> study <uid> series <uid>`. */
    uri: string;
    kind: 'file' | 'dicomweb';
    source: string;
    /** Labels sidecar used, when one was. */
    labels?: string;
  };
  hashes: { input: string; model: string; pipeline: string };
  models: ModelRef[];
  /** Exam id(s) the source gave the stream. */
  examIds: string[];
  subjectId?: string;
  frames: number;
  predictions: number;
  /** Presentation time covered, ms. */
  mediaDurationMs: number;
  verdict?: ExamEvent['verdict'];
  landmarks?: ExamEvent['landmarks'];
  visits: Array<Pick<VerdictEvent, 'landmark' | 'verdict' | 'startMs' | 'endMs' | 'evidence'>>;
  /** Ground truth from the labels sidecar, when it has one. */
  truth?: { verdict?: string };
  warnings: { count: number; first: string[] };
  timing: { startedAt: string; finishedAt: string; wallMs: number; framesPerSecond: number };
  /** Confusion matrices of the predictions against frame labels (when labelled). */
  evaluation?: { landmark: Confusion; vein: Confusion; predictions: number };
  /** Why the exam failed, as data (`formatError` shows it): the message, the unit that raised it, the hint. */
  error?: { message: string; scope?: string; category: ErrorCategory | 'unknown'; hint?: string; problems?: ConfigProblem[] };
  /** Set by the queue worker: which worker and attempt produced the result. */
  worker?: { id: string; attempt: number };
  disclaimer: string;
}

const LM_INDEX: Record<Landmark, number> = { BG: 0, LM1: 1, LM2: 2 };
const MAX_WARNINGS_KEPT = 5;

/** Gathers what a result needs from the events reaching the sinks. */
export class ExamCollector {
  frames = 0;
  predictions = 0;
  mediaDurationMs = 0;
  readonly examIds: string[] = [];
  subjectId?: string;
  exam?: ExamEvent;
  readonly visits: ExamResult['visits'] = [];
  readonly warnings: string[] = [];
  warningCount = 0;
  private readonly landmark = emptyConfusion(3);
  private readonly vein = emptyConfusion(2);
  private labelled = 0;

  push(event: PipelineEvent): void {
    switch (event.kind) {
      case 'exam-start':
        if (!this.examIds.includes(event.examId)) this.examIds.push(event.examId);
        this.subjectId ??= event.subjectId;
        break;
      case 'frame':
        this.frames++;
        this.mediaDurationMs = Math.max(this.mediaDurationMs, event.ptsMs);
        break;
      case 'prediction': {
        this.predictions++;
        const p = event.landmark;
        const predicted = p.BG >= p.LM1 && p.BG >= p.LM2 ? 0 : p.LM1 >= p.LM2 ? 1 : 2;
        if (event.labels?.landmark) {
          this.landmark[LM_INDEX[event.labels.landmark]]![predicted]!++;
          this.labelled++;
        }
        if (event.labels?.open !== undefined) {
          this.vein[event.labels.open ? 0 : 1]![event.pClosed >= 0.5 ? 1 : 0]!++;
          this.labelled++;
        }
        break;
      }
      case 'verdict':
        this.visits.push({ landmark: event.landmark, verdict: event.verdict, startMs: event.startMs, endMs: event.endMs, evidence: event.evidence });
        break;
      case 'exam':
        this.exam = event;
        this.mediaDurationMs = Math.max(this.mediaDurationMs, event.durationMs);
        break;
      case 'warning':
        this.warningCount++;
        if (this.warnings.length < MAX_WARNINGS_KEPT) this.warnings.push(`[${event.scope}] ${event.message}`);
        break;
    }
  }

  evaluation(): ExamResult['evaluation'] {
    return this.labelled > 0 ? { landmark: this.landmark, vein: this.vein, predictions: this.predictions } : undefined;
  }
}

export { DISCLAIMER };
