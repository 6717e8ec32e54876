/// <reference types="node" preserve="true" />
// fal-native/proxy: a server-side proxy for fal clients running in browsers (or anywhere the key
// must not be). The client sends its request to your route with the real fal URL in
// `x-fal-target-url`; the proxy checks that it is a fal API URL, adds your key and streams fal's
// answer back. Counterpart of @fal-ai/server-proxy; see README "Server proxy".
export { createNodeHandler, createExpressHandler, createPageRouterHandler } from "./node";
export { createRouteHandler, createFetchHandler, type RouteHandlers } from "./web";
export { handleProxyRequest, resolveProxyOptions, ALLOWED_METHODS, type ResolvedProxyOptions } from "./handle";
export { checkTarget, STORAGE_ROUTES } from "./target";
export { TARGET_URL_HEADER } from "./headers";
export type { ProxyOptions, ProxyCredentials, ProxyRequestInfo, ProxyRequest, ProxyResponse, IncomingHeaders } from "./types";

/** The route the official clients' docs use for the proxy. */
export const DEFAULT_PROXY_ROUTE = "/api/fal/proxy";
