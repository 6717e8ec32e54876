// Config: validation, defaults and credentials. Produces the resolved config every call reads.
import type { Config, CredentialsResolver, ProxyUrlConfig, RequiredConfig } from "../../types/config";
import type { RequestMiddleware, ProxyRuntimeGate } from "../../types/middleware";
import type { ResponseHandler } from "../../types/response";
import type { RetryOptions } from "../../types/retry";
import { withMiddleware, withProxy, shouldProxy } from "./middleware";
import type { NetworkOptions } from "../network/client-network";
import { checkProxyOption } from "../network/proxy";
import { checkCaOption } from "../network/trust-store";
import { isBrowser } from "./runtime";
import { clientConfigView } from "./public-config";
import { describeValue } from "../api/validate";
import { validateConfigBaseUrls, type ResolvedBaseUrls } from "./urls";

export type ResolvedConfig = {
  credentials: string | CredentialsResolver | undefined;
  /** The user's middleware composed with the proxy, or undefined when there is neither. */
  requestMiddleware: RequestMiddleware | undefined;
  /** Whether the user gave their own middleware (the subscribe fast path needs none). */
  hasUserMiddleware: boolean;
  proxy: { url: string; when?: ProxyRuntimeGate } | undefined;
  /** Trust store and HTTP proxy of the native engine (config.ca and config.proxy, checked). */
  network: NetworkOptions;
  /** Only a user-supplied handler; the default handling is built in (see transport.ts). */
  responseHandler: ResponseHandler<any> | undefined;
  /** The user's retry values only; merged per call by retry.ts. */
  retry: Partial<RetryOptions>;
  /** Validated config.baseUrls; env and defaults are applied per request. */
  baseUrls: Partial<ResolvedBaseUrls>;
  fetch: typeof fetch | undefined;
  suppressLocalCredentialsWarning: boolean;
  /** Default whole-call limit in ms of plain calls, uploads and downloads (0: none). */
  callTimeout: number;
  /** The official-shaped view that streams expose as FalStream.config (never read by fal-native). */
  publicConfig: RequiredConfig;
};

/** FAL_KEY, else FAL_KEY_ID:FAL_KEY_SECRET, else undefined. */
export const credentialsFromEnv: CredentialsResolver = () => {
  if (typeof process === "undefined" || !process.env) return undefined;
  const { FAL_KEY, FAL_KEY_ID, FAL_KEY_SECRET } = process.env;
  if (FAL_KEY !== undefined) return FAL_KEY;
  if (FAL_KEY_ID !== undefined && FAL_KEY_SECRET !== undefined) return `${FAL_KEY_ID}:${FAL_KEY_SECRET}`;
  return undefined;
};

function configError(option: string, expected: string, got: unknown): TypeError {
  return new TypeError(`fal-native: config.${option} must be ${expected}, got ${describeValue(got)}`);
}

const RETRY_NUMBER_KEYS = ["maxRetries", "baseDelay", "maxDelay", "backoffMultiplier"] as const;

function validateRetry(retry: unknown): Partial<RetryOptions> {
  if (retry === undefined) return {};
  if (retry === null || typeof retry !== "object" || Array.isArray(retry)) {
    throw configError("retry", "an object like { maxRetries: 3 }", retry);
  }
  const r = retry as Record<string, unknown>;
  for (const key of RETRY_NUMBER_KEYS) {
    const v = r[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw configError(`retry.${key}`, "a non-negative number", v);
    }
  }
  if (r.maxRetries !== undefined && !Number.isInteger(r.maxRetries)) {
    throw configError("retry.maxRetries", "a non-negative integer", r.maxRetries);
  }
  if (r.enableJitter !== undefined && typeof r.enableJitter !== "boolean") {
    throw configError("retry.enableJitter", "a boolean", r.enableJitter);
  }
  const codes = r.retryableStatusCodes;
  if (codes !== undefined && (!Array.isArray(codes) || !codes.every((c) => Number.isInteger(c)))) {
    throw configError("retry.retryableStatusCodes", "an array of HTTP status codes", codes);
  }
  return { ...(r as Partial<RetryOptions>) };
}

function validateCallTimeout(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw configError("callTimeout", "a non-negative number of milliseconds (0: no limit)", value);
  }
  return value === Infinity ? 0 : value;
}

