// Types shared by the emulator's modules, including the public option and record shapes
// re-exported from index.ts.

import type { EmulatorTlsOptions } from "./certificates";
import type { Jwk, WebhookOptions } from "./webhooks";

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
  /**
   * The queue status stream (`.../status/stream`) sends a `: keepalive` comment line after this
   * long without an event (default 15000, as fal documents).
   */
  keepAliveMs?: number;
  /**
   * A realtime WebSocket that receives no input for this long gets the service's TIMEOUT
   * x-fal-error message and a normal close (default 60000).
   */
  realtimeIdleMs?: number;
  /**
   * Webhook retries follow fal's schedule (10 retries over about 2 hours) multiplied by this
   * (default 0.01: the first retry after 150 ms, all of them within about 72 s; 1: fal's real pace).
   */
  webhookRetryScale?: number;
  /** A webhook receiver that has not answered after this long is retried (default 15000, as fal). */
  webhookTimeoutMs?: number;
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
  /**
   * Which `*_url` inputs (and file-valued fields) the simulated app downloads before it runs;
   * one it cannot get fails the request with fal's 422 `file_download_error`.
   * "local" (default): only URLs on the emulator itself (its CDN: generated files and finished
   * uploads); "all": remote http(s) URLs are fetched too; "none": nothing is checked.
   */
  fetchInputUrls?: "local" | "all" | "none";
  /** Oldest entries of `Emulator.requests` are dropped beyond this many (default 10000). */
  maxRecordedRequests?: number;
  /**
   * Serve HTTPS instead of HTTP, offering HTTP/2 and HTTP/1.1 (ALPN h2, http/1.1) on the same
   * routes. `true` makes a fresh CA and a server certificate for 127.0.0.1, ::1 and localhost;
   * the CA is in `Emulator.caPem` and in the file `Emulator.caFile` (for NODE_EXTRA_CA_CERTS).
   * See EmulatorTlsOptions for where the file goes, other host names and bringing your own.
   */
  tls?: boolean | EmulatorTlsOptions;
  /** Webhook signing: a fixed Ed25519 key and the user id sent in X-Fal-Webhook-User-Id. */
  webhooks?: WebhookOptions;
}

/** Connections the emulator accepted since it started (live counters). */
export interface ConnectionStats {
  /** TCP connections accepted. */
  accepted: number;
  /** TLS handshakes that failed (e.g. the client did not trust the CA, or the host name). */
  tlsFailures: number;
  /**
   * Connections by the protocol they were served with: "h2" or "http/1.1". Over TLS this is the
   * ALPN result (no ALPN counts as "http/1.1"), counted once the handshake succeeded.
   */
  protocols: Record<string, number>;
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
  /** Origin, e.g. http://127.0.0.1:43123 (https:// with `tls`) */
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
  /**
   * One live entry per SSE response (run `/stream` and queue `status/stream`), newest last, at
   * most 1000. The counters move while the stream runs, so tests can watch a transfer stall
   * under back-pressure or stop after the client hangs up.
   */
  streams: readonly StreamStats[];
  /** Accepted connections by protocol; also in the body of `GET <url>/` as `connections`. */
  connections: ConnectionStats;
  /** With `tls`: the CA that signed the server certificate (PEM), else undefined. */
  caPem: string | undefined;
  /** With `tls`: a file holding caPem (removed on close() unless you gave its path), else undefined. */
  caFile: string | undefined;
  /**
   * Every webhook delivery (requests submitted with `?fal_webhook=`), oldest first, live: attempts
   * are appended as they happen. A webhook-duplicate scenario adds a second entry (duplicate: true).
   */
  webhooks: readonly WebhookDelivery[];
  /** `<url>/rest/.well-known/jwks.json`: the public key(s) webhook signatures verify against. */
  jwksUrl: string;
  /** The JWKS served at jwksUrl. */
  webhookJwks(): { keys: Jwk[] };
  /** Sign webhooks with a new key from now on (the old key stays published unless dropOld). */
  rotateWebhookKey(dropOld?: boolean): void;
  /**
   * Stops the server (closing open connections and HTTP/2 sessions at once) and frees every
   * stored file and pending upload.
   */
  close(): Promise<void>;
}

/** What the emulator knows about one SSE response it is (or was) writing. */
export interface StreamStats {
  /** "run": `POST <run>/<id>/stream`; "status": `GET <queue>/.../requests/<id>/status/stream`. */
  kind: "run" | "status";
  /** The x-fal-request-id of the response. */
  requestId: string;
  /** Endpoint id as addressed, without the trailing "/stream". */
  endpointId: string;
  /** Date.now() when the SSE headers were sent. */
  startedAt: number;
  /** Events (`data:` blocks, including malformed and error ones) fully handed to the socket. */
  eventsWritten: number;
  /** Comment lines (`: keepalive`) written. */
  commentsWritten: number;
  /** Body bytes handed to the socket (SSE text, without HTTP chunk framing). */
  bytesWritten: number;
  /** Separate res.write() calls (more than events when chunkBytes splits them). */
  writes: number;
  /** True while the writer waits for 'drain' because the client is not reading. */
  paused: boolean;
  /** How many times the writer had to wait for 'drain'. */
  pauses: number;
  /** The client went away before the stream ended. */
  clientClosed: boolean;
  /** The emulator ended the response (normally, or by dropping it on purpose). */
  finished: boolean;
}

export interface StoredFileInfo {
  readonly bytes: Buffer;
  size: number;
  contentType: string;
  /** Parsed X-Fal-Object-Lifecycle of the initiate call (undefined when none was sent, and for generated files). */
  lifecycle: unknown;
  fileName: string;
}

/** One POST of a webhook delivery. */
export interface WebhookAttempt {
  /** Date.now() when the POST started. */
  time: number;
  durationMs: number;
  /** The receiver's HTTP status; undefined when there was none (see error). */
  status?: number;
  /** Why there was no status: connection refused, timeout ("no response within 15000 ms"), ... */
  error?: string;
  /** The headers sent (timestamp and signature differ per attempt). */
  headers: Record<string, string>;
}

/** A webhook the emulator sent (or is still trying to send) for one completed request. */
export interface WebhookDelivery {
  requestId: string;
  url: string;
  /** The exact JSON body POSTed (the same bytes on every attempt). */
  body: string;
  /** Headers of the latest attempt. */
  headers: Record<string, string>;
  attempts: WebhookAttempt[];
  /** "pending" while attempts remain, "delivered" after a 2xx, "failed" once the 11th attempt failed. */
  state: "pending" | "delivered" | "failed";
  /** The webhook-* scenarios of the request. */
  scenarios: string[];
  /** True for the second copy the webhook-duplicate scenario sends. */
  duplicate: boolean;
  createdAt: number;
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
