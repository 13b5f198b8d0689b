/**
 * The run's live accounting, turned into `metrics` events: frames in / processed /
 * dropped, queue depth, end-to-end latency and time per stage.
 *
 * End-to-end latency of a frame runs from its capture (`captureTimeMs`, set by the
 * source from the pipeline clock) to the moment the last event derived from it (its
 * window, prediction or state, matched by `seq`) reaches the sinks. Only frames whose
 * last event is the pipeline's final kind count (`state` after compressibility,
 * `prediction` after onnx-inference, ...): the first frames of a window, which give
 * no prediction, would otherwise flatter the percentiles. Durations are measured on
 * the monotonic clock from the moment the source emitted the frame, plus any age the
 * frame already had then.
 *
 * Time per stage is the residence time in that stage, queueing included: from the
 * last event of a frame entering the stage (the frame itself, or its window, or its
 * prediction) to the last event with its seq leaving it. So onnx-inference is timed
 * from its window to its prediction, and a stage after it is not charged for the wait.
 *
 * Dropped frames are counted where they vanish: `droppedByQueue` (the live queue's
 * policy) and `droppedByStages` (a stage that swallows frames, e.g. text removal
 * before its first OCR result); `dropped` is their sum, so at the end of a run
 * framesIn = framesProcessed + dropped, exactly.
 *
 * Everything here is bounded: per-frame records are released as soon as a later
 * frame passes (stages keep order), and percentiles come from fixed histograms.
 */
import { LatencyHistogram } from './latency-histogram.js';
import type { LiveQueueStats } from './live-queue.js';
import type { Clock } from '../core/context.js';
import type { EventKind, MetricsEvent, PipelineEvent } from '../core/events.js';

export type ResultKind = Extract<EventKind, 'frame' | 'window' | 'prediction' | 'state'>;

export interface LiveMetricsOptions {
  clock: Clock;
  /** The last kind of event a frame gives in this pipeline. */
  resultKind: ResultKind;
  /** Stage ids, in order (used in counter names: `stageMs.<id>.p50`). */
  stageIds: string[];
  queue?: LiveQueueStats;
  latencyBudgetMs?: number;
  warn?(message: string, extra?: { seq?: number; examId?: string }): void;
  /** Minimum time between two budget warnings (default 5000). */
  warnEveryMs?: number;
  /** Heap and RSS in MB (default: process.memoryUsage()). */
  memory?: () => { heapUsedMB: number; rssMB: number };
}

function seqOf(event: PipelineEvent): number | undefined {
  switch (event.kind) {
    case 'frame':
    case 'window':
    case 'prediction':
    case 'state':
      return event.seq;
    default:
      return undefined;
  }
}

/** Residence time of frames in one stage. */
export class StageTimer {
  readonly histogram = new LatencyHistogram();
  private entered = new Map<number, number>();
  private lastExit = new Map<number, number>();

  constructor(private readonly clock: Clock) {}

  before(event: PipelineEvent): void {
    const seq = seqOf(event);
    if (seq === undefined) return;
    if (event.kind !== 'frame' && !this.entered.has(seq)) return;
    this.entered.set(seq, this.clock.monotonic());
  }

  after(event: PipelineEvent): void {
    const seq = seqOf(event);
    if (seq === undefined || !this.entered.has(seq)) return;
    this.lastExit.set(seq, this.clock.monotonic());
    if (event.kind === 'frame') this.settleBefore(seq);
  }

  /** Every frame still open is done (the stream ended). */
  finish(): void {
    this.settleBefore(Infinity);
  }

  private settleBefore(seq: number): void {
    for (const [s, t0] of this.entered) {
      if (s >= seq) break;
      const t1 = this.lastExit.get(s);
      if (t1 !== undefined) this.histogram.record(t1 - t0);
      this.entered.delete(s);
      this.lastExit.delete(s);
    }
  }
}

interface Pending {
  kind: PipelineEvent['kind'];
  latencyMs: number;
  examId?: string;
}

export class LiveMetrics {
  private readonly total = new LatencyHistogram();
  private readonly recent = new LatencyHistogram();
  readonly stages: StageTimer[];
  private readonly origin = new Map<number, number>();
  private readonly pending = new Map<number, Pending>();
  /** Frames handed to the stages that have not reached the sinks yet. */
  private readonly admitted = new Set<number>();
  private droppedByStages = 0;
  private framesIn = 0;
  private framesProcessed = 0;
  private overBudget = 0;
  private lastBudgetWarnAt = -Infinity;

  constructor(private readonly options: LiveMetricsOptions) {
    this.stages = options.stageIds.map(() => new StageTimer(options.clock));
  }

