/**
 * Turns callback events into values an async generator can await, in arrival order. Archive readers
 * (tar-stream, yauzl) push; `readBundle` pulls one at a time, which is what gives backpressure: the
 * producer is not asked for the next entry until the consumer has finished with the current one.
 */
export class EventChannel<T> {
  private readonly queue: T[] = [];
  private waiter: ((value: T) => void) | null = null;

  push(value: T): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter(value);
    } else {
      this.queue.push(value);
    }
  }

  next(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as T);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
