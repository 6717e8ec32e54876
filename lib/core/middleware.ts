// Request middleware: composition and the proxy middleware, same semantics as @fal-ai/client.
import type { ProxyRuntimeGate, RequestConfig, RequestMiddleware, RequestProxyConfig } from "../../types/middleware";
import { isBrowser } from "./runtime";

export const TARGET_URL_HEADER = "x-fal-target-url";

/** Runs the middlewares in order (entries that are not functions are skipped) on a shallow copy. */
export function withMiddleware(...middlewares: RequestMiddleware[]): RequestMiddleware {
  const chain = middlewares.filter((m) => typeof m === "function");
  return async (config: RequestConfig) => {
    let current = { ...config };
    for (const middleware of chain) {
      current = await middleware(current);
    }
    return current;
  };
}

/** Whether a proxy with this gate applies right now (predicates are evaluated on every call). */
export function shouldProxy(when: ProxyRuntimeGate | undefined): boolean {
  const env = { isBrowser: isBrowser() };
  if (typeof when === "function") return when(env);
  if (when === "always") return true;
  return env.isBrowser;
}

/**
 * Sends requests to `targetUrl` with the original URL in `x-fal-target-url`. A no-op when that
 * header is already set, so it can be composed with other proxy-like middlewares.
 */
export function withProxy(config: RequestProxyConfig): RequestMiddleware {
  return async (request: RequestConfig) => {
    if (request.headers && TARGET_URL_HEADER in request.headers) return request;
    if (!shouldProxy(config.when)) return request;
    return {
      ...request,
      url: config.targetUrl,
      headers: { ...(request.headers || {}), [TARGET_URL_HEADER]: request.url },
    };
  };
}
