// The framework-neutral proxy: one incoming request in, one response out. Never throws; every
// failure becomes a JSON error response that says what was wrong (and never contains the key).
import type { Readable } from "stream";
import { resolveBaseUrls, validateConfigBaseUrls, type ResolvedBaseUrls } from "../core/urls";
import { getPackageVersion } from "../core/runtime";
import { checkTarget, upstreamUrl } from "./target";
import { isEndpointAllowed, validateEndpointPatterns } from "./endpoints";
import { resolveKey, secretFragments, validateCredentials } from "./credentials";
import { downstreamResponseHeaders, singleHeader, TARGET_URL_HEADER, upstreamRequestHeaders } from "./headers";
import { sendUpstream } from "./forward";
import type { ProxyOptions, ProxyRequest, ProxyRequestInfo, ProxyResponse } from "./types";

export const ALLOWED_METHODS = ["GET", "POST", "PUT", "DELETE"] as const;

/** Options checked once, when a handler is created. */
export type ResolvedProxyOptions = {
  options: ProxyOptions;
  configuredBaseUrls: Partial<ResolvedBaseUrls>;
  allowedEndpoints: string[] | undefined;
};

export function resolveProxyOptions(options: ProxyOptions = {}): ResolvedProxyOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`fal-native/proxy: options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  validateCredentials(options.credentials);
  for (const hook of ["isAllowed", "authorize", "onError"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw new TypeError(`fal-native/proxy: ${hook} must be a function, got ${typeof options[hook]}`);
    }
  }
  return {
    options,
    configuredBaseUrls: validateConfigBaseUrls(options.baseUrls),
    allowedEndpoints: validateEndpointPatterns(options.allowedEndpoints),
  };
}

/** A small JSON answer: `{ message, detail }` (message as the official proxy words it). */
export function jsonResponse(status: number, message: string, detail?: string, extra: Array<[string, string]> = []): ProxyResponse {
  const body = Buffer.from(JSON.stringify(detail === undefined ? { message } : { message, detail }));
  return {
    status,
    headers: [["content-type", "application/json; charset=utf-8"], ["content-length", String(body.length)], ...extra],
    body,
  };
}

const invalid = (detail: string, status = 400) => jsonResponse(status, "Invalid request", detail);

export async function handleProxyRequest(request: ProxyRequest, resolved: ResolvedProxyOptions): Promise<ProxyResponse> {
  try {
    return await proxy(request, resolved);
  } catch (error) {
    report(resolved, error);
    return jsonResponse(500, "Internal proxy error");
  }
}

async function proxy(request: ProxyRequest, resolved: ResolvedProxyOptions): Promise<ProxyResponse> {
  const { options } = resolved;
  const method = request.method.toUpperCase();
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    return jsonResponse(405, "Method not allowed", `the fal proxy takes ${ALLOWED_METHODS.join(", ")}`, [["allow", ALLOWED_METHODS.join(", ")]]);
  }
  const checked = checkTarget(singleHeader(request.headers, TARGET_URL_HEADER), method);
  if (!checked.ok) return invalid(checked.detail, checked.status);

  const info: ProxyRequestInfo = {
    method,
    headers: request.headers,
    target: new URL(checked.target.href),
    adapter: request.adapter,
    request: request.request,
  };
  if (checked.isAppCall && resolved.allowedEndpoints && !isEndpointAllowed(checked.target.pathname, resolved.allowedEndpoints)) {
    return invalid("this endpoint is not in the proxy's allowedEndpoints");
  }
  if (options.authorize && !(await options.authorize(info))) return jsonResponse(401, "Unauthorized");
  if (options.isAllowed && !(await options.isAllowed(new URL(checked.target.href), info))) {
    return jsonResponse(403, "Forbidden", "this request is not allowed by the proxy's isAllowed hook");
  }

  const key = await resolveKey(options.credentials, info);
  if (key === undefined) {
    return jsonResponse(401, "Unauthorized", "the proxy has no fal key (set FAL_KEY or the credentials option)");
  }

  const url = upstreamUrl(checked, resolveBaseUrls(resolved.configuredBaseUrls));
  const hasBody = method !== "GET" && request.body !== null;
  const bodyLength = Buffer.isBuffer(request.body) ? request.body.length : request.bodyLength;
  const headers = upstreamRequestHeaders(request.headers, key, `fal-native/${getPackageVersion()}/${request.adapter}`, {
    present: hasBody,
    length: bodyLength,
  });

  let upstream;
  try {
    upstream = await sendUpstream({ url, method, headers, body: hasBody ? request.body : null, signal: request.signal });
  } catch (error) {
    if (request.signal?.aborted) return jsonResponse(499, "Client closed request");
    report(resolved, error);
    return jsonResponse(502, "Bad gateway", `fal could not be reached (${errorCode(error)})`);
  }
  if (!hasBody && request.body && typeof (request.body as Readable).resume === "function") {
    (request.body as Readable).resume(); // drain a GET body nobody will read
  }
  return {
    status: upstream.statusCode ?? 502,
    headers: downstreamResponseHeaders(upstream.headers, secretFragments(key)),
    body: upstream,
  };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : "connection failed";
}

function report(resolved: ResolvedProxyOptions, error: unknown): void {
  try {
    if (resolved.options.onError) resolved.options.onError(error);
    else console.error(`fal-native/proxy: ${error instanceof Error ? error.message : String(error)}`);
  } catch {
    // a throwing onError must not take the request (or the process) down
  }
}
