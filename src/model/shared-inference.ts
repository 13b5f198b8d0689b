/**
 * Inference shared by the exams of one batch run (`autodvt run --input`, a queue
 * worker): one ONNX Runtime session per model file and session options, opened on
 * first use and released when the run ends, and one cross-exam batcher per stage,
 * session and batch size. Stages reach it through `BuildContext.inference`; without it (an
 * ordinary run) each stage opens its own session, as always.
 *
 *   const inference = new SharedInference();
 *   await runPipeline(config, { ...options, inference });   // as many exams as you like, at once
 *   inference.stats();                                       // model calls, batch sizes
 *   await inference.close();
 *
 * Counters (`stats`) say how many model calls ran, their sizes and how many held
 * windows of more than one exam: tests and benchmarks read batching from them, not
 * from timing.
 */
import { openSession, type OpenedSession } from './open-session.js';
import { sessionChoiceOf, type SessionChoice } from './session-options-schema.js';
import type { BatchRecord, CrossExamBatcher } from './cross-exam-batcher.js';

export interface SessionKey extends SessionChoice {
  file: string;
}

export interface InferenceStats {
  /** Model calls (session.run) made through shared batchers. */
  calls: number;
  /** Items (windows) those calls held. */
  items: number;
  /** Calls that held items of more than one exam. */
  mixedCalls: number;
  largestBatch: number;
  /** Calls per batch size. */
  sizes: Record<number, number>;
  /** Sessions opened (one per model file and session options). */
  sessions: number;
}

export class SharedInference {
  private readonly sessions = new Map<string, Promise<OpenedSession>>();
  private readonly batchers = new Map<string, Promise<CrossExamBatcher<unknown, unknown>>>();
  private readonly counters: InferenceStats = { calls: 0, items: 0, mixedCalls: 0, largestBatch: 0, sizes: {}, sessions: 0 };
  private closed = false;

  /**
   * The session for a model and its options, opened once. A fallback warning goes to the
   * `warn` of the first caller (the exam that opened it).
   */
  session(key: SessionKey, opts: { warn?: (m: string) => void; scope: string }): Promise<OpenedSession> {
    if (this.closed) throw new Error('[model:shared-inference] used after close');
    const id = sessionId(key);
    let opened = this.sessions.get(id);
    if (!opened) {
      opened = openSession(key.file, { ...sessionChoiceOf(key), warn: opts.warn, scope: opts.scope });
      this.sessions.set(id, opened);
      this.counters.sessions++;
      // A session that failed to open is not cached: the next exam tries again (and fails alike).
      opened.catch(() => {
        this.sessions.delete(id);
        this.counters.sessions--;
      });
    }
    return opened;
  }

  /** The batcher for `id` (a stage position, a session and a batch size), made once by `make`. */
  batcher<I, O>(id: string, make: (onBatch: (b: BatchRecord) => void) => Promise<CrossExamBatcher<I, O>>): Promise<CrossExamBatcher<I, O>> {
    let made = this.batchers.get(id);
    if (!made) {
      made = make((b) => this.count(b)) as Promise<CrossExamBatcher<unknown, unknown>>;
      this.batchers.set(id, made);
      made.catch(() => this.batchers.delete(id));
    }
    return made as Promise<CrossExamBatcher<I, O>>;
  }

  stats(): InferenceStats {
    return { ...this.counters, sizes: { ...this.counters.sizes } };
  }

  /** Release every session (after the last exam; a call still running is let finish first). */
  async close(): Promise<void> {
    this.closed = true;
    const batchers = await Promise.allSettled([...this.batchers.values()]);
    await Promise.all(batchers.map((b) => (b.status === 'fulfilled' ? b.value.idle() : undefined)));
    const opened = await Promise.allSettled([...this.sessions.values()]);
    this.sessions.clear();
    this.batchers.clear();
    await Promise.allSettled(opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value.session.release()] : [])));
  }

  private count(b: BatchRecord): void {
    const c = this.counters;
    c.calls++;
    c.items += b.size;
    if (b.clients > 1) c.mixedCalls++;
    c.largestBatch = Math.max(c.largestBatch, b.size);
    c.sizes[b.size] = (c.sizes[b.size] ?? 0) + 1;
  }
}

export function sessionId(key: SessionKey): string {
  return JSON.stringify([key.file, sessionChoiceOf(key)]);
}

/** One line for a summary: `12 model calls for 180 windows (mean batch 15.0, 9 mixing exams)`. */
export function describeInferenceStats(s: InferenceStats): string {
  const mean = s.calls > 0 ? s.items / s.calls : 0;
  return `${s.calls} model call(s) for ${s.items} window(s) (mean batch ${mean.toFixed(1)}, largest ${s.largestBatch}, ${s.mixedCalls} mixing exams)`;
}
