// The typed binding: everything the C++ addon accepts and returns. lib/native/ is the seam
// between JS and the addon: this binding, the loader (loader.ts, load-error.ts), the engine
// (engine.ts), the one module that builds every native spec (spec.ts), and the one function that
// turns a final record into a value or an error (settle.ts, response.ts). Nothing else in lib/
// imports these types; it uses the names spec.ts and settle.ts export.
import { loadAddonBinary } from "./loader";

/** Retry policy applied by the native I/O thread between attempts of one HTTP request. */
export interface NativeRetryPolicy {
  maxRetries: number;
  baseDelay: number;
  maxDelay: number;
  backoffMultiplier: number;
  enableJitter: boolean;
  retryableStatusCodes: number[];
}

/** One HTTP request, fully resolved in JS (URL, headers after middleware, body). */
export interface NativeRequestSpec {
  method: string;
  url: string;
  /** "Name: value" lines, in the order they should be sent. */
  headers: string[];
  /** Request body (already JSON-encoded when it is JSON). Omitted: no body. */
  body?: string | Uint8Array;
  /**
   * Body read from disk by the I/O thread in chunks, never whole into memory: `length` bytes from
   * `offset` (a multipart part, or the whole file). Exclusive with `body`. Each retry re-reads it.
   */
  bodyFile?: { path: string; offset: number; length: number };
  /** Write a 2xx response body to this file instead of returning it (the response body is then ""). */
  downloadTo?: string;
  /** Emit "progress" records (at most every 50 ms, and once at the end) while sending/receiving. */
  progress?: boolean;
  retry: NativeRetryPolicy;
  /** HTTP(S) proxy URL for this request, "" or unset for a direct connection (set by the engine). */
  proxy?: string;
  /**
   * Whole-call deadline in ms, retries and backoff included (0 or unset: none). On expiry the
   * native side cancels the call and reports an "error" record with code "ETIMEDOUT" and reason
   * "timeout". Values above 2^31-1 ms are clamped; negative or NaN is refused.
   */
  timeout?: number;
  /** Per-attempt connect deadline in ms (DNS + TCP + TLS + proxy). Unset: 10,000. 0: none. */
  connectTimeout?: number;
  /**
   * Per-attempt stall deadline in ms: while the request body is being sent, while waiting for the
   * response (unless `awaitsModel`), and once the response has started arriving, an attempt fails
   * (reason "stall") when fewer than 100 bytes per second on average moved during a whole window of
   * this length. The body of a stream is not judged (its `idleTimeout` governs it). Unset: 30,000.
   * 0: none.
   */
  stallTimeout?: number;
  /**
   * The server may answer only once a model has run (fal.run, streams): waiting for the first
   * response byte is then not a stall. Unset: a server that accepts and says nothing stalls.
   */
  awaitsModel?: boolean;
}

/**
 * A whole queue subscription run by the I/O thread: submit, poll status on native timers, fetch the
 * result. JS is woken only for what it asks to see.
 */
export interface NativeSubscribeSpec {
  submit: NativeRequestSpec;
  /** `<queue base>/<[ns/]owner/alias>/requests/`; native appends `<id>/status?logs=0|1`, `<id>`, `<id>/cancel`. */
  requestsPrefix: string;
  /** Headers for status, result and cancel calls ("Name: value"). */
  headers: string[];
  logs: boolean;
  pollInterval: number;
  /** Deliver every polled status as a "status" record (the user passed onQueueUpdate). */
  statusUpdates: boolean;
  /** Client-side timeout in ms (0: none). On expiry the I/O thread sends cancel and reports "timeout". */
  timeout: number;
  statusRetry: NativeRetryPolicy;
  resultRetry: NativeRetryPolicy;
  /** Proxy for the status, result and cancel calls (set by the engine). */
  proxy?: string;
}

/**
 * A streaming request: a 2xx body is framed on the I/O thread (SSE events, validated as JSON, or
 * raw chunks for other content types) and delivered while it arrives. An error status is
 * collected whole and reported as a final "response" record instead.
 */
export interface NativeStreamSpec {
  request: NativeRequestSpec;
  /** Longest gap between body bytes in ms before the stream fails (0: none). Paused time is not counted. */
  idleTimeout: number;
  /** Delivered but unacknowledged bytes above which the transfer pauses (back-pressure). */
  highWaterMark: number;
}

/** A finished HTTP exchange, whatever its status code (retries already exhausted or not needed). */
export interface NativeResponse {
  status: number;
  /** Reason phrase from the status line ("" on HTTP/2). */
  statusText: string;
  /** Raw response header block of the final response, "name: value" lines joined by "\r\n". */
  headers: string;
  /** x-fal-request-id, "" when absent. */
  requestId: string;
  contentType: string;
  /** x-fal-request-timeout-type, "" when absent. */
  timeoutType: string;
  /** Text bodies (JSON, text/*) arrive as a string, anything else as a Buffer. */
  body: string | Buffer;
  /**
   * The one JSON rule (native/json.cc): the content type contains "application/json",
   * compared case-insensitively (the official client's rule). Decide JSON-ness by this flag only.
   */
  bodyIsJson: boolean;
  /** Set when the content type is JSON but the body failed simdjson validation. */
  jsonError?: string;
  /** Effective URL after redirects. */
  url: string;
}

