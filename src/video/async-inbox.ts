/**
 * An unbounded FIFO that one async consumer drains: push() from event callbacks,
 * `await next()` in a loop. fail() makes the pending and later next() calls reject.
 * Producers bound it themselves (the wasm worker stops after a few chunks ahead).
 */
export class AsyncInbox<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (item: T) => void; reject: (err: Error) => void } | null = null;
  private error: Error | null = null;

  push(item: T): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(item);
    } else {
      this.items.push(item);
    }
  }

  fail(err: Error): void {
    this.error ??= err;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(err);
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }
}
