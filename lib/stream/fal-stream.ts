// FalStream: the object fal.stream and queue.streamStatus resolve with. The native engine frames
// the body (SSE events, or raw chunks) on the I/O thread and hands over whole batches; this class
// turns them into "data" / "error" / "done" events, the done() promise and async iteration.
//
// Back-pressure: what the engine delivers counts against its high-water mark until this class
// acknowledges it. Events are acknowledged as soon as they are dispatched, except those waiting
// for an async iterator (or for a first consumer): those are acknowledged when taken, so a slow
// `for await` loop pauses the transfer instead of growing a buffer.
import type { FalStream as FalStreamType, FalStreamEventType, StreamOptions } from "../../types/streaming";
import type { StreamHandle, StreamRecord, FinalRecord } from "../engine";
import type { NativeResponse } from "../native";

type Listener = (event: any) => void;

/** One delivery from the engine: acknowledged once every item in it was consumed. */
type Batch = { remaining: number; bytes: number };
type Queued<T> = { value: T; batch: Batch };

type State = "open" | "done" | "error" | "aborted";

/** Turns the final record (or a local failure) into the stream's end; supplied by the opener. */
export type StreamEndMapper = (record: FinalRecord, head: NativeResponse | undefined) => { error?: unknown };

export class NativeFalStream<Input, Output> implements FalStreamType<Input, Output> {
  readonly endpointId: string;
  readonly url: string;
  readonly options: StreamOptions<Input>;

  private readonly listeners = new Map<string, Listener[]>();
  private readonly controller = new AbortController();
  private readonly donePromise: Promise<Output>;
  private resolveDone!: (value: Output) => void;
  private rejectDone!: (error: unknown) => void;
  private state: State = "open";
  private failure: unknown;
  private current: Output | undefined;
  private head: NativeResponse | undefined;
  private handle: StreamHandle | undefined;

  // Events waiting for an iterator, oldest first.
  private readonly queue: Queued<Output>[] = [];
  private activeIterators = 0;
  // Until someone consumes (a listener, done(), an iterator), events wait in the queue.
  private claimed = false;
  private wakeIterators: (() => void) | undefined;

  constructor(endpointId: string, url: string, options: StreamOptions<Input>) {
    this.endpointId = endpointId;
    this.url = url;
    this.options = options;
    this.donePromise = new Promise<Output>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // The official client leaves this rejection unhandled when nobody awaits done(), which kills
    // Node. The error still reaches whoever calls done(), the "error" listeners and iterators.
    this.donePromise.catch(() => {});
    if (options.signal) {
      const user = options.signal;
      if (user.aborted) this.abort(user.reason);
      else user.addEventListener("abort", () => this.abort(user.reason), { once: true });
    }
  }

  /** Called by the opener once the native stream runs (or with the error that stopped it first). */
  attach(handle: StreamHandle, mapEnd: StreamEndMapper): void {
    this.handle = handle;
    handle.finished.then(
      (record) => {
        const { error } = mapEnd(record, this.head);
        if (error !== undefined) this.fail(error);
        else this.finish();
      },
      (error) => this.fail(error),
    );
  }

  /** A failure before the request could start (token, upload, bad URL...). */
  failEarly(error: unknown): void {
    this.fail(error);
  }

  /** Records from the engine, in order. Throwing here cancels the native stream. */
  onRecord = (record: StreamRecord): void => {
    if (this.state !== "open") return;
    if (record.type === "streamHead") {
      this.head = record.response;
      return;
    }
    if (record.type === "streamEvents") {
      // One JSON.parse for the whole batch; every item was validated natively already.
      this.deliver(JSON.parse(record.events) as Output[], record.bytes);
    } else {
      this.deliver([record.chunk as unknown as Output], record.bytes);
    }
  };

  get requestId(): string {
    // The official getter returns null until the response head arrived.
    return (this.head?.requestId || null) as unknown as string;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  on(type: FalStreamEventType, listener: (event: any) => void): void {
    if (typeof listener !== "function") {
      throw new TypeError(`FalStream.on: listener must be a function, got ${typeof listener}`);
    }
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
    if (type === "data" || type === "done") this.claim();
  }

  done(): Promise<Output> {
    this.claim();
    return this.donePromise;
  }

  abort(reason?: string | Error): void {
    if (this.state !== "open") return; // a no-op once the stream ended, as officially
    this.state = "aborted";
    this.controller.abort(reason);
    // The engine cancels the native transfer when its signal fires (see the opener).
    this.resolveDone((this.current ?? {}) as Output);
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Awaited<Output>, void, unknown> {
    this.activeIterators++;
    this.claim();
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          this.consumed(next.batch);
          yield next.value as Awaited<Output>;
          continue;
        }
        if (this.state === "error") throw this.failure;
        if (this.state !== "open") return;
        await new Promise<void>((resolve) => {
          const previous = this.wakeIterators;
          this.wakeIterators = () => {
            previous?.();
            resolve();
          };
        });
      }
    } finally {
      this.activeIterators--;
      // A loop that stopped early (break) lets the stream run to its end without buffering.
      if (this.activeIterators === 0) this.releaseQueue();
    }
  }

  private deliver(items: Output[], bytes: number): void {
    const batch: Batch = { remaining: items.length, bytes };
    const keep = this.activeIterators > 0 || !this.claimed;
    for (const item of items) {
      this.current = item;
      this.emit("data", item);
      this.emit("message", item); // the official client emits it too, for older listeners
      if (keep) this.queue.push({ value: item, batch });
    }
    if (!keep) this.handle?.acknowledge(bytes);
    else this.wake();
  }

  private consumed(batch: Batch): void {
    batch.remaining--;
    if (batch.remaining === 0) this.handle?.acknowledge(batch.bytes);
  }

  private claim(): void {
    if (this.claimed) return;
    this.claimed = true;
    if (this.activeIterators === 0) this.releaseQueue();
  }

  /** Nobody will iterate the queued events: acknowledge them so the transfer goes on. */
  private releaseQueue(): void {
    if (!this.claimed) return;
    while (this.queue.length > 0) this.consumed(this.queue.shift()!.batch);
  }

  private finish(): void {
    if (this.state !== "open") return;
    this.state = "done";
    this.emit("done", this.current);
    this.resolveDone(this.current as Output);
    this.wake();
  }

  private fail(error: unknown): void {
    if (this.state !== "open") return; // after abort(), errors are expected and swallowed
    this.state = "error";
    this.failure = error;
    this.emit("error", error);
    this.rejectDone(error);
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeIterators;
    this.wakeIterators = undefined;
    wake?.();
  }

  private emit(type: string, event: unknown): void {
    const list = this.listeners.get(type);
    if (!list) return;
    for (const listener of list.slice()) {
      if (type === "data" || type === "message") {
        listener(event); // a throw here cancels the stream and becomes its error
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        // The stream has ended already; like an EventEmitter listener, the bug surfaces as an
        // uncaught exception instead of vanishing.
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}
