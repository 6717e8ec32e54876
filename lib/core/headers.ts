// Request headers, in the order and with the precedence @fal-ai/client uses.
import { buildObjectLifecycleHeaders } from "../storage/lifecycle";
import type { StorageSettings } from "../../types/storage";
import { getUserAgent } from "./runtime";

export const MIN_REQUEST_TIMEOUT_SECONDS = 1;
export const REQUEST_TIMEOUT_HEADER = "x-fal-request-timeout";
export const REQUEST_TIMEOUT_TYPE_HEADER = "x-fal-request-timeout-type";
export const REQUEST_ID_HEADER = "x-fal-request-id";
export const QUEUE_PRIORITY_HEADER = "x-fal-queue-priority";
export const RUNNER_HINT_HEADER = "x-fal-runner-hint";

/** startTimeout (seconds) -> header value; the messages are the official ones, tests pin them. */
export function validateTimeoutHeader(timeout: number): string {
  if (typeof timeout !== "number" || isNaN(timeout)) {
    throw new Error(`Timeout must be a number, got ${timeout}`);
  }
  if (timeout <= MIN_REQUEST_TIMEOUT_SECONDS) {
    throw new Error(`Timeout must be greater than ${MIN_REQUEST_TIMEOUT_SECONDS} seconds`);
  }
  return timeout.toString();
}

export function buildTimeoutHeaders(timeout?: number): Record<string, string> {
  return timeout === undefined ? {} : { [REQUEST_TIMEOUT_HEADER]: validateTimeoutHeader(timeout) };
}

/** Headers `run` adds (run takes no custom headers, priority or hint). */
export function buildRunHeaders(options: { storageSettings?: StorageSettings; startTimeout?: number }): Record<string, string> {
  return { ...buildObjectLifecycleHeaders(options.storageSettings), ...buildTimeoutHeaders(options.startTimeout) };
}

/**
 * Submit headers, later entries winning: user headers (keys lower-cased), lifecycle, priority
 * (always, default "normal"), hint, start timeout.
 */
export function buildSubmitHeaders(options: {
  headers?: Record<string, string>;
  storageSettings?: StorageSettings;
  priority?: string;
  hint?: string;
  startTimeout?: number;
}): Record<string, string> {
  const user: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    // undefined means "not set"; other primitives are sent as text, as fetch would.
    if (value !== undefined) user[key.toLowerCase()] = String(value);
  }
  return {
    ...user,
    ...buildObjectLifecycleHeaders(options.storageSettings),
    [QUEUE_PRIORITY_HEADER]: options.priority ?? "normal",
    ...(options.hint ? { [RUNNER_HINT_HEADER]: options.hint } : {}),
    ...buildTimeoutHeaders(options.startTimeout),
  };
}

/** RFC 9110 `token` (1*tchar): what header names and request methods must be, as undici checks. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isHttpToken(value: unknown): value is string {
  return typeof value === "string" && HTTP_TOKEN.test(value);
}

/**
 * A request method as sent: an HTTP token (so no CR, LF, space or NUL can reach the request line),
 * upper-cased. `what` names the argument in the TypeError ("fal.run: options.method").
 */
export function checkMethod(method: unknown, what: string): string {
  if (!isHttpToken(method)) {
    throw new TypeError(
      `${what} must be an HTTP method token such as "POST" or "GET" (letters, digits and !#$%&'*+-.^_\`|~ only), got ${JSON.stringify(String(method)).slice(0, 80)}`,
    );
  }
  return method.toUpperCase();
}

/** The User-Agent header every native request sends (one place builds it). */
export function userAgentHeader(): Record<string, string> {
  return { "User-Agent": getUserAgent() };
}

/**
 * The headers every call sends before the call's own: Authorization (only with credentials),
 * Accept, Content-Type (also on GET, as the official client does), User-Agent.
 */
export function baseHeaders(credentials: string | undefined, userAgent = getUserAgent()): Record<string, string> {
  // Built by assignment: spreading a conditional object here showed up in the subscribe profile.
  const headers: Record<string, string> = {};
  if (credentials) headers.Authorization = `Key ${credentials}`;
  headers.Accept = "application/json";
  headers["Content-Type"] = "application/json";
  headers["User-Agent"] = userAgent;
  return headers;
}

/**
 * Record -> "Name: value" lines for the native engine. Keys are merged like a JS object (so
 * "Accept" and "accept" are two headers, as with fetch); array values are joined with ", ".
 * CR, LF and NUL are rejected so a header value can never inject another header.
 */
export function toHeaderLines(headers: Record<string, string | string[] | undefined>): string[] {
  const lines: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : String(raw);
    if (!isHttpToken(name)) {
      throw new TypeError(`fal-native: invalid HTTP header name ${JSON.stringify(name)}`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new TypeError(`fal-native: invalid value for HTTP header "${name}" (contains CR, LF or NUL)`);
    }
    lines.push(`${name}: ${value}`);
  }
  return lines;
}
