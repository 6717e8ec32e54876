// Request middleware types, as in @fal-ai/client.

/** What a middleware sees and returns: the method is upper-case, the URL absolute. */
export type RequestConfig = {
  url: string;
  method: string;
  headers?: Record<string, string | string[]>;
};

export type RequestMiddleware = (request: RequestConfig) => Promise<RequestConfig>;

/** Passed to a `ProxyRuntimeGate` predicate. */
export type ProxyRuntimeEnv = {
  isBrowser: boolean;
};

/**
 * When the proxy applies: `"browser"` (default, only with a DOM `window`), `"always"`, or a
 * predicate evaluated per request.
 */
export type ProxyRuntimeGate = "browser" | "always" | ((env: ProxyRuntimeEnv) => boolean);

export type RequestProxyConfig = {
  targetUrl: string;
  when?: ProxyRuntimeGate;
};
