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

/** The body fal POSTs to a `webhookUrl` when a queued request finishes. */
export type WebHookResponse<Payload = any> =
  | {
      status: "OK";
      payload: Payload;
      error: never;
      request_id: string;
    }
  | {
      status: "ERROR";
      payload: Payload;
      error: string;
      request_id: string;
    };
