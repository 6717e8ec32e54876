// Types shared by the emulator's modules, including the public option and record shapes
// re-exported from index.ts.

/** Knobs for how long simulated work takes. All values are milliseconds or counts. */
export interface EmulatorTiming {
  /** Minimum time a request spends IN_QUEUE before a runner may pick it up. */
  queueMs?: number;
  /** Time per simulated inference step; one progress log is emitted per step. */
  stepMs?: number;
  /** Number of inference steps (and progress logs) per request. */
  steps?: number;
  /** Concurrent runners per model endpoint. Queue positions follow from this. */
  runners?: number;
  /** Status polls with logs return the entries of the last `logWindowMs` (a sliding window, as fal does). */
  logWindowMs?: number;
}

export interface EmulatorOptions {
  /** 0 picks a random free port (default 0). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /**
   * When set, `Authorization` must be exactly `Key <apiKey>`. When unset, any `Key x` or
   * `Bearer x` is accepted. A missing Authorization header is always a 401.
   */
  apiKey?: string;
  timing?: EmulatorTiming;
  /** Suppress the per-request log lines on stderr. */
  quiet?: boolean;
  /**
   * Generated pictures are scaled down so their long side is at most this many pixels
   * (default 512), which keeps tests fast. The width/height reported in outputs are those
   * of the bytes actually served.
   */
  maxImageSide?: number;
  /** Oldest entries of `Emulator.requests` are dropped beyond this many (default 10000). */
  maxRecordedRequests?: number;
}

/** One HTTP request as the emulator saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. "/queue/fal-ai/flux-pro/v1.1-ultra". */
  path: string;
  /** Query parameters; for repeated keys the last value wins. */
  query: Record<string, string>;
  /** Request headers with lower-cased names (includes user-agent and every x-fal-* header). */
  headers: Record<string, string>;
  /** Body decoded as UTF-8 ("" when there was none, and for streamed upload PUTs). */
  body: string;
  /** Date.now() when the request's body had been read. */
  time: number;
}

export interface Emulator {
  /** Origin, e.g. http://127.0.0.1:43123 */
  url: string;
  urls: { run: string; queue: string; rest: string; cdn: string };
  /** FAL_RUN_URL, FAL_QUEUE_URL, FAL_REST_URL, FAL_CDN_URL and (when apiKey is set) FAL_KEY. */
  env: Record<string, string>;
  requests: RecordedRequest[];
  /**
   * The uploaded (or generated) file behind a file_url, or undefined when nothing is stored
   * there (yet). `bytes` joins the stored chunks on every access: fine in tests, but for a
   * 1 GiB upload prefer `size` and a GET of the URL.
   */
  storedFile(fileUrl: string): StoredFileInfo | undefined;
  /** Stops the server and frees every stored file and pending upload. */
  close(): Promise<void>;
}

export interface StoredFileInfo {
  readonly bytes: Buffer;
  size: number;
  contentType: string;
  /** Parsed X-Fal-Object-Lifecycle of the initiate call (undefined when none was sent, and for generated files). */
  lifecycle: unknown;
  fileName: string;
}

/** Timing with every default filled in. */
export type ResolvedTiming = Required<EmulatorTiming>;

/**
 * What the simulated model "returned" over HTTP. Failed requests keep this so the result
 * endpoint can replay the status, body and headers verbatim, as fal does.
 */
export interface ModelResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The `error`/`error_type` pair shown on the COMPLETED status of a failed request. */
export interface FailureInfo {
  error: string;
  errorType: string;
}

/** A finished request: the HTTP response to replay, plus failure info when it did not succeed. */
export interface Outcome {
  response: ModelResponse;
  failure?: FailureInfo;
}

/** A queue log entry, exactly the RequestLog shape fal returns. */
export interface RequestLog {
  message: string;
  level: "STDERR" | "STDOUT" | "ERROR" | "INFO" | "WARN" | "DEBUG";
  source: "USER";
  timestamp: string;
}
