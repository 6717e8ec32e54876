// Renderer side of fal.stream: the FalStream a renderer gets, fed by the events main relays from
// its own fal-native stream. The surface (events, for await, done(), abort(), signal, requestId)
// is the shared one in streaming/stream-core.ts; this adds what the relay feeds it.
// Free of the native addon and of Node-only modules.
import type { StreamOptions } from "../../types/streaming";
import { FalStreamCore } from "../streaming/stream-core";

export class RendererFalStream<Input, Output> extends FalStreamCore<Input, Output> {
  /** `controller` aborts the IPC call (a cancel message to main). */
  constructor(endpointId: string, url: string, options: StreamOptions<Input>, controller: AbortController) {
    super(endpointId, url, options, controller);
  }

  /** One event relayed by main. A throwing "data" listener fails the call (and cancels it in main). */
  push(event: Output, requestId: unknown): void {
    if (!this.isOpen) return;
    if (typeof requestId === "string") this.setRequestId(requestId);
    this.deliver([event], 0);
  }

  /** The request id main reports with the end of the stream. */
  noteRequestId(requestId: unknown): void {
    if (typeof requestId === "string") this.setRequestId(requestId);
  }
}
