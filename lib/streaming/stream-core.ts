// The FalStream surface shared by every producer of stream events: fal.stream's native stream
// (fal-stream.ts) and the Electron renderer's relayed one (electron/renderer-stream.ts).
// Producers call deliver / finish / fail; users get "data" / "error" / "done" events, done(),
// abort() and async iteration. Free of the native addon and of Node-only modules, so a sandboxed
// renderer can load it.
//
// Back-pressure hook: delivered items count as unconsumed until this class calls acknowledge().
// Items are acknowledged as soon as they are dispatched, except those waiting for an async
// iterator (or for a first consumer): those are acknowledged when taken.
import type { RequiredConfig } from "../../types/config";
import type { FalStreamSurface, FalStreamEventType, StreamOptions } from "../../types/streaming";
import { clientConfigView } from "../core/public-config";

type Listener = (event: any) => void;

/** One delivery from the producer: acknowledged once every item in it was consumed. */
type Batch = { remaining: number; bytes: number };
type Queued<T> = { value: T; batch: Batch };

type State = "open" | "done" | "error" | "aborted";

export class FalStreamCore<Input, Output> implements FalStreamSurface<Input, Output> {
  readonly endpointId: string;
  readonly url: string;
  readonly options: StreamOptions<Input>;
  /** The opening client's configuration, as the official FalStream exposes it. */
  config: RequiredConfig;

  private readonly listeners = new Map<string, Listener[]>();
  private readonly controller: AbortController;
  private readonly donePromise: Promise<Output>;
  private resolveDone!: (value: Output) => void;
  private rejectDone!: (error: unknown) => void;
  private state: State = "open";
  private failure: unknown;
  private current: Output | undefined;
  private requestIdValue: string | null = null;

  // Items waiting for an iterator, oldest first.
  private readonly queue: Queued<Output>[] = [];
  private activeIterators = 0;
  // Until someone consumes (a listener, done(), an iterator), items wait in the queue.
  private claimed = false;
  private wakeIterators: (() => void) | undefined;

  /**
   * `controller` is aborted by abort(); the producer stops when its signal fires. `config` defaults
   * to a client configured with nothing and no credentials (a renderer's: main holds the key).
   */
  constructor(
    endpointId: string,
    url: string,
    options: StreamOptions<Input>,
    controller = new AbortController(),
    config: RequiredConfig = clientConfigView({}, { credentials: undefined, requestMiddleware: undefined }),
  ) {
    this.config = config;
    this.endpointId = endpointId;
    this.url = url;
    this.options = options;
    this.controller = controller;
    this.donePromise = new Promise<Output>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // The official client leaves this rejection unhandled when nobody awaits done(), which kills
    // Node. The error still reaches whoever calls done(), the "error" listeners and iterators.
    this.donePromise.catch(() => {});
  }

  get requestId(): string {
    // The official getter returns null until the response head arrived.
    return this.requestIdValue as unknown as string;
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

  /** Producer: the end of the stream; `last`, when given, is the final value. */
  finish(last?: Output): void {
    if (this.state !== "open") return;
    this.state = "done";
    if (last !== undefined) this.current = last;
    this.emit("done", this.current);
    this.resolveDone(this.current as Output);
    this.wake();
  }

  /** Producer: the stream failed. After abort(), errors are expected and swallowed. */
  fail(error: unknown): void {
    if (this.state !== "open") return;
    this.state = "error";
    this.failure = error;
    this.emit("error", error);
    this.rejectDone(error);
    this.wake();
  }

  protected get isOpen(): boolean {
    return this.state === "open";
  }

  protected setRequestId(requestId: string | null | undefined): void {
    if (requestId) this.requestIdValue = requestId;
  }

  /** Producer: items that arrived together, worth `bytes` of back-pressure credit. */
  protected deliver(items: Output[], bytes: number): void {
    const batch: Batch = { remaining: items.length, bytes };
    const keep = this.activeIterators > 0 || !this.claimed;
    for (const item of items) {
      this.current = item;
      this.emit("data", item);
      this.emit("message", item); // the official client emits it too, for older listeners
      if (keep) this.queue.push({ value: item, batch });
    }
    if (!keep) this.acknowledge(bytes);
    else this.wake();
  }

  /** Hook: `bytes` of delivered items were consumed. */
  protected acknowledge(_bytes: number): void {}

  private consumed(batch: Batch): void {
    batch.remaining--;
    if (batch.remaining === 0) this.acknowledge(batch.bytes);
  }

  private claim(): void {
    if (this.claimed) return;
    this.claimed = true;
    if (this.activeIterators === 0) this.releaseQueue();
  }

  /** Nobody will iterate the queued items: acknowledge them so the producer goes on. */
  private releaseQueue(): void {
    if (!this.claimed) return;
    while (this.queue.length > 0) this.consumed(this.queue.shift()!.batch);
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
        listener(event); // a throw here fails the producer's delivery, and so the stream
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        // The stream has ended already; like an EventEmitter listener, the bug surfaces as an
        // uncaught exception instead of vanishing (setTimeout: renderers have no process.nextTick).
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
