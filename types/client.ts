// The client interface, same members as @fal-ai/client's FalClient.
import type { Config } from "./config";
import type { CallInput, EndpointType, InputType, OutputType } from "./endpoint";
import type { CallTimeoutOption, Result, RunOptions } from "./common";
import type { QueueClient, QueueSubscribeOptions } from "./queue";
import type { RealtimeClient } from "./realtime";
import type { StorageClient } from "./storage";
import type { StreamingClient } from "./streaming";

export interface FalClient {
  readonly queue: QueueClient;
  readonly realtime: RealtimeClient;
  readonly storage: StorageClient;
  readonly streaming: StreamingClient;
  // Each method that takes an endpoint input has two overloads; see OfficialFormOverload in
  // ./endpoint.ts for why. The first (byte inputs, fal-native's options) is the one calls resolve
  // to; the second is the official signature over fal-native's map.
  /** One synchronous HTTP call to the run host. Prefer `subscribe` for long jobs. */
  run<Id extends EndpointType>(
    endpointId: Id,
    options: RunOptions<CallInput<Id>> & CallTimeoutOption,
  ): Promise<Result<OutputType<Id>>>;
  /** One synchronous HTTP call to the run host (the official signature). */
  run<Id extends EndpointType>(endpointId: Id, options: RunOptions<InputType<Id>>): Promise<Result<OutputType<Id>>>;
  /** Submit to the queue, wait for completion, fetch the result. */
  subscribe<Id extends EndpointType>(
    endpointId: Id,
    options: RunOptions<CallInput<Id>> & QueueSubscribeOptions,
  ): Promise<Result<OutputType<Id>>>;
  /** Submit to the queue, wait for completion, fetch the result (the official signature). */
  subscribe<Id extends EndpointType>(
    endpointId: Id,
    options: RunOptions<InputType<Id>> & QueueSubscribeOptions,
  ): Promise<Result<OutputType<Id>>>;
  stream: StreamingClient["stream"];
}

/** The `fal` singleton: a FalClient whose `config()` replaces the client behind it. */
export type SingletonFalClient = {
  config(config: Config): void;
} & FalClient;
