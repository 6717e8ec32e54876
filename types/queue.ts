// Queue API types, same shapes as @fal-ai/client's queue.d.ts.
import type { CallInput, EndpointType, InputType, OutputType } from "./endpoint";
import type { CallTimeoutOption, CompletedQueueStatus, InQueueQueueStatus, QueueStatus, Result, RunOptions } from "./common";
import type { FalStream, StreamingConnectionMode } from "./streaming";

export type QueuePriority = "low" | "normal";

type QueueModeOptions =
  | {
      mode?: "polling";
      /** Milliseconds between status polls; default 500. */
      pollInterval?: number;
    }
  | {
      mode: "streaming";
      connectionMode?: StreamingConnectionMode;
    };

type QueueCommonSubscribeOptions = {
  /** `polling` (default) or `streaming`. */
  mode?: "polling" | "streaming";
  /** Called once the request is in the queue, with its request id. */
  onEnqueue?: (requestId: string) => void;
  /** Called with every polled status, including the final COMPLETED one. */
  onQueueUpdate?: (status: QueueStatus) => void;
  /** Ask for logs in statuses; default false. */
  logs?: boolean;
  /**
   * Client-side timeout in ms. On expiry the request is cancelled on the server (best effort) and
   * the call rejects with "Client timed out waiting for the request to complete after <timeout>ms".
   */
  timeout?: number;
  /** Server-side start timeout in seconds (> 1), sent as `x-fal-request-timeout`. */
  startTimeout?: number;
  /** URL fal notifies when the request completes. */
  webhookUrl?: string;
  /** Sent as `x-fal-queue-priority`; default "normal". */
  priority?: QueuePriority;
  /**
   * Extra headers for the submit request; `priority`, `hint`, `startTimeout` and `storageSettings`
   * override the matching `x-fal-*` headers.
   */
  headers?: Record<string, string>;
};

export type QueueSubscribeOptions = QueueCommonSubscribeOptions & QueueModeOptions;

export type SubmitOptions<Input> = RunOptions<Input> & {
  webhookUrl?: string;
  priority?: QueuePriority;
  /** Sent as `x-fal-runner-hint`. */
  hint?: string;
  startTimeout?: number;
  headers?: Record<string, string>;
};

export type BaseQueueOptions = {
  requestId: string;
  abortSignal?: AbortSignal;
};

export type QueueStatusOptions = BaseQueueOptions & {
  /** Ask for logs; default false. */
  logs?: boolean;
};

export type QueueStatusStreamOptions = QueueStatusOptions & {
  connectionMode?: StreamingConnectionMode;
};

export type QueueStatusSubscriptionOptions = QueueStatusOptions &
  QueueModeOptions &
  Omit<QueueCommonSubscribeOptions, "onEnqueue" | "webhookUrl">;

export interface QueueClient {
  /** POST the input to the queue; resolves with the raw IN_QUEUE status. */
  submit<Id extends EndpointType>(
    endpointId: Id,
    options: SubmitOptions<CallInput<Id>> & CallTimeoutOption,
  ): Promise<InQueueQueueStatus>;
  /** The official signature (see OfficialFormOverload in ./endpoint.ts). */
  submit<Id extends EndpointType>(endpointId: Id, options: SubmitOptions<InputType<Id>>): Promise<InQueueQueueStatus>;
  /** One status poll. */
  status(endpointId: string, options: QueueStatusOptions & CallTimeoutOption): Promise<QueueStatus>;
  /** Status updates over SSE. */
  streamStatus(endpointId: string, options: QueueStatusStreamOptions): Promise<FalStream<unknown, QueueStatus>>;
  /** Polls until COMPLETED and resolves with that status. */
  subscribeToStatus(endpointId: string, options: QueueStatusSubscriptionOptions): Promise<CompletedQueueStatus>;
  /** Fetches the result of a completed request. */
  result<Id extends EndpointType>(endpointId: Id, options: BaseQueueOptions & CallTimeoutOption): Promise<Result<OutputType<Id>>>;
  /** The official signature (see OfficialFormOverload in ./endpoint.ts). */
  result<Id extends EndpointType>(endpointId: Id, options: BaseQueueOptions): Promise<Result<OutputType<Id>>>;
  /** Asks the server to cancel the request. */
  cancel(endpointId: string, options: BaseQueueOptions & CallTimeoutOption): Promise<void>;
}
