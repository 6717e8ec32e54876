// FalStream for fal.stream and queue.streamStatus: fed by the native engine, which frames the body
// (SSE events, or raw chunks) on the I/O thread and hands over whole batches. What the engine
// delivers counts against its high-water mark until it is acknowledged (see stream-core.ts), so a
// slow `for await` loop pauses the transfer instead of growing a buffer.
import type { RequiredConfig } from "../../types/config";
import type { StreamOptions } from "../../types/streaming";
import type { StreamHandle, StreamRecord, FinalRecord } from "../native/engine";
import type { HttpResponse } from "../native/settle";
import { FalStreamCore } from "./stream-core";

/** Turns the final record into the stream's end; supplied by the opener. */
export type StreamEndMapper = (record: FinalRecord, head: HttpResponse | undefined) => { error?: unknown };

export class NativeFalStream<Input, Output> extends FalStreamCore<Input, Output> {
  private head: HttpResponse | undefined;
  private handle: StreamHandle | undefined;

  /** `config`: the opening client's, for FalStream.config. */
  constructor(endpointId: string, url: string, options: StreamOptions<Input>, config: RequiredConfig) {
    super(endpointId, url, options, undefined, config);
    if (options.signal) {
      const user = options.signal;
      if (user.aborted) this.abort(user.reason);
      else user.addEventListener("abort", () => this.abort(user.reason), { once: true });
    }
  }

  /** Called by the opener once the native stream runs. */
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

  /** Records from the engine, in order. Throwing here cancels the native stream. */
  onRecord = (record: StreamRecord): void => {
    if (!this.isOpen) return;
    if (record.type === "streamHead") {
      this.head = record.response;
      this.setRequestId(record.response.requestId);
      return;
    }
    if (record.type === "streamEvents") {
      // One JSON.parse for the whole batch; every item was validated natively already.
      this.deliver(JSON.parse(record.events) as Output[], record.bytes);
    } else {
      this.deliver([record.chunk as unknown as Output], record.bytes);
    }
  };

  protected override acknowledge(bytes: number): void {
    this.handle?.acknowledge(bytes);
  }
}