export type NativeRecord =
  /** Final: an HTTP response (2xx or not). For a subscribe job this is the result, or the failing call. */
  | { id: number; type: "response"; response: NativeResponse; attempts: number }
  /** Final: transport failure after retries (code is Node-style: ECONNREFUSED, ECONNRESET, ...). */
  | {
      id: number;
      type: "error";
      code: string;
      /** Deprecated: composed natively for now; JS should compose its message from the fields below. */
      message: string;
      /** Why it failed: see NativeErrorReason. */
      reason: NativeErrorReason;
      /** The request method and URL of the failing call (for a subscribe: the step that failed). */
      method: string;
      url: string;
      /** curl's CURLcode (0 when curl was not the one failing) and its error text ("" when none). */
      curlCode: number;
      curlText: string;
      /** HTTP status of the failing attempt when a response head had arrived, else 0. */
      status: number;
      attempts: number;
      /** The deadline that expired, in ms (reason "timeout", "connect" or "stall"). */
      timeoutMs?: number;
      /** FAL_STREAM_BAD_EVENT: the event data that is not JSON. */
      detail?: string;
      /** Set in JS by the engine: what the trust store or proxy settings say about the failure. */
      hint?: string;
    }
  /** Subscribe: the submit succeeded. `body` is the raw submit response JSON. */
  | { id: number; type: "enqueued"; requestId: string; body: string }
  /** Subscribe: one polled status (raw JSON), only when statusUpdates was set. */
  | { id: number; type: "status"; body: string }
  /** Final, subscribe: the client-side timeout fired; the I/O thread already sent cancel. */
  | { id: number; type: "timeout"; requestId: string }
  /** Transfer progress of a request with `progress: true` (bytes of the current attempt). */
  | { id: number; type: "progress"; sent: number; sendTotal: number; received: number; receiveTotal: number }
  /** Stream: the 2xx response head (body ""). Comes before any events or chunks. */
  | { id: number; type: "streamHead"; response: NativeResponse }
  /** Stream: `count` SSE events framed from one read, as the text of a JSON array of their data. */
  | { id: number; type: "streamEvents"; events: string; count: number; bytes: number }
  /** Stream: raw bytes of a body that is not text/event-stream. */
  | { id: number; type: "streamChunk"; chunk: Buffer; bytes: number }
  /** Final, stream: the body ended cleanly. */
  | { id: number; type: "streamEnd" };

/**
 * Why an "error" record failed:
 * - "timeout": the whole-call `timeout` expired (code ETIMEDOUT);
 * - "connect": the per-attempt connect deadline expired (code ETIMEDOUT);
 * - "stall": the per-attempt stall deadline expired (code ETIMEDOUT);
 * - "transport": any other network/TLS/protocol failure (see curlCode, curlText);
 * - "bodyTooLarge": the response body is larger than fal-native keeps in memory (code ERR_BODY_TOO_LARGE);
 * - "local": reading the upload file or writing the download failed (code is errno-style: ENOENT...);
 * - "stream": a streaming body was malformed or idle (code FAL_STREAM_*);
 * - "internal": the native side could not run or deliver the call (code ERR_FAL_NATIVE_INTERNAL).
 */
export type NativeErrorReason = "timeout" | "connect" | "stall" | "transport" | "bodyTooLarge" | "local" | "stream" | "internal";

export interface NativeClient {
  /**
   * Starts one request and returns the job id the native client allocated; its final record
   * ("response" or "error") comes back through onRecords with that id.
   */
  request(spec: NativeRequestSpec): number;
  /** Starts a subscribe job; returns its id. */
  subscribe(spec: NativeSubscribeSpec): number;
  /** Starts a streaming request; returns its id. */
  stream(spec: NativeStreamSpec): number;
  /** Returns `bytes` of back-pressure credit to a stream once JS consumed what they carried. */
  acknowledge(id: number, bytes: number): void;
  /** Cancels a job and its transfer; no further record is delivered for it. */
  cancel(id: number): void;
  /** Stops the I/O thread (pending jobs are dropped). Idempotent. */
  close(): void;
}

export interface NativeClientOptions {
  /**
   * Every CA certificate to trust, as PEM text: parsed once per process for each distinct text and
   * shared by every TLS connection. Unset: the TLS library's own default (only for tests).
   */
  caPem?: string;
  /** The same certificates in a file: the system-libcurl build's way to parse them once per client. */
  caFile?: string;
  /**
   * Connections per host for calls that answer at once (queue, storage, token): at most this many
   * go at once per origin over HTTP/1.1, the rest wait their turn in order; over HTTP/2 they share
   * up to 4 connections (100 streams each). fal.run and streams are not counted: they may wait
   * minutes for a model. An integer from 1 to 1024; default 32 (undici's Pool size).
   */
  maxConnectionsPerHost?: number;
}

export interface NativeAddon {
  Client: new (options: NativeClientOptions, onRecords: (records: NativeRecord[]) => void) => NativeClient;
  curlVersion: string;
  /** "bundled": libcurl and OpenSSL compiled in; "system": the host's libcurl. */
  networkStack: "bundled" | "system";
}

/** Loads the addon once per JS environment (each worker thread gets its own instance). */
export function loadAddon(): NativeAddon {
  return loadAddonBinary() as NativeAddon;
}
