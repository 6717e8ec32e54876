// Renderer side of fal.stream: the FalStream a renderer gets, fed by the events main relays from
// its own fal-native stream. Same surface as fal.stream's object: on("data" | "error" | "done"),
// for await, done(), abort(), signal, requestId, endpointId, url, options.
// Free of the native addon and of Node-only modules.
import type { FalStream, FalStreamEventType, StreamOptions } from "../../types/streaming";

type Listener = (event: any) => void;
type State = "open" | "done" | "error" | "aborted";

export class RendererFalStream<Input, Output> implements FalStream<Input, Output> {
  readonly endpointId: string;
  readonly url: string;
  readonly options: StreamOptions<Input>;
  requestId: string = null as unknown as string; // null until main saw the response head, as officially

  private readonly listeners = new Map<string, Listener[]>();
  private readonly controller: AbortController;
  private readonly donePromise: Promise<Output>;
  private resolveDone!: (value: Output) => void;
  private rejectDone!: (error: unknown) => void;
  private state: State = "open";
  private failure: unknown;
  private current: Output | undefined;
  /** Events not taken yet by an iterator (or waiting for a first consumer). */
  private readonly queue: Output[] = [];
  private activeIterators = 0;
  private claimed = false;
  private wakeIterators: (() => void) | undefined;

  /** `controller` aborts the IPC call (a cancel message to main). */
  constructor(endpointId: string, url: string, options: StreamOptions<Input>, controller: AbortController) {
    this.endpointId = endpointId;
    this.url = url;
    this.options = options;
    this.controller = controller;
    this.donePromise = new Promise<Output>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.donePromise.catch(() => {}); // reaches done(), "error" listeners and iterators; never unhandled
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  on(type: FalStreamEventType, listener: (event: any) => void): void {
    if (typeof listener !== "function") throw new TypeError(`FalStream.on: listener must be a function, got ${typeof listener}`);
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    if (type === "data" || type === "done") this.claim();
  }

  done(): Promise<Output> {
    this.claim();
    return this.donePromise;
  }

  abort(reason?: string | Error): void {
    if (this.state !== "open") return;
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
        if (this.queue.length > 0) {
          yield this.queue.shift() as Awaited<Output>;
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
      if (this.activeIterators === 0 && this.claimed) this.queue.length = 0;
    }
  }

  /** One event relayed by main. A throwing "data" listener fails the call (and cancels it in main). */
  push(event: Output, requestId: unknown): void {
    if (this.state !== "open") return;
    if (typeof requestId === "string" && requestId) this.requestId = requestId;
    this.current = event;
    if (this.activeIterators > 0 || !this.claimed) this.queue.push(event);
    this.emit("data", event, true);
    this.wake();
  }

  finish(last: Output | undefined): void {
    if (this.state !== "open") return;
    this.state = "done";
    if (last !== undefined) this.current = last;
    this.emit("done", this.current, false);
    this.resolveDone(this.current as Output);
    this.wake();
  }

  fail(error: unknown): void {
    if (this.state !== "open") return; // after abort(), the call's rejection is expected
    this.state = "error";
    this.failure = error;
    this.emit("error", error, false);
    this.rejectDone(error);
    this.wake();
  }

  private claim(): void {
    if (this.claimed) return;
    this.claimed = true;
    if (this.activeIterators === 0) this.queue.length = 0;
  }

  private wake(): void {
    const wake = this.wakeIterators;
    this.wakeIterators = undefined;
    wake?.();
  }

  private emit(type: string, event: unknown, propagate: boolean): void {
    for (const listener of this.listeners.get(type) ?? []) {
      if (propagate) {
        listener(event);
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        // The stream has ended; surface the listener's bug instead of swallowing it.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
