/**
 * Batches model inputs from several exams that run at once into one model call.
 *
 * Each exam attaches a client; it `submit`s items as they arrive (the call does not
 * wait) and says when it cannot go on without results (`wait`). A batch runs when
 *   - `maxBatch` items are pending (full), or
 *   - every attached client is waiting on items not yet returned (nobody will add
 *     any: running the partial batch now is the only way forward). An exam waits
 *     when its own batch is full, at the end of an exam and at the end of its stream,
 *     so a lone exam batches exactly as it does on its own.
 * One batch runs at a time, oldest items first; the results go back to each item's
 * client. A client that detaches (its exam ended or failed) takes its pending items
 * with it, and its items in a running batch are computed and dropped, so one failing
 * exam never holds up the others.
 *
 * Why "waiting" is exact here: a client that is not waiting is still producing (its
 * exam decodes, or its stages work), so it will either submit more or wait soon.
 * Waiting only counts while the client has items not yet returned: the moment its
 * last result comes back it is busy again, before its await even resumes.
 */
import { AutodvtError } from '../core/errors.js';

export type RunItems<I, O> = (items: I[]) => Promise<O[]>;

/** One model call: how many items, and from how many clients (exams). */
export interface BatchRecord {
  size: number;
  clients: number;
}

export interface BatcherClient<I, O> {
  /** Queue one item; the promise settles when its batch has run. Never blocks. */
  submit(item: I): Promise<O>;
  /** Mark this client as blocked on its items until `until` settles (and flush if all are). */
  wait<T>(until: Promise<T>): Promise<T>;
  /** Leave: pending items are dropped (their promises reject), results still running are discarded. */
  detach(): void;
}

interface Pending<I, O> {
  item: I;
  client: ClientState;
  resolve(out: O): void;
  reject(err: unknown): void;
}

interface ClientState {
  /** Items submitted whose result has not come back yet. */
  outstanding: number;
  /** Number of `wait` calls in progress. */
  blocked: number;
  detached: boolean;
}

export class CrossExamBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private readonly clients = new Set<ClientState>();
  private running: Promise<void> | undefined;

  constructor(
    readonly maxBatch: number,
    private readonly run: RunItems<I, O>,
    private readonly onBatch?: (batch: BatchRecord) => void,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
  }

  /** Clients attached now (exams whose inference stage is running). */
  get attached(): number {
    return this.clients.size;
  }

  /** Resolves once no call is running (before the session is released). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  attach(): BatcherClient<I, O> {
    const state: ClientState = { outstanding: 0, blocked: 0, detached: false };
    this.clients.add(state);
    return {
      submit: (item) => {
        if (state.detached) return Promise.reject(new AutodvtError('submit after detach', { scope: 'model:cross-exam-batcher' }));
        state.outstanding++;
        const p = new Promise<O>((resolve, reject) => this.pending.push({ item, client: state, resolve, reject }));
        // An exam that leaves may never look at its dropped items: their rejection is not "unhandled".
        p.catch(() => undefined);
        this.schedule();
        return p;
      },
      wait: async (until) => {
        state.blocked++;
        this.schedule();
        try {
          return await until;
        } finally {
          state.blocked--;
        }
      },
      detach: () => {
        if (state.detached) return;
        state.detached = true;
        this.clients.delete(state);
        const mine = this.pending.filter((p) => p.client === state);
        this.pending = this.pending.filter((p) => p.client !== state);
        const gone = new AutodvtError('the exam left the shared batcher', { scope: 'model:cross-exam-batcher' });
        for (const p of mine) p.reject(gone);
        this.schedule();
      },
    };
  }

  private isWaiting(c: ClientState): boolean {
    return c.blocked > 0 && c.outstanding > 0;
  }

  private schedule(): void {
    if (this.running || this.pending.length === 0) return;
    const full = this.pending.length >= this.maxBatch;
    // Every exam blocked on results: nobody will add to the batch, so run what there is.
    const stuck = [...this.clients].every((c) => this.isWaiting(c));
    if (full || stuck) this.running = this.runBatch();
  }

  private async runBatch(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    this.onBatch?.({ size: batch.length, clients: new Set(batch.map((b) => b.client)).size });
    let outputs: O[] | undefined;
    let error: unknown;
    try {
      outputs = await this.run(batch.map((b) => b.item));
    } catch (err) {
      error = err;
    }
    for (const [i, b] of batch.entries()) {
      b.client.outstanding--;
      if (b.client.detached) continue;
      if (error !== undefined) b.reject(error);
      else b.resolve(outputs![i]!);
    }
    this.running = undefined;
    this.schedule();
  }
}
