// Argument checks for the public API. Each failure is a TypeError naming the call, the argument
// and what was expected; async APIs turn it into a rejected promise.
import { isAbortSignal } from "../core/abort";
import { isHttpToken } from "../core/headers";
import { isUsableRequestId } from "../core/urls";

/** A short, safe rendering of a bad argument for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
}

function fail(api: string, what: string, expected: string, got: unknown): never {
  throw new TypeError(`${api}: ${what} must be ${expected}, got ${describeValue(got)}`);
}

/**
 * Characters no endpoint id (nor an absolute endpoint URL) may hold: a backslash or "@" can make
 * URL parsers disagree on the host (curl reads "fal.ai\\@other" as user info), and control
 * characters or NUL can truncate or split what is sent.
 */
const UNSAFE_ENDPOINT_CHARS = /[\\@\u0000-\u001f\u007f]/;

export function checkEndpointId(api: string, id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) {
    fail(api, "endpointId", 'a non-empty string like "fal-ai/flux/dev"', id);
  }
  if (UNSAFE_ENDPOINT_CHARS.test(id)) {
    throw new TypeError(
      `${api}: endpointId must not contain a backslash, "@", control characters or NUL, got ${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}...` : id)}`,
    );
  }
}

/** `callTimeout` (ms): undefined, or a non-negative number (0: no limit). */
export function checkCallTimeout(api: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    fail(api, "options.callTimeout", "a non-negative number of milliseconds (0: no limit)", value);
  }
  return value === Infinity ? 0 : value;
}

/** `undefined` becomes `{}` (as `run(id)` allows); anything else must be a plain object. */
export function checkOptions<T extends object>(api: string, options: unknown): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    fail(api, "options", "an object", options);
  }
  return options as T;
}

type Check = (value: unknown) => boolean;

const checks = {
  string: ((v) => typeof v === "string") as Check,
  httpMethod: isHttpToken as Check,
  nonEmptyString: ((v) => typeof v === "string" && v.length > 0) as Check,
  boolean: ((v) => typeof v === "boolean") as Check,
  function: ((v) => typeof v === "function") as Check,
  positiveNumber: ((v) => typeof v === "number" && Number.isFinite(v) && v > 0) as Check,
  nonNegativeNumber: ((v) => typeof v === "number" && Number.isFinite(v) && v >= 0) as Check,
  nonNegativeOrInfinity: ((v) => typeof v === "number" && v >= 0) as Check,
  plainObject: ((v) => typeof v === "object" && v !== null && !Array.isArray(v)) as Check,
  abortSignal: isAbortSignal as Check,
  priority: ((v) => v === "low" || v === "normal") as Check,
  mode: ((v) => v === "polling" || v === "streaming") as Check,
  connectionMode: ((v) => v === "server" || v === "client") as Check,
};

type Rule = [key: string, check: keyof typeof checks, expected: string];

/** Checks the listed options that are present (undefined means "not given"). */
export function checkOptionTypes(api: string, options: Record<string, unknown>, rules: Rule[]): void {
  for (const [key, check, expected] of rules) {
    const value = options[key];
    if (value !== undefined && !checks[check](value)) fail(api, `options.${key}`, expected, value);
  }
}

export const RUN_RULES: Rule[] = [
  ["callTimeout", "nonNegativeOrInfinity", "a non-negative number of milliseconds (0: no limit)"],
  ["method", "string", 'a string such as "post" or "get"'],
  ["method", "httpMethod", 'an HTTP method token such as "post" or "get"'],
  ["abortSignal", "abortSignal", "an AbortSignal"],
  ["storageSettings", "plainObject", "an object like { expiresIn: \"1d\" }"],
];

export const SUBMIT_RULES: Rule[] = [
  ...RUN_RULES,
  ["webhookUrl", "string", "a URL string"],
  ["priority", "priority", '"low" or "normal"'],
  ["hint", "string", "a string"],
  ["headers", "plainObject", "an object of header names to string values"],
];

export const STREAM_RULES: Rule[] = [
  ["url", "nonEmptyString", "a URL string"],
  ["queryParams", "plainObject", "an object of query parameter names to string values"],
  ["timeout", "nonNegativeNumber", "a non-negative number of milliseconds (the longest gap between events)"],
  ["autoUpload", "boolean", "a boolean"],
  ["method", "string", 'a string such as "post" or "get"'],
  ["method", "httpMethod", 'an HTTP method token such as "post" or "get"'],
  ["accept", "string", 'a string such as "text/event-stream"'],
  ["connectionMode", "connectionMode", '"server" or "client"'],
  ["signal", "abortSignal", "an AbortSignal"],
  ["tokenProvider", "function", "a function returning a token (or a promise of one)"],
];

export const POLL_RULES: Rule[] = [
  ["abortSignal", "abortSignal", "an AbortSignal"],
  ["logs", "boolean", "a boolean"],
  ["mode", "mode", '"polling" or "streaming"'],
  ["pollInterval", "positiveNumber", "a positive number of milliseconds"],
  ["timeout", "nonNegativeNumber", "a non-negative number of milliseconds"],
  ["onQueueUpdate", "function", "a function"],
  ["connectionMode", "connectionMode", '"server" or "client"'],
];

export const SUBSCRIBE_RULES: Rule[] = [
  ...SUBMIT_RULES,
  ...POLL_RULES.filter(([key]) => key !== "abortSignal"), // already in SUBMIT_RULES
  ["onEnqueue", "function", "a function"],
];

export const REQUEST_ID_RULES: Rule[] = [
  ["callTimeout", "nonNegativeOrInfinity", "a non-negative number of milliseconds (0: no limit)"],
  ["requestId", "nonEmptyString", "the request id string returned by submit"],
  ["abortSignal", "abortSignal", "an AbortSignal"],
];

/** Header values must be strings (numbers and booleans are sent as text, like fetch does). */
export function checkHeaders(api: string, headers: Record<string, unknown> | undefined): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !["string", "number", "boolean"].includes(typeof value)) {
      fail(api, `options.headers[${JSON.stringify(name)}]`, "a string", value);
    }
  }
}

/** requestId is required for status/result/cancel/subscribeToStatus. */
export function checkRequestId(api: string, options: Record<string, unknown>): void {
  if (options.requestId === undefined) fail(api, "options.requestId", "the request id string returned by submit", undefined);
  checkOptionTypes(api, options, REQUEST_ID_RULES);
  if (!isUsableRequestId(options.requestId as string)) {
    fail(api, "options.requestId", "a request id (not empty, not only dots)", options.requestId);
  }
}
