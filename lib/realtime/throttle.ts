// At most one call per interval: a call outside the window runs at once (leading edge); calls
// inside it are collapsed into one trailing call with the latest value, as the official client
// does with realtime sends.

export class LatestThrottle<T> {
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private pending: { value: T } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly run: (value: T) => void,
  ) {}

  push(value: T): void {
    if (this.intervalMs <= 0) {
      this.run(value);
      return;
    }
    const wait = this.lastRunAt + this.intervalMs - Date.now();
    if (wait <= 0 && this.timer === undefined) {
      this.lastRunAt = Date.now();
      this.run(value);
      return;
    }
    this.pending = { value };
    // A message waiting to go out is real work, so this timer keeps the process alive; close()
    // cancels it.
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Drops a trailing call that has not run yet. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    this.lastRunAt = Date.now();
    this.run(pending.value);
  }
}
