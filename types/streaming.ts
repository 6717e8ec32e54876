// Streaming types, as in @fal-ai/client's streaming.d.ts.
import type { FalStream as OfficialFalStream } from "@fal-ai/client";
import type { TokenProvider } from "./auth";
import type { RequiredConfig } from "./config";
import type { CallInput, EndpointType, InputType, OutputType } from "./endpoint";

export type StreamingConnectionMode = "client" | "server";

export type StreamOptions<Input> = {
  readonly url?: string;
  readonly input?: Input;
  readonly queryParams?: Record<string, string>;
  /** Maximum gap between chunks in ms (default 15 s). */
  readonly timeout?: number;
  readonly autoUpload?: boolean;
  readonly method?: "get" | "post" | "put" | "delete" | string;
  /** Accept header, default `text/event-stream`. */
  readonly accept?: string;
  readonly connectionMode?: StreamingConnectionMode;
  readonly signal?: AbortSignal;
  readonly tokenProvider?: TokenProvider;
};

export type FalStreamEventType = "data" | "error" | "done";

/**
 * The members of a streaming response that fal-native implements (stream/stream-core.ts). The
 * public type is FalStream below.
 */
export interface FalStreamSurface<Input, Output> {
  /** The configuration of the client that opened the stream (see RequiredConfig). */
  config: RequiredConfig;
  endpointId: string;
  url: string;
  options: StreamOptions<Input>;
  on(type: FalStreamEventType, listener: (event: any) => void): void;
  [Symbol.asyncIterator](): AsyncGenerator<Awaited<Output>, void, unknown>;
  /** Resolves with the last event when the stream ends. */
  done(): Promise<Output>;
  abort(reason?: string | Error): void;
  readonly signal: AbortSignal;
  readonly requestId: string;
}

/**
 * A streaming response (`fal.stream`, `queue.streamStatus`).
 *
 * It extends @fal-ai/client's FalStream class type, private members included, so that code typed
 * against the official client (`const s: FalStream<I, O> = await fal.stream(...)`, a function
 * taking the official FalClient) accepts fal-native's streams: a class with private members is
 * nominal in TypeScript, and only a type derived from that class declaration is assignable to it.
 * The private members cannot be used outside the class, so the type promises nothing a user can
 * observe beyond FalStreamSurface, which fal-native's streams implement.
 */
export interface FalStream<Input, Output> extends OfficialFalStream<Input, Output>, FalStreamSurface<Input, Output> {
  config: RequiredConfig;
  options: StreamOptions<Input>;
}

export interface StreamingClient {
  stream<Id extends EndpointType>(
    endpointId: Id,
    options: StreamOptions<CallInput<Id>>,
  ): Promise<FalStream<InputType<Id>, OutputType<Id>>>;
  /** The official signature (see OfficialFormOverload in ./endpoint.ts). */
  stream<Id extends EndpointType>(
    endpointId: Id,
    options: StreamOptions<InputType<Id>>,
  ): Promise<FalStream<InputType<Id>, OutputType<Id>>>;
}
