// One API call: credentials, middleware, headers and body -> a NativeRequestSpec; the native
// engine's final record -> the call's value or error.
import type { RequestConfig } from "../types/middleware";
import type { RetryOptions } from "../types/retry";
import type { Result } from "../types/common";
import type { NativeRequestSpec, NativeResponse } from "./native";
import { resolveCredentials, type ResolvedConfig } from "./config";
import { describeValue } from "./validate";
import type { Engine, FinalRecord } from "./engine";
import { TransportError } from "./errors";
import { baseHeaders, toHeaderLines } from "./headers";
import { decodeResponse, isOk, errorFromResponse, toWebResponse } from "./response";
import { toNativeRetry } from "./retry";
import { getUserAgent } from "./runtime";

/** What the caller wants back: run/result -> Result; submit/status -> decoded JSON; cancel -> void. */
export type CallKind = "result" | "json" | "void";

export type CallContext = {
  config: ResolvedConfig;
  engine: Engine;
};

export type CallParams = {
  method: string;
  url: string;
  /** Call-specific headers, passed to the middleware (as the official client does). */
  headers?: Record<string, string>;
  input?: unknown;
  retry: RetryOptions;
  signal?: AbortSignal;
  kind: CallKind;
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

function assertHttpUrl(url: string): void {
  let ok = false;
  try {
    const protocol = new URL(url).protocol;
    ok = protocol === "http:" || protocol === "https:";
  } catch {
    ok = false;
  }
  if (!ok) {
    // e.g. a relative proxyUrl ("/api/fal/proxy") applied outside a browser
    throw new TypeError(`fal-native: request URL ${JSON.stringify(url)} is not an absolute http(s) URL`);
  }
}

/** Base headers (auth, accept, content type, user agent), then the middleware's headers. */
export function headerLinesFor(credentials: string | undefined, extra: RequestConfig["headers"]): string[] {
  return toHeaderLines({ ...baseHeaders(credentials, getUserAgent()), ...(extra ?? {}) });
}

/** A request after middleware -> the spec the native engine runs. */
export function toSpec(request: RequestConfig, credentials: string | undefined, input: unknown, retry: RetryOptions): NativeRequestSpec {
  assertHttpUrl(request.url);
  const method = request.method.toUpperCase();
  // As officially: a body only for non-GET calls with a truthy input.
  const body = method !== "GET" && input ? JSON.stringify(input) : undefined;
  return {
    method,
    url: request.url,
    headers: headerLinesFor(credentials, request.headers),
    ...(body !== undefined ? { body } : {}),
    retry: toNativeRetry(retry),
  };
}

/** Credentials (resolved per call) and middleware (run per call), then toSpec. */
export async function buildRequestSpec(config: ResolvedConfig, params: CallParams): Promise<NativeRequestSpec> {
  const credentials = await resolveCredentials(config);
  let request: RequestConfig = { method: params.method.toUpperCase(), url: params.url, headers: params.headers };
  if (config.requestMiddleware) {
    request = checkMiddlewareResult(await config.requestMiddleware(request));
  }
  return toSpec(request, credentials, params.input, params.retry);
}

export function transportError(record: Extract<FinalRecord, { type: "error" }>, method: string, fallbackUrl: string): TransportError {
  return new TransportError({
    method,
    url: record.url || fallbackUrl,
    code: record.code,
    message: record.message,
    curlCode: record.curlCode,
    attempts: record.attempts,
  });
}

/** run/result: always the built-in handling (a custom responseHandler is ignored, as officially). */
export function toResult<Output>(response: NativeResponse): Result<Output> {
  return { data: decodeResponse(response) as Output, requestId: response.requestId || "" };
}

/** Maps one final record of a plain request to the call's value, or throws its error. */
export async function settle(record: FinalRecord, spec: NativeRequestSpec, kind: CallKind, config: ResolvedConfig): Promise<unknown> {
  if (record.type === "error") throw transportError(record, spec.method, spec.url);
  if (record.type !== "response") {
    throw new Error(`fal-native: unexpected "${record.type}" record for ${spec.method} ${spec.url}`);
  }
  const { response } = record;
  if (kind === "result") return toResult(response);
  if (config.responseHandler) {
    const value = await config.responseHandler(toWebResponse(response));
    return kind === "void" ? undefined : value;
  }
  if (kind === "void") {
    // cancel resolves void; its body is not needed, only whether it failed.
    if (!isOk(response)) throw errorFromResponse(response);
    return undefined;
  }
  return decodeResponse(response);
}

/** The whole call: spec, native request (retried natively per `retry`), mapping. */
export async function performCall<T>(ctx: CallContext, params: CallParams): Promise<T> {
  const spec = await buildRequestSpec(ctx.config, params);
  const record = await ctx.engine.request(spec, params.signal);
  return (await settle(record, spec, params.kind, ctx.config)) as T;
}
