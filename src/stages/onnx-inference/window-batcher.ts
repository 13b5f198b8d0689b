/**
 * Batches `window` events for one model call while keeping the stream's order: the
 * events that arrive while a batch fills wait with it, and come out in their
 * original order with each window replaced by its prediction. A batch runs when it
 * is full, when an exam ends, and when the stream ends.
 */
import type { PipelineEvent, PredictionEvent, WindowEvent } from '../../core/events.js';

export type RunBatch = (windows: WindowEvent[]) => Promise<PredictionEvent[]>;

export class WindowBatcher {
  private queue: PipelineEvent[] = [];
  private windows: WindowEvent[] = [];

  constructor(
    private readonly batchSize: number,
    private readonly runBatch: RunBatch,
  ) {}

  async push(event: PipelineEvent): Promise<PipelineEvent[]> {
    if (event.kind === 'window') {
      this.queue.push(event);
      this.windows.push(event);
      return this.windows.length >= this.batchSize ? this.flush() : [];
    }
    if (this.windows.length === 0) return [event];
    this.queue.push(event);
    return event.kind === 'exam' ? this.flush() : [];
  }

  async flush(): Promise<PipelineEvent[]> {
    const queue = this.queue;
    const windows = this.windows;
    this.queue = [];
    this.windows = [];
    if (windows.length === 0) return queue;
    const predictions = await this.runBatch(windows);
    const bySeq = new Map(windows.map((w, i) => [w, predictions[i]!]));
    return queue.map((e) => (e.kind === 'window' ? bySeq.get(e)! : e));
  }
}
