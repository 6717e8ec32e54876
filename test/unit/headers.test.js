const {
  validateTimeoutHeader,
  buildTimeoutHeaders,
  buildRunHeaders,
  buildSubmitHeaders,
  baseHeaders,
  toHeaderLines,
} = require("../../dist/lib/core/headers");
const { buildObjectLifecycleHeaders, getExpirationDurationSeconds } = require("../../dist/lib/storage/lifecycle");
const { getUserAgent } = require("../../dist/lib/core/runtime");
const pkg = require("../../package.json");

describe("startTimeout header", () => {
  test("numbers above 1 become strings", () => {
    expect(validateTimeoutHeader(2.5)).toBe("2.5");
    expect(buildTimeoutHeaders(30)).toEqual({ "x-fal-request-timeout": "30" });
    expect(buildTimeoutHeaders(undefined)).toEqual({});
  });

  test("official messages for invalid values", () => {
    expect(() => validateTimeoutHeader(1)).toThrow("Timeout must be greater than 1 seconds");
    expect(() => validateTimeoutHeader(0.5)).toThrow("Timeout must be greater than 1 seconds");
    expect(() => validateTimeoutHeader(-3)).toThrow("Timeout must be greater than 1 seconds");
    expect(() => validateTimeoutHeader(NaN)).toThrow("Timeout must be a number, got NaN");
    expect(() => validateTimeoutHeader("10")).toThrow("Timeout must be a number, got 10");
  });
});

describe("object lifecycle", () => {
  test("presets and numbers map to seconds; never maps to nothing", () => {
    expect(getExpirationDurationSeconds({ expiresIn: "immediate" })).toBe(60);
    expect(getExpirationDurationSeconds({ expiresIn: "1d" })).toBe(86400);
    expect(getExpirationDurationSeconds({ expiresIn: "1y" })).toBe(31536000);
    expect(getExpirationDurationSeconds({ expiresIn: 42 })).toBe(42);
    expect(getExpirationDurationSeconds({ expiresIn: "never" })).toBeUndefined();
  });

  test("header JSON, or no header when nothing is produced", () => {
    expect(buildObjectLifecycleHeaders({ expiresIn: "1h", initialAcl: { default: "hide" } })).toEqual({
      "x-fal-object-lifecycle-preference": '{"expiration_duration_seconds":3600,"initial_acl":{"default":"hide"}}',
    });
    expect(buildObjectLifecycleHeaders({ expiresIn: "never" })).toEqual({});
    expect(buildObjectLifecycleHeaders({})).toEqual({});
    expect(buildObjectLifecycleHeaders(undefined)).toEqual({});
  });
});

describe("run headers", () => {
  test("lifecycle then timeout; nothing else", () => {
    expect(buildRunHeaders({ storageSettings: { expiresIn: 10 }, startTimeout: 5 })).toEqual({
      "x-fal-object-lifecycle-preference": '{"expiration_duration_seconds":10}',
      "x-fal-request-timeout": "5",
    });
    expect(buildRunHeaders({})).toEqual({});
  });
});

describe("submit headers", () => {
  test("priority defaults to normal and is always sent", () => {
    expect(buildSubmitHeaders({})).toEqual({ "x-fal-queue-priority": "normal" });
    expect(buildSubmitHeaders({ priority: "low" })).toEqual({ "x-fal-queue-priority": "low" });
  });

  test("hint only when set", () => {
    expect(buildSubmitHeaders({ hint: "lora:a" })["x-fal-runner-hint"]).toBe("lora:a");
    expect("x-fal-runner-hint" in buildSubmitHeaders({})).toBe(false);
  });

  test("user headers are lower-cased and overridden by explicit options, in the official order", () => {
    const headers = buildSubmitHeaders({
      headers: {
        "X-Custom": "1",
        "X-Fal-Queue-Priority": "low",
        "X-Fal-Runner-Hint": "user-hint",
        "X-Fal-Request-Timeout": "99",
        "X-Fal-Object-Lifecycle-Preference": "{}",
      },
      priority: "normal",
      hint: "opt-hint",
      startTimeout: 12,
      storageSettings: { expiresIn: "7d" },
    });
    expect(Object.entries(headers)).toEqual([
      ["x-custom", "1"],
      ["x-fal-queue-priority", "normal"],
      ["x-fal-runner-hint", "opt-hint"],
      ["x-fal-request-timeout", "12"],
      ["x-fal-object-lifecycle-preference", '{"expiration_duration_seconds":604800}'],
    ]);
  });

  test("the default priority overrides a user x-fal-queue-priority header", () => {
    // As officially: priority ?? "normal" always overrides a user header.
    expect(buildSubmitHeaders({ headers: { "x-fal-queue-priority": "low" } })["x-fal-queue-priority"]).toBe("normal");
  });

  test("invalid startTimeout rejects with the official message", () => {
    expect(() => buildSubmitHeaders({ startTimeout: 1 })).toThrow("Timeout must be greater than 1 seconds");
  });
});

describe("base headers and header lines", () => {
  test("order: Authorization, Accept, Content-Type, User-Agent", () => {
    expect(Object.entries(baseHeaders("k:s", "UA"))).toEqual([
      ["Authorization", "Key k:s"],
      ["Accept", "application/json"],
      ["Content-Type", "application/json"],
      ["User-Agent", "UA"],
    ]);
  });

  test("no Authorization without credentials", () => {
    expect(Object.keys(baseHeaders(undefined, "UA"))).toEqual(["Accept", "Content-Type", "User-Agent"]);
  });

  test("User-Agent names fal-native, its version and the compatible client", () => {
    expect(getUserAgent()).toBe(`fal-native/${pkg.version} (@fal-ai/client-compatible)`);
  });

  test("lines keep order, join arrays and keep case-distinct names", () => {
    expect(toHeaderLines({ Accept: "application/json", accept: "text/event-stream", "x-list": ["a", "b"], skip: undefined })).toEqual([
      "Accept: application/json",
      "accept: text/event-stream",
      "x-list: a, b",
    ]);
  });

  test("CR/LF in values and invalid names are refused", () => {
    expect(() => toHeaderLines({ "x-a": "1\r\nx-injected: 1" })).toThrow(TypeError);
    expect(() => toHeaderLines({ "x-a": "1\r\nx-injected: 1" })).toThrow('invalid value for HTTP header "x-a"');
    expect(() => toHeaderLines({ "bad name": "1" })).toThrow('invalid HTTP header name "bad name"');
  });
});
