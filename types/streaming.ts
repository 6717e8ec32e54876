// Streaming types (the implementation is a later issue; the shapes are public already).
import type { TokenProvider } from "./auth";
import type { EndpointType, InputType, OutputType, UploadableInput } from "./endpoint";

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

/** The public surface of a streaming response (a class in @fal-ai/client, exported as a type). */
export interface FalStream<Input, Output> {
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

export interface StreamingClient {
  stream<Id extends EndpointType>(
    endpointId: Id,
    options: StreamOptions<UploadableInput<InputType<Id>>>,
  ): Promise<FalStream<InputType<Id>, OutputType<Id>>>;
}
