// Shapes shared by every call. Same names and fields as @fal-ai/client's `types/common`.
import type { StorageSettings } from "./storage";

/** An API result: the decoded output and the `x-fal-request-id` of the response ("" when absent). */
export type Result<T> = {
  data: T;
  requestId: string;
};

/** Input and per-call settings of `run` (and the base of submit/subscribe options). */
export type RunOptions<Input> = {
  /** The endpoint input: the JSON body, or the query string when `method` is GET. */
  readonly input?: Input;
  /** HTTP method, default `post`. */
  readonly method?: "get" | "post" | "put" | "delete" | string;
  /** Aborts the request (and, in fal-native, the native transfer). */
  readonly abortSignal?: AbortSignal;
  /** Lifecycle of generated objects, sent as `x-fal-object-lifecycle-preference`. */
  readonly storageSettings?: StorageSettings;
  /** Server-side start timeout in seconds (> 1), sent as `x-fal-request-timeout`. */
  readonly startTimeout?: number;
};

/**
 * fal-native addition, accepted by run, queue.submit, queue.status, queue.result and queue.cancel
 * (RunOptions itself stays identical to the official type).
 */
export type CallTimeoutOption = {
  /**
   * fal-native addition: the longest this whole call may take, in ms (retries, backoff and, for
   * uploads and downloads, every request of the call included). On expiry the native transfer is
   * cancelled and the call rejects with a TransportError whose code is "ETIMEDOUT" (not retryable
   * by isRetryableError, as a user's own deadline). 0: no limit. Default: config.callTimeout.
   * Not to be confused with `startTimeout` (server-side, seconds) or subscribe's `timeout`.
   */
  readonly callTimeout?: number;
};

export type UrlOptions = {
  /** Host selector: `"queue"` targets the queue base URL, anything else the run base URL. */
  readonly subdomain?: string;
  /** Query parameters added to the URL. */
  readonly query?: Record<string, string>;
  /** Path appended to the endpoint URL. */
  path?: string;
};

export type RequestLog = {
  message: string;
  level: "STDERR" | "STDOUT" | "ERROR" | "INFO" | "WARN" | "DEBUG";
  source: "USER";
  timestamp: string;
};

export type Metrics = {
  inference_time: number | null;
};

interface BaseQueueStatus {
  status: "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";
  request_id: string;
  response_url: string;
  status_url: string;
  cancel_url: string;
}

export interface InQueueQueueStatus extends BaseQueueStatus {
  status: "IN_QUEUE";
  queue_position: number;
}

export interface InProgressQueueStatus extends BaseQueueStatus {
  status: "IN_PROGRESS";
  logs: RequestLog[];
}

export interface CompletedQueueStatus extends BaseQueueStatus {
  status: "COMPLETED";
  logs: RequestLog[];
  metrics?: Metrics;
}

export type QueueStatus = InProgressQueueStatus | CompletedQueueStatus | InQueueQueueStatus;

export type ValidationErrorInfo = {
  msg: string;
  loc: Array<string | number>;
  type: string;
};

/**
 * The body fal POSTs to a `webhookUrl` when a queued request finishes (wire doc §11). Compatible
 * with @fal-ai/client's type, plus the fields fal sends that it lacks:
 *
 * - `status` "OK" when the model answered 2xx; "ERROR" otherwise, with `error`
 *   "Invalid status code: <code>" and the model's error body (e.g. 422 `{detail: [...]}`) as `payload`.
 * - `payload_error`: set when the result was not JSON; `payload` is then `null` whatever its type says.
 * - `gateway_request_id`: fal sends it (usually equal to `request_id`; it differs after a platform retry).
 *
 * `Payload` is the endpoint's output type; `ErrorPayload` types the ERROR body (default any).
 * Handlers should be idempotent on `request_id`: fal retries deliveries that were not answered 2xx.
 */
export type WebHookResponse<Payload = any, ErrorPayload = any> =
  | {
      status: "OK";
      payload: Payload;
      error: never;
      request_id: string;
      gateway_request_id?: string;
      /** Why `payload` is null: the result was not JSON serializable. */
      payload_error?: string;
    }
  | {
      status: "ERROR";
      payload: ErrorPayload;
      /** "Invalid status code: <code>". */
      error: string;
      request_id: string;
      gateway_request_id?: string;
      /** Why `payload` is null: the error body was not JSON. */
      payload_error?: string;
    };
