// Bad input: TypeErrors naming the argument, always as rejected promises from async APIs.
const { createFalClient, fal } = require("../../dist/lib/index");
const { installFake, uninstallFake, response } = require("./fake-native");
const { asyncRejectionOf: rejection } = require("../helpers/wait");

beforeEach(() => {
  installFake(() => response(200, {}));
});
afterEach(() => {
  uninstallFake();
});

const client = () => createFalClient({ credentials: "k" });

describe("endpoint ids", () => {
  test("invalid id -> the official Error", async () => {
    const err = await rejection(() => client().run("flux", {}));
    expect(err.constructor).toBe(Error);
    expect(err.message).toBe("Invalid app id: flux. Must be in the format <appOwner>/<appId>");
    expect((await rejection(() => client().queue.status("flux", { requestId: "r" }))).message).toBe(
      "Invalid app id: flux. Must be in the format <appOwner>/<appId>",
    );
  });

  test("non-string id -> TypeError naming the call", async () => {
    const err = await rejection(() => client().run(42, {}));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fal.run: endpointId must be a non-empty string like "fal-ai/flux/dev", got 42');
    expect((await rejection(() => client().subscribe(undefined, {}))).message).toMatch(/^fal\.subscribe: endpointId must be/);
  });
});

describe("options", () => {
  const cases = [
    ["subscribe", { pollInterval: -1 }, "fal.subscribe: options.pollInterval must be a positive number of milliseconds, got -1"],
    ["subscribe", { pollInterval: "500" }, 'fal.subscribe: options.pollInterval must be a positive number of milliseconds, got "500"'],
    ["subscribe", { logs: "yes" }, 'fal.subscribe: options.logs must be a boolean, got "yes"'],
    ["subscribe", { priority: "high" }, 'fal.subscribe: options.priority must be "low" or "normal", got "high"'],
    ["subscribe", { timeout: -5 }, "fal.subscribe: options.timeout must be a non-negative number of milliseconds, got -5"],
    ["subscribe", { webhookUrl: 5 }, "fal.subscribe: options.webhookUrl must be a URL string, got 5"],
    ["subscribe", { abortSignal: {} }, "fal.subscribe: options.abortSignal must be an AbortSignal, got an object (Object)"],
    ["subscribe", { onQueueUpdate: "f" }, 'fal.subscribe: options.onQueueUpdate must be a function, got "f"'],
    ["subscribe", { onEnqueue: 1 }, "fal.subscribe: options.onEnqueue must be a function, got 1"],
    ["subscribe", { mode: "sse" }, 'fal.subscribe: options.mode must be "polling" or "streaming", got "sse"'],
    ["subscribe", { headers: { "x-a": {} } }, 'fal.subscribe: options.headers["x-a"] must be a string, got an object (Object)'],
    ["subscribe", null, "fal.subscribe: options must be an object, got null"],
    ["subscribe", "input", 'fal.subscribe: options must be an object, got "input"'],
    ["run", { method: 1 }, 'fal.run: options.method must be a string such as "post" or "get", got 1'],
    ["run", { storageSettings: "1d" }, 'fal.run: options.storageSettings must be an object like { expiresIn: "1d" }, got "1d"'],
    ["run", [], "fal.run: options must be an object, got an array"],
  ];

  test.each(cases)("%s(%j) -> TypeError", async (method, options, message) => {
    const err = await rejection(() => client()[method]("fal-ai/x", options));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe(message);
  });

  test("queue calls require a requestId", async () => {
    const c = client();
    for (const name of ["status", "result", "cancel", "subscribeToStatus"]) {
      const err = await rejection(() => c.queue[name]("fal-ai/x", {}));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toBe(`fal.queue.${name}: options.requestId must be the request id string returned by submit, got undefined`);
    }
    expect((await rejection(() => c.queue.status("fal-ai/x", { requestId: "r", logs: 1 }))).message).toBe(
      "fal.queue.status: options.logs must be a boolean, got 1",
    );
    expect((await rejection(() => c.queue.submit("fal-ai/x", { priority: 0 }))).message).toBe(
      'fal.queue.submit: options.priority must be "low" or "normal", got 0',
    );
    expect((await rejection(() => c.queue.subscribeToStatus("fal-ai/x", { requestId: "r", pollInterval: 0 }))).message).toBe(
      "fal.queue.subscribeToStatus: options.pollInterval must be a positive number of milliseconds, got 0",
    );
  });

  test("run without options is allowed", async () => {
    await expect(client().run("fal-ai/x")).resolves.toEqual({ data: {}, requestId: "" });
  });
});

describe("config", () => {
  test("bad config values throw a TypeError from createFalClient / fal.config", () => {
    expect(() => createFalClient({ credentials: 5 })).toThrow("fal-native: config.credentials must be a string or a function returning one, got 5");
    expect(() => createFalClient({ retry: { maxRetries: -1 } })).toThrow("fal-native: config.retry.maxRetries must be a non-negative number, got -1");
    expect(() => createFalClient({ retry: { maxRetries: 1.5 } })).toThrow("config.retry.maxRetries must be a non-negative integer");
    expect(() => createFalClient({ retry: { retryableStatusCodes: "503" } })).toThrow("config.retry.retryableStatusCodes must be an array");
    expect(() => createFalClient({ proxyUrl: 5 })).toThrow("fal-native: config.proxyUrl must be a URL string or");
    expect(() => createFalClient({ proxyUrl: { url: "/p", when: "sometimes" } })).toThrow('config.proxyUrl.when must be "browser", "always" or a function');
    expect(() => createFalClient({ requestMiddleware: {} })).toThrow("config.requestMiddleware must be a function");
    expect(() => createFalClient({ baseUrls: { queue: "ws://x" } })).toThrow(/config\.baseUrls\.queue must be an http\(s\) URL/);
    expect(() => createFalClient("key")).toThrow('fal-native: the client config must be an object, got "key"');
    expect(() => fal.config({ credentials: 1 })).toThrow(TypeError);
  });

  test("a credentials resolver returning a non-string rejects the call", async () => {
    const err = await rejection(() => createFalClient({ credentials: () => 42 }).run("a/b", {}));
    expect(err.message).toBe("fal-native: config.credentials must resolve to a string, got 42");
  });

  test("an invalid FAL_QUEUE_URL rejects calls, naming the variable", async () => {
    process.env.FAL_QUEUE_URL = "queue.local";
    try {
      const err = await rejection(() => client().queue.status("a/b", { requestId: "r" }));
      expect(err).toBeInstanceOf(TypeError);
      expect(err.message).toMatch(/^fal-native: FAL_QUEUE_URL must be an http\(s\) URL/);
    } finally {
      delete process.env.FAL_QUEUE_URL;
    }
  });

  test("fetch is accepted (and unused)", async () => {
    const fetch = jest.fn();
    await createFalClient({ credentials: "k", fetch }).run("a/b", {});
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("request ids become URL path segments", () => {
  const { createFalClient } = require("../../dist/lib");
  test.each([[".."], ["."], [""]])("queue.status/result/cancel refuse %p (a dot segment would change the path)", async (requestId) => {
    const fal = createFalClient({ credentials: "k" });
    for (const call of [fal.queue.status, fal.queue.result, fal.queue.cancel]) {
      await expect(call("fal-ai/flux/dev", { requestId })).rejects.toThrow(/options\.requestId must be/);
    }
  });
});
