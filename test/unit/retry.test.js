const { isRetryableError, ApiError, TransportError } = require("../../dist/lib/index");
const { mergeRetry, RUN_RETRY, QUEUE_RETRY, QUEUE_STATUS_RETRY, CLIENT_RETRY, DEFAULT_RETRY_OPTIONS } = require("../../dist/lib/core/retry");
const { toNativeRetry } = require("../../dist/lib/native/spec");

const CODES = [429, 502, 503, 504];

describe("isRetryableError", () => {
  test("ApiError: retryable when its status is listed", () => {
    expect(isRetryableError(new ApiError({ message: "m", status: 503 }), CODES)).toBe(true);
    expect(isRetryableError(new ApiError({ message: "m", status: 429 }), CODES)).toBe(true);
    expect(isRetryableError(new ApiError({ message: "m", status: 500 }), CODES)).toBe(false);
    expect(isRetryableError(new ApiError({ message: "m", status: 500 }), [...CODES, 500])).toBe(true);
    expect(isRetryableError(new ApiError({ message: "m", status: 422 }), CODES)).toBe(false);
  });

  test("a user start-timeout 504 is never retried", () => {
    expect(isRetryableError(new ApiError({ message: "m", status: 504, timeoutType: "user" }), CODES)).toBe(false);
    expect(isRetryableError(new ApiError({ message: "m", status: 504, timeoutType: "infra" }), CODES)).toBe(true);
  });

  test("transport codes anywhere in the cause chain", () => {
    const wrapped = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) });
    expect(isRetryableError(wrapped, CODES)).toBe(true);
    const deep = new Error("outer", { cause: new Error("mid", { cause: Object.assign(new Error("in"), { code: "UND_ERR_SOCKET" }) }) });
    expect(isRetryableError(deep, CODES)).toBe(true);
    expect(isRetryableError(Object.assign(new Error("node-fetch"), { code: "ETIMEDOUT" }), CODES)).toBe(true);
  });

  test("our native TransportError is retryable for transport codes, not for others", () => {
    const make = (code) => new TransportError({ method: "GET", url: "u", code, message: "m", curlCode: 7, attempts: 1 });
    expect(isRetryableError(make("ECONNREFUSED"), CODES)).toBe(true);
    expect(isRetryableError(make("ENOTFOUND"), CODES)).toBe(true);
    expect(isRetryableError(make("ERR_TLS_CERT_ALTNAME_INVALID"), CODES)).toBe(false);
  });

  test('a bare TypeError "fetch failed" is retryable, other TypeErrors are not', () => {
    expect(isRetryableError(new TypeError("fetch failed"), CODES)).toBe(true);
    expect(isRetryableError(new TypeError("x is not a function"), CODES)).toBe(false);
  });

  test("AbortError and TimeoutError anywhere in the chain are never retried", () => {
    const abort = new DOMException("aborted", "AbortError");
    expect(isRetryableError(abort, CODES)).toBe(false);
    const timeoutWithCode = Object.assign(new Error("t", { cause: Object.assign(new Error("c"), { code: "ECONNRESET" }) }), {
      name: "TimeoutError",
    });
    expect(isRetryableError(timeoutWithCode, CODES)).toBe(false);
    const wrappedAbort = new TypeError("fetch failed", { cause: Object.assign(new Error("a"), { name: "AbortError", code: "ECONNRESET" }) });
    expect(isRetryableError(wrappedAbort, CODES)).toBe(false);
  });

  test("non-errors and cyclic causes are handled", () => {
    expect(isRetryableError(undefined, CODES)).toBe(false);
    expect(isRetryableError("ECONNRESET", CODES)).toBe(false);
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isRetryableError(a, CODES)).toBe(false);
  });
});

describe("retry policy merge", () => {
  test("per-call defaults over the global defaults when the user set nothing", () => {
    expect(mergeRetry(RUN_RETRY, {})).toEqual({ ...DEFAULT_RETRY_OPTIONS, maxRetries: 3, baseDelay: 500, maxDelay: 15000 });
    expect(mergeRetry(QUEUE_STATUS_RETRY, undefined)).toEqual({
      maxRetries: 5,
      baseDelay: 1000,
      maxDelay: 30000,
      backoffMultiplier: 2,
      enableJitter: true,
      retryableStatusCodes: [429, 502, 503, 504, 500],
    });
    expect(mergeRetry(QUEUE_RETRY, {}).maxDelay).toBe(60000);
    expect(mergeRetry(CLIENT_RETRY, {})).toEqual(DEFAULT_RETRY_OPTIONS);
  });

  test("the user's config.retry wins over per-call policies (intentional fix)", () => {
    const user = { maxRetries: 0, baseDelay: 10 };
    expect(mergeRetry(QUEUE_RETRY, user)).toMatchObject({ maxRetries: 0, baseDelay: 10, maxDelay: 60000 });
    expect(mergeRetry(QUEUE_STATUS_RETRY, user)).toMatchObject({ maxRetries: 0, baseDelay: 10, maxDelay: 30000 });
    expect(mergeRetry(RUN_RETRY, { retryableStatusCodes: [503] }).retryableStatusCodes).toEqual([503]);
  });

  test("undefined values in config.retry do not erase defaults", () => {
    expect(mergeRetry(RUN_RETRY, { maxRetries: undefined }).maxRetries).toBe(3);
  });

  test("toNativeRetry copies every field the engine needs", () => {
    const policy = mergeRetry(QUEUE_RETRY, { enableJitter: false });
    const native = toNativeRetry(policy);
    expect(native).toEqual({
      maxRetries: 3,
      baseDelay: 1000,
      maxDelay: 60000,
      backoffMultiplier: 2,
      enableJitter: false,
      retryableStatusCodes: [429, 502, 503, 504],
    });
    expect(native.retryableStatusCodes).not.toBe(policy.retryableStatusCodes);
  });
});