function validateProxy(proxyUrl: unknown): { url: string; when?: ProxyRuntimeGate } | undefined {
  if (proxyUrl === undefined || proxyUrl === null || proxyUrl === "") return undefined;
  if (typeof proxyUrl === "string") return { url: proxyUrl };
  if (typeof proxyUrl !== "object" || typeof (proxyUrl as ProxyUrlConfig).url !== "string") {
    throw configError("proxyUrl", 'a URL string or { url: string, when?: "browser" | "always" | function }', proxyUrl);
  }
  const { url, when } = proxyUrl as ProxyUrlConfig;
  if (when !== undefined && when !== "browser" && when !== "always" && typeof when !== "function") {
    throw configError("proxyUrl.when", '"browser", "always" or a function', when);
  }
  return { url, when };
}

function checkMaxConnections(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 1024) {
    throw configError("maxConnectionsPerHost", "an integer from 1 to 1024", value);
  }
  return value;
}

/** Validates the user's config (TypeError naming the option) and resolves it. */
export function createConfig(config: Config = {}): ResolvedConfig {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new TypeError(`fal-native: the client config must be an object, got ${describeValue(config)}`);
  }
  const { credentials, requestMiddleware, responseHandler, fetch: userFetch } = config;
  if (credentials !== undefined && typeof credentials !== "string" && typeof credentials !== "function") {
    throw configError("credentials", "a string or a function returning one", credentials);
  }
  if (requestMiddleware !== undefined && typeof requestMiddleware !== "function") {
    throw configError("requestMiddleware", "a function", requestMiddleware);
  }
  if (responseHandler !== undefined && typeof responseHandler !== "function") {
    throw configError("responseHandler", "a function", responseHandler);
  }
  if (userFetch !== undefined && typeof userFetch !== "function") {
    throw configError("fetch", "a function", userFetch);
  }
  const proxy = validateProxy(config.proxyUrl);
  const middleware =
    proxy !== undefined
      ? withMiddleware(requestMiddleware as RequestMiddleware, withProxy({ targetUrl: proxy.url, when: proxy.when }))
      : requestMiddleware;
  // Like the official `{...defaults, ...config}`: an explicit `credentials: undefined` sends none.
  const effectiveCredentials = "credentials" in config ? credentials : credentialsFromEnv;
  const resolved: ResolvedConfig = {
    credentials: effectiveCredentials,
    requestMiddleware: middleware,
    hasUserMiddleware: typeof requestMiddleware === "function",
    proxy,
    responseHandler,
    retry: validateRetry(config.retry),
    baseUrls: validateConfigBaseUrls(config.baseUrls),
    fetch: userFetch,
    suppressLocalCredentialsWarning: config.suppressLocalCredentialsWarning === true,
    callTimeout: validateCallTimeout(config.callTimeout),
    network: {
      ...(config.ca !== undefined ? { ca: checkCaOption(config.ca) } : {}),
      proxy: checkProxyOption(config.proxy),
      ...(config.maxConnectionsPerHost !== undefined ? { maxConnectionsPerHost: checkMaxConnections(config.maxConnectionsPerHost) } : {}),
    },
    publicConfig: clientConfigView(config, { credentials: effectiveCredentials, requestMiddleware: middleware }),
  };
  if (isBrowser() && !resolved.suppressLocalCredentialsWarning) {
    // Mirrors the official warning; resolving here is only for the check.
    const value = typeof resolved.credentials === "function" ? safeCall(resolved.credentials) : resolved.credentials;
    if (value) {
      console.warn("The fal credentials are exposed in the browser's environment. That's not recommended for production use cases.");
    }
  }
  return resolved;
}

function safeCall(fn: CredentialsResolver): unknown {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * The credentials for one request. A resolver may also return a promise (awaited; the official
 * client would send "Key [object Promise]").
 */
export async function resolveCredentials(config: ResolvedConfig): Promise<string | undefined> {
  const value = typeof config.credentials === "function" ? await config.credentials() : config.credentials;
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`fal-native: config.credentials must resolve to a string, got ${describeValue(value)}`);
  }
  return value;
}

/** Whether any middleware would run for a request made now (the proxy gate is evaluated once). */
export function middlewareApplies(config: ResolvedConfig): boolean {
  return config.hasUserMiddleware || (config.proxy !== undefined && shouldProxy(config.proxy.when));
}
