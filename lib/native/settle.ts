// The one place a final native record becomes the call's value or its error. Plain requests,
// uploads, downloads, streams and subscribe jobs all end here, so an error looks the same whichever
// call made it, and a transport failure's message is composed once, from the record's fields.
import type { Result } from "../../types/common";
import type { NativeRecord, NativeResponse } from "./binding";
import { ApiError, TransportError } from "../core/errors";
import { timeoutError } from "../api/polling";
import { decodeResponse, errorFromResponse, isOk } from "./response";

/** A finished HTTP exchange as the native side reports it (the name lib/ outside lib/native/ uses). */
export type HttpResponse = NativeResponse;

export type FinalRecord = Extract<NativeRecord, { type: "response" | "error" | "timeout" | "streamEnd" }>;
export type ErrorRecord = Extract<NativeRecord, { type: "error" }>;

/**
 * The call a record belongs to, as it was sent (the record's own `url` wins when it has one: a
 * subscribe job names the step that failed, and its caller passes that step's method).
 */
export type CallInfo = {
  /** The public API that made the call ("fal.run"), named in whole-call timeout errors. */
  api?: string;
  method: string;
  url: string;
};

/**
 * What the caller wants from the record:
 * - "result": run/queue.result, `{ data, requestId }`;
 * - "json": the decoded 2xx body (submit, status, storage answers);
 * - "void": nothing, but a non-2xx still rejects (cancel);
 * - "response": the 2xx NativeResponse itself (downloads);
 * - "any": the NativeResponse whatever its status (a user's responseHandler decides);
 * - "stream": a stream's end (`head` is its 2xx head, `idleTimeout` its idle limit);
 * - "subscribe": a subscribe job's end (`enqueued`: the submit succeeded; `timeout` the user's).
 */
export type Expect =
  | { kind: "result" }
  | { kind: "json" }
  | { kind: "void" }
  | { kind: "response" }
  | { kind: "any" }
  | { kind: "stream"; head: NativeResponse | undefined; idleTimeout: number }
  | { kind: "subscribe"; enqueued: boolean; timeout: number };

/** A whole-call timeout record, for when JS (not the native side) noticed the deadline. */
export function timeoutRecord(call: CallInfo, timeoutMs: number, attempts = 1): ErrorRecord {
  return {
    id: 0,
    type: "error",
    code: "ETIMEDOUT",
    reason: "timeout",
    message: "",
    method: call.method,
    url: call.url,
    curlCode: 0,
    curlText: "",
    status: 0,
    attempts,
    timeoutMs,
  } as ErrorRecord;
}

/**
 * The message of a transport failure, from the record's structured fields (method, URL, curl's
 * text, attempts, the deadline): "POST <url> failed: <why> (after 3 attempts) (<hint>)". A record
 * from a native side that only sends `message` keeps that message.
 */
export function describeFailure(record: ErrorRecord, call: CallInfo): string {
  const r = record as Partial<ErrorRecord> & Pick<ErrorRecord, "code" | "attempts" | "message">;
  const method = call.method;
  const url = r.url || call.url;
  const hint = r.hint ? ` (${r.hint})` : "";
  if (r.reason === "timeout") {
    const limit = r.timeoutMs ?? 0;
    return `${call.api ? `${call.api}: ` : ""}${method} ${url} did not finish within its whole-call timeout of ${limit} ms`;
  }
  if (!r.curlText && r.message) {
    // Failures curl did not report (reading an upload file, writing a download) have their words
    // only in the native message for now, which names the request itself.
    return `${r.message}${hint}`;
  }
  const why = r.curlText || r.code;
  const after = r.attempts > 1 ? ` after ${r.attempts} attempts` : "";
  return `${method} ${url} failed${after}: ${why}${hint}`;
}

/** A transport failure (no usable HTTP response) as the TransportError users see. */
export function transportError(record: ErrorRecord, call: CallInfo): TransportError {
  const r = record as Partial<ErrorRecord>;
  const error = new TransportError({
    method: call.method,
    url: record.url || call.url,
    code: record.code,
    message: describeFailure(record, call),
    curlCode: record.curlCode,
    attempts: record.attempts,
  });
  if (r.reason === "timeout") {
    // The user's own deadline: like an AbortSignal.timeout() it is never retryable.
    (error.cause as Error).name = "TimeoutError";
  }
  return error;
}

function toResult<Output>(response: NativeResponse): Result<Output> {
  return { data: decodeResponse(response) as Output, requestId: response.requestId || "" };
}

/** The stream's end as the official client reports it: HTTP errors become ApiError/ValidationError. */
function streamError(record: ErrorRecord, head: NativeResponse | undefined, idleTimeout: number, call: CallInfo): unknown {
  if (record.code === "FAL_STREAM_IDLE_TIMEOUT") {
    // The official client's message (its check never fires, ours does).
    return new ApiError({
      message: `Event stream timed out after ${(idleTimeout / 1000).toFixed(0)} seconds with no messages.`,
      status: 408,
      body: undefined,
      requestId: head?.requestId || undefined,
    });
  }
  if (record.code === "FAL_STREAM_BAD_EVENT" || record.code === "FAL_STREAM_EVENT_TOO_LARGE") {
    return new ApiError({
      message: `fal-native: ${record.message} (from ${call.url})`,
      status: head?.status ?? 500,
      body: record.detail,
      requestId: head?.requestId || undefined,
    });
  }
  return transportError(record, call);
}

/** The submit of a subscribe job ended it: an HTTP error, or a 2xx without a usable request id. */
function submitFailure(response: NativeResponse): ApiError<any> {
  if (!isOk(response)) return errorFromResponse(response);
  return new ApiError({
    message: `fal-native: the submit response from ${response.url} ${
      response.jsonError ? `is malformed JSON: ${response.jsonError}` : "has no usable request_id"
    }`,
    status: response.status,
    body: typeof response.body === "string" ? response.body : undefined,
    requestId: response.requestId || undefined,
  });
}

/**
 * Turns a final record into the call's value, or throws its error (ApiError, ValidationError,
 * TransportError, or the subscribe timeout's plain Error).
 */
export function settleRecord(record: FinalRecord, call: CallInfo, expect: Expect): unknown {
  switch (record.type) {
    case "error":
      throw expect.kind === "stream" ? streamError(record, expect.head, expect.idleTimeout, call) : transportError(record, call);
    case "timeout":
      if (expect.kind === "subscribe") throw timeoutError(expect.timeout);
      break;
    case "streamEnd":
      if (expect.kind === "stream") return undefined;
      break;
    case "response": {
      const { response } = record;
      switch (expect.kind) {
        case "result":
          return toResult(response);
        case "json":
          return decodeResponse(response);
        case "void":
          if (!isOk(response)) throw errorFromResponse(response);
          return undefined;
        case "response":
          if (!isOk(response)) throw errorFromResponse(response);
          return response;
        case "any":
          return response;
        case "stream":
          throw errorFromResponse(response);
        case "subscribe":
          if (!expect.enqueued) throw submitFailure(response);
          return toResult(response);
      }
    }
  }
  throw new Error(`fal-native: unexpected "${record.type}" record for ${call.method} ${call.url}`);
}

