// A small async queue between synchronous producers (job notifications, which must never block
// the state machine) and an SSE writer loop that may be waiting on a slow client.

export const TIMED_OUT = Symbol("timed out");
export const CLOSED = Symbol("closed");

export class Mailbox<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private wake?: () => void;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake?.();
  }

  /** No more items will come; those already queued are still taken. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The consumer is gone: drop what is queued and end every wait. */
  abort(): void {
    this.items = [];
    this.head = 0;
    this.close();
  }

  /** The next item; CLOSED when closed and empty; TIMED_OUT after `timeoutMs` with nothing new. */
  async take(timeoutMs?: number): Promise<T | typeof CLOSED | typeof TIMED_OUT> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head++];
        // Compact now and then so a long stream does not keep every item alive.
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        return item;
      }
      if (this.closed) return CLOSED;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = timeoutMs !== undefined ? setTimeout(() => resolve(false), timeoutMs) : undefined;
        this.wake = () => {
          if (timer) clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      if (!woken) return TIMED_OUT;
    }
  }
}
