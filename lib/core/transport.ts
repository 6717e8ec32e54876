// One API call: credentials, middleware, headers and body -> a RequestSpec; the native
// engine's final record -> the call's value or error.
import type { RequestConfig } from "../../types/middleware";
import type { RetryOptions } from "../../types/retry";
import type { Result } from "../../types/common";
import { resolveCredentials, type ResolvedConfig } from "./config";
import { describeValue } from "../api/validate";
import type { Engine } from "../native/engine";
import { baseHeaders } from "./headers";
import { decodeResponse, toWebResponse } from "../native/response";
import { Deadline } from "../native/deadline";
import { settleRecord, type CallInfo, type Expect, type FinalRecord, type HttpResponse } from "../native/settle";
import { requestSpec, type RequestSpec } from "../native/spec";

/** What the caller wants back: run/result -> Result; submit/status -> decoded JSON; cancel -> void. */
export type CallKind = "result" | "json" | "void";

export type CallContext = {
  config: ResolvedConfig;
  engine: Engine;
};

export type CallParams = {
  /** The public API making the call ("fal.run"), named in its errors. */
  api?: string;
  method: string;
  url: string;
  /** Call-specific headers, passed to the middleware (as the official client does). */
  headers?: Record<string, string>;
  input?: unknown;
  retry: RetryOptions;
  signal?: AbortSignal;
  kind: CallKind;
  /** Whole-call limit in ms (0 or undefined: none); see lib/native/deadline.ts. */
  timeout?: number;
  /** The deadline of a larger call this request is part of (then `timeout` is ignored). */
  deadline?: Deadline;
  /** fal.run: the server answers only once the model has run (no first-byte stall deadline). */
  awaitsModel?: boolean;
};

/** The user's middleware must hand back a request; say so clearly when it does not. */
function checkMiddlewareResult(value: unknown): RequestConfig {
  const req = value as RequestConfig;
  if (!req || typeof req !== "object" || typeof req.url !== "string" || typeof req.method !== "string") {
    throw new TypeError(`fal-native: requestMiddleware must resolve to { url, method, headers }, got ${describeValue(value)}`);
  }
  if (req.headers !== undefined && (req.headers === null || typeof req.headers !== "object")) {
    throw new TypeError(`fal-native: requestMiddleware returned headers that are not an object: ${describeValue(req.headers)}`);
  }
  return req;
}

/**
 * A request after middleware -> the spec the native engine runs: base headers (auth, accept,
 * content type, user agent) then the middleware's; the URL serialized as checked; the method an
 * HTTP token.
 */
export function toSpec(
  request: RequestConfig,
  credentials: string | undefined,
  input: unknown,
  retry: RetryOptions,
  awaitsModel = false,
): RequestSpec {
  const method = String(request.method).toUpperCase();
  // As officially: a body only for non-GET calls with a truthy input.
  const body = method !== "GET" && input ? JSON.stringify(input) : undefined;
  return requestSpec({
    method: request.method,
    url: request.url,
    headers: { ...baseHeaders(credentials), ...(request.headers ?? {}) },
    ...(body !== undefined ? { body } : {}),
    retry,
    awaitsModel,
  });
}

/** Credentials (resolved per call) and middleware (run per call), then toSpec. */
export async function buildRequestSpec(config: ResolvedConfig, params: CallParams): Promise<RequestSpec> {
  const credentials = await resolveCredentials(config);
  let request: RequestConfig = { method: params.method.toUpperCase(), url: params.url, headers: params.headers };
  if (config.requestMiddleware) {
    request = checkMiddlewareResult(await config.requestMiddleware(request));
  }
  return toSpec(request, credentials, params.input, params.retry, params.awaitsModel);
}

/** run/result: always the built-in handling (a custom responseHandler is ignored, as officially). */
export function toResult<Output>(response: HttpResponse): Result<Output> {
  return { data: decodeResponse(response) as Output, requestId: response.requestId || "" };
}

const EXPECT: Record<CallKind, Expect> = { result: { kind: "result" }, json: { kind: "json" }, void: { kind: "void" } };

/** Maps one final record of a plain request to the call's value, or throws its error. */
export async function settle(record: FinalRecord, call: CallInfo, kind: CallKind, config: ResolvedConfig): Promise<unknown> {
  if (kind === "result" || !config.responseHandler || record.type !== "response") {
    return settleRecord(record, call, EXPECT[kind]);
  }
  const value = await config.responseHandler(toWebResponse(record.response));
  return kind === "void" ? undefined : value;
}

/** The whole call: spec, native request (retried natively per `retry`), mapping. */
export async function performCall<T>(ctx: CallContext, params: CallParams): Promise<T> {
  // The limit covers the whole call: credentials and middleware count too.
  const deadline = params.deadline ?? new Deadline(params.timeout ?? 0, { api: params.api, method: params.method.toUpperCase(), url: params.url });
  const spec = await buildRequestSpec(ctx.config, params);
  const call: CallInfo = { api: params.api, method: spec.method, url: spec.url };
  const record = await deadline.request(ctx.engine, spec, call, params.signal);
  return (await settle(record, call, params.kind, ctx.config)) as T;
}
