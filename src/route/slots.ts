/**
 * At most `limit` tasks at once, the rest waiting in arrival order: what `serve` needs of a queue
 * (running and waiting counts, wait until idle) without p-queue's per-task events and promises, which
 * a request pays even when nothing waits. A finishing task hands its slot to the next waiting one.
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Tasks running. */
  get pending(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get size(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit && this.waiting.length === 0) this.running++;
    // The slot is handed over by the task that finishes (running stays counted).
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else if (--this.running === 0) {
        const idle = this.idle;
        this.idle = [];
        for (const resolve of idle) resolve();
      }
    }
  }

  /** Resolves once nothing runs or waits. */
  onIdle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
