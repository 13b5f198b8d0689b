/**
 * One exam's side of cross-exam batching: the same contract as `WindowBatcher`
 * (events come out in stream order, each window replaced by its prediction), but
 * windows go to a `CrossExamBatcher` shared by every exam of a batch run as soon as
 * they arrive, so one model call can hold windows of several exams.
 *
 * The exam holds at most `batchSize` windows without a result, as on its own; with
 * that many, at the end of an exam and at the end of the stream it waits (and tells
 * the shared batcher so). Events whose windows are done leave early. It attaches to the
 * shared batcher with its first window, so an exam still opening its input (or filling
 * its first sliding window) never keeps the others waiting.
 */
import type { BatcherClient } from '../../model/cross-exam-batcher.js';
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../core/events.js';

interface Held {
  event: PipelineEvent;
  /** For a window: its prediction once back (or the error of its batch). */
  result?: { settled: boolean; prediction?: PredictionEvent; error?: unknown; promise: Promise<unknown> };
}

export class SharedWindowBatcher {
  private held: Held[] = [];
  private unresolved = 0;
  private client: BatcherClient<WindowEvent, PredictionEvent> | undefined;

  constructor(
    private readonly batchSize: number,
    private readonly attach: () => BatcherClient<WindowEvent, PredictionEvent>,
    /** Throws for a window the model cannot take (fails this exam only, before it joins a batch). */
    private readonly checkWindow: (w: WindowEvent) => void,
  ) {}

  async push(event: PipelineEvent): Promise<PipelineEvent[]> {
    if (event.kind === 'window') {
      this.checkWindow(event);
      this.client ??= this.attach();
      this.held.push({ event, result: this.track(this.client.submit(event)) });
      return this.unresolved >= this.batchSize ? this.flush() : this.done();
    }
    if (this.held.length === 0) return [event];
    this.held.push({ event });
    return event.kind === 'exam' ? this.flush() : this.done();
  }

  /** Wait for every held window, then release everything held, in order. */
  async flush(): Promise<PipelineEvent[]> {
    const pending = this.held.flatMap((h) => (h.result && !h.result.settled ? [h.result.promise] : []));
    if (pending.length > 0) await this.client!.wait(Promise.all(pending));
    return this.take(this.held.length);
  }

  /** Leave the shared batcher (the exam ended, failed or was stopped). */
  close(): void {
    this.client?.detach();
  }

  /** The held events up to the first window still without a result. */
  private done(): PipelineEvent[] {
    const n = this.held.findIndex((h) => h.result !== undefined && !h.result.settled);
    return this.take(n < 0 ? this.held.length : n);
  }

  private take(n: number): PipelineEvent[] {
    const out = this.held.splice(0, n).map((h) => {
      if (!h.result) return h.event;
      if (h.result.error !== undefined) throw h.result.error;
      return h.result.prediction!;
    });
    return out;
  }

  private track(p: Promise<PredictionEvent>): NonNullable<Held['result']> {
    this.unresolved++;
    const result: NonNullable<Held['result']> = { settled: false, promise: p };
    result.promise = p.then(
      (prediction) => {
        result.settled = true;
        result.prediction = prediction;
        this.unresolved--;
      },
      (error: unknown) => {
        result.settled = true;
        result.error = error ?? new Error('inference failed');
        this.unresolved--;
      },
    );
    return result;
  }
}