  get processed(): number {
    return this.framesProcessed;
  }

  /** Frames dropped so far, by the queue and by stages. */
  get dropped(): number {
    return (this.options.queue?.dropped ?? 0) + this.droppedByStages;
  }

  /** A frame left the source (before any queue). */
  fromSource(event: PipelineEvent): void {
    if (event.kind !== 'frame') return;
    this.framesIn++;
    const { clock } = this.options;
    const age = event.captureTimeMs === undefined ? 0 : Math.max(0, clock.now() - event.captureTimeMs);
    this.origin.set(event.seq, clock.monotonic() - age);
  }

  /** A frame went on to the first stage (after the live queue, if any). */
  intoStages(event: PipelineEvent): void {
    if (event.kind === 'frame') this.admitted.add(event.seq);
  }

  /** An event reached the sinks. */
  atSinks(event: PipelineEvent): void {
    const seq = seqOf(event);
    if (seq === undefined) return;
    const t0 = this.origin.get(seq);
    if (event.kind === 'frame') {
      this.framesProcessed++;
      this.admitted.delete(seq);
      this.settleBefore(seq);
    }
    if (t0 === undefined) return;
    const examId = event.kind === 'frame' ? event.source.examId : (event as { examId?: string }).examId;
    this.pending.set(seq, { kind: event.kind, latencyMs: this.options.clock.monotonic() - t0, examId });
  }

  /** The stream ended: every frame still open is done. */
  finish(): void {
    this.settleBefore(Infinity);
    for (const s of this.stages) s.finish();
  }

  /** A metrics event; `final` covers the whole run, otherwise `recentP99Ms` covers the time since the last one. */
  snapshot(final = false): MetricsEvent {
    const { queue, latencyBudgetMs } = this.options;
    const counters: Record<string, number> = {
      framesIn: this.framesIn,
      framesProcessed: this.framesProcessed,
      dropped: (queue?.dropped ?? 0) + this.droppedByStages,
      droppedByQueue: queue?.dropped ?? 0,
      droppedByStages: this.droppedByStages,
      queueDepth: queue?.queueDepth ?? 0,
      queueDepthMax: queue?.queueDepthMax ?? 0,
      inFlight: this.admitted.size,
      latencySamples: this.total.count,
    };
    if (!final) {
      const recent = this.recent.percentiles();
      if (recent) counters.recentP99Ms = recent.p99;
      this.recent.reset();
    }
    if (latencyBudgetMs !== undefined) counters.overBudget = this.overBudget;
    this.options.stageIds.forEach((id, i) => {
      const p = this.stages[i]!.histogram.percentiles();
      if (p) {
        counters[`stageMs.${id}.p50`] = p.p50;
        counters[`stageMs.${id}.p99`] = p.p99;
      }
    });
    const mem = (this.options.memory ?? processMemory)();
    counters.heapUsedMB = mem.heapUsedMB;
    counters.rssMB = mem.rssMB;
    const latencyMs = this.total.percentiles();
    return { kind: 'metrics', atMs: this.options.clock.now(), counters, ...(latencyMs ? { latencyMs } : {}) };
  }

  private settleBefore(seq: number): void {
    for (const [s, p] of this.pending) {
      if (s >= seq) break;
      this.pending.delete(s);
      if (p.kind === this.options.resultKind) this.record(s, p);
    }
    for (const s of this.origin.keys()) {
      if (s >= seq) break;
      this.origin.delete(s);
    }
    // Stages keep order: an admitted frame older than one that reached the sinks was swallowed.
    for (const s of this.admitted) {
      if (s >= seq) break;
      this.admitted.delete(s);
      this.droppedByStages++;
    }
  }

  private record(seq: number, p: Pending): void {
    this.total.record(p.latencyMs);
    this.recent.record(p.latencyMs);
    const budget = this.options.latencyBudgetMs;
    if (budget === undefined || p.latencyMs <= budget) return;
    this.overBudget++;
    const now = this.options.clock.monotonic();
    if (now - this.lastBudgetWarnAt < (this.options.warnEveryMs ?? 5000)) return;
    this.lastBudgetWarnAt = now;
    this.options.warn?.(
      `frame ${seq} took ${p.latencyMs.toFixed(1)} ms from capture to its ${p.kind}, over latencyBudgetMs ${budget} (${this.overBudget} frame${this.overBudget === 1 ? '' : 's'} over budget so far)`,
      { seq, examId: p.examId },
    );
  }
}

function processMemory(): { heapUsedMB: number; rssMB: number } {
  const m = process.memoryUsage();
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  return { heapUsedMB: mb(m.heapUsed), rssMB: mb(m.rss) };
}
