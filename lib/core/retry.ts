// Retry policies and the retry decision. The retries themselves run on the native I/O thread;
// this module decides which policy each call gets and exposes the official isRetryableError.
import type { RetryOptions } from "../../types/retry";
import { ApiError } from "./errors";

export const DEFAULT_RETRYABLE_STATUS_CODES = [429, 502, 503, 504];

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelay: 1000,
  maxDelay: 30000,
  backoffMultiplier: 2,
  retryableStatusCodes: DEFAULT_RETRYABLE_STATUS_CODES,
  enableJitter: true,
};

/** Per-call defaults, as @fal-ai/client uses them (surface doc 7.2). */
export const RUN_RETRY: Partial<RetryOptions> = { maxRetries: 3, baseDelay: 500, maxDelay: 15000 };
export const QUEUE_RETRY: Partial<RetryOptions> = {
  maxRetries: 3,
  baseDelay: 1000,
  maxDelay: 60000,
  retryableStatusCodes: DEFAULT_RETRYABLE_STATUS_CODES,
};
export const QUEUE_STATUS_RETRY: Partial<RetryOptions> = {
  maxRetries: 5,
  baseDelay: 1000,
  maxDelay: 30000,
  retryableStatusCodes: [...DEFAULT_RETRYABLE_STATUS_CODES, 500],
};
/** cancel (and later storage initiate, tokens, streams) use the client-wide policy only. */
export const CLIENT_RETRY: Partial<RetryOptions> = {};

/**
 * The policy of one call. @fal-ai/client merges `{...config.retry, ...perCall}`, so a user's
 * `retry: {maxRetries: 0}` never reaches run/submit/status/result. fal-native deliberately lets
 * the user's explicit values win: `{...defaults, ...perCall, ...userRetry}`.
 */
export function mergeRetry(perCall: Partial<RetryOptions>, userRetry: Partial<RetryOptions> | undefined): RetryOptions {
  return { ...DEFAULT_RETRY_OPTIONS, ...perCall, ...definedOnly(userRetry) };
}

function definedOnly(retry: Partial<RetryOptions> | undefined): Partial<RetryOptions> {
  if (!retry) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(retry)) {
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<RetryOptions>;
}

/** Transport failures worth another attempt (undici/Node codes; the native engine uses the same). */
const RETRYABLE_NETWORK_ERROR_CODES = new Set([
  "ECONNABORTED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * True for transient transport failures: a retryable `code` anywhere in the cause chain, or a bare
 * `TypeError("fetch failed")`. AbortError/TimeoutError anywhere in the chain mean user intent: never.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  if (!error || typeof error !== "object") {
    return false;
  }
  const seen = new Set<unknown>();
  let current: any = error;
  let sawTransportCode = false;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    if (current.name === "AbortError" || current.name === "TimeoutError") {
      return false;
    }
    if (typeof current.code === "string" && RETRYABLE_NETWORK_ERROR_CODES.has(current.code)) {
      sawTransportCode = true;
    }
    current = current.cause;
  }
  if (sawTransportCode) {
    return true;
  }
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

/** Same semantics as @fal-ai/client 1.10.1 (user-timeout 504s are never retried). */
export function isRetryableError(error: any, retryableStatusCodes: number[]): boolean {
  if (error instanceof ApiError) {
    if (error.isUserTimeout) {
      return false;
    }
    return retryableStatusCodes.includes(error.status);
  }
  return isRetryableNetworkError(error);
}
