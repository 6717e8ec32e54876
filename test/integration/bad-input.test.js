// Bad arguments through the real engine: async APIs reject (never throw synchronously) with the
// official Error for malformed endpoint ids and a TypeError naming the argument otherwise; bad
// config throws at createFalClient. Nothing reaches the wire and no rejection goes unhandled.
//
// Unhandled rejections: Jest's sandboxed `process` never receives 'unhandledRejection' (Jest
// itself fails a test in which one occurs), so the listener check runs in a real child process
// (test/helpers/unhandled-child.js), at the end of this file.
"use strict";

const path = require("path");
const { createFalClient, fal } = require("../../dist/lib");
const { startScriptServer } = require("../helpers/script-server");
const { runNode } = require("../helpers/run-node");
const { asyncRejectionOf: rejectionOf } = require("../helpers/wait");

let srv;
beforeAll(async () => {
  srv = await startScriptServer();
});
afterAll(() => srv.close());
afterEach(() => srv.reset());

const client = (extra = {}) => createFalClient({ credentials: "k", baseUrls: { run: srv.url, queue: srv.url }, ...extra });

async function expectRejection(fn, ErrorClass, message) {
  const err = await rejectionOf(fn);
  expect(err.constructor).toBe(ErrorClass);
  if (message instanceof RegExp) expect(err.message).toMatch(message);
  else expect(err.message).toBe(message);
  expect(srv.requests).toEqual([]); // nothing was sent
  return err;
}

describe("endpoint ids", () => {
  const INVALID_APP = "Invalid app id: flux. Must be in the format <appOwner>/<appId>";
  const calls = [
    ["fal.run", (c, id) => c.run(id, { input: { a: 1 } })],
    ["fal.subscribe", (c, id) => c.subscribe(id, { input: { a: 1 } })],
    ["fal.queue.submit", (c, id) => c.queue.submit(id, { input: { a: 1 } })],
    ["fal.queue.status", (c, id) => c.queue.status(id, { requestId: "r" })],
    ["fal.queue.result", (c, id) => c.queue.result(id, { requestId: "r" })],
    ["fal.queue.cancel", (c, id) => c.queue.cancel(id, { requestId: "r" })],
    ["fal.queue.subscribeToStatus", (c, id) => c.queue.subscribeToStatus(id, { requestId: "r" })],
  ];

  test.each(calls)('%s("flux") rejects with the official Error', async (_api, call) => {
    await expectRejection(() => call(client(), "flux"), Error, INVALID_APP);
  });

  test.each(calls)('%s("") and %s(42) reject with a TypeError naming endpointId', async (api, call) => {
    await expectRejection(() => call(client(), ""), TypeError, `${api}: endpointId must be a non-empty string like "fal-ai/flux/dev", got ""`);
    await expectRejection(() => call(client(), 42), TypeError, `${api}: endpointId must be a non-empty string like "fal-ai/flux/dev", got 42`);
    await expectRejection(() => call(client(), undefined), TypeError, /endpointId must be a non-empty string .* got undefined$/);
    await expectRejection(() => call(client(), { id: "fal-ai/x" }), TypeError, /endpointId must be .* got an object \(Object\)$/);
  });

  test("the fal singleton rejects the same way", async () => {
    fal.config({ credentials: "k", baseUrls: { run: srv.url, queue: srv.url } });
    await expectRejection(() => fal.run("flux", {}), Error, INVALID_APP);
    await expectRejection(() => fal.subscribe(null, {}), TypeError, /^fal\.subscribe: endpointId must be/);
    fal.config({});
  });

  test("a legacy numeric id is accepted and sent as owner/alias", async () => {
    srv.script("POST", "/12345/my-app", [{ json: { ok: true } }]);
    expect((await client().run("12345-my-app", { input: { a: 1 } })).data).toEqual({ ok: true });
    expect(srv.requests.map((r) => r.path)).toEqual(["/12345/my-app"]);
  });
});

describe("option types", () => {
  const S = "fal-ai/x";
  test.each([
    ["subscribe", { pollInterval: "100" }, 'fal.subscribe: options.pollInterval must be a positive number of milliseconds, got "100"'],
    ["subscribe", { pollInterval: 0 }, "fal.subscribe: options.pollInterval must be a positive number of milliseconds, got 0"],
    ["subscribe", { logs: "yes" }, 'fal.subscribe: options.logs must be a boolean, got "yes"'],
    ["subscribe", { priority: "urgent" }, 'fal.subscribe: options.priority must be "low" or "normal", got "urgent"'],
    ["subscribe", { abortSignal: {} }, "fal.subscribe: options.abortSignal must be an AbortSignal, got an object (Object)"],
    ["subscribe", { timeout: -1 }, "fal.subscribe: options.timeout must be a non-negative number of milliseconds, got -1"],
    ["subscribe", { onEnqueue: "cb" }, 'fal.subscribe: options.onEnqueue must be a function, got "cb"'],
    ["subscribe", { onQueueUpdate: {} }, "fal.subscribe: options.onQueueUpdate must be a function, got an object (Object)"],
    ["subscribe", { webhookUrl: 5 }, "fal.subscribe: options.webhookUrl must be a URL string, got 5"],
    ["subscribe", { hint: true }, "fal.subscribe: options.hint must be a string, got true"],
    ["subscribe", { mode: "push" }, 'fal.subscribe: options.mode must be "polling" or "streaming", got "push"'],
    ["subscribe", { headers: "x-a: 1" }, 'fal.subscribe: options.headers must be an object of header names to string values, got "x-a: 1"'],
    ["subscribe", { headers: { "x-a": { v: 1 } } }, 'fal.subscribe: options.headers["x-a"] must be a string, got an object (Object)'],
    ["submit", { priority: "high" }, 'fal.queue.submit: options.priority must be "low" or "normal", got "high"'],
    ["submit", { storageSettings: "1d" }, 'fal.queue.submit: options.storageSettings must be an object like { expiresIn: "1d" }, got "1d"'],
    ["run", { method: 5 }, 'fal.run: options.method must be a string such as "post" or "get", got 5'],
    ["run", { abortSignal: "stop" }, 'fal.run: options.abortSignal must be an AbortSignal, got "stop"'],
  ])("%s %j -> TypeError naming the option", async (api, options, message) => {
    const c = client();
    const call = { subscribe: () => c.subscribe(S, { input: { a: 1 }, ...options }), submit: () => c.queue.submit(S, { input: { a: 1 }, ...options }), run: () => c.run(S, { input: { a: 1 }, ...options }) }[api];
    await expectRejection(call, TypeError, message);
  });

  test("options that are not an object", async () => {
    await expectRejection(() => client().subscribe(S, null), TypeError, "fal.subscribe: options must be an object, got null");
    await expectRejection(() => client().run(S, "input"), TypeError, 'fal.run: options must be an object, got "input"');
    await expectRejection(() => client().queue.submit(S, []), TypeError, "fal.queue.submit: options must be an object, got an array");
  });

  test("requestId and status options", async () => {
    const c = client();
    await expectRejection(() => c.queue.status(S, {}), TypeError, "fal.queue.status: options.requestId must be the request id string returned by submit, got undefined");
    await expectRejection(() => c.queue.result(S, { requestId: "" }), TypeError, 'fal.queue.result: options.requestId must be the request id string returned by submit, got ""');
    await expectRejection(() => c.queue.cancel(S, { requestId: 7 }), TypeError, "fal.queue.cancel: options.requestId must be the request id string returned by submit, got 7");
    await expectRejection(() => c.queue.status(S, { requestId: "r", logs: 1 }), TypeError, "fal.queue.status: options.logs must be a boolean, got 1");
    await expectRejection(() => c.queue.status(S, undefined), TypeError, /fal\.queue\.status: options\.requestId must be/);
    await expectRejection(
      () => c.queue.subscribeToStatus(S, { requestId: "r", pollInterval: -5 }),
      TypeError,
      "fal.queue.subscribeToStatus: options.pollInterval must be a positive number of milliseconds, got -5",
    );
  });

  test("startTimeout keeps the official Error messages", async () => {
    await expectRejection(() => client().run(S, { input: { a: 1 }, startTimeout: 1 }), Error, "Timeout must be greater than 1 seconds");
    await expectRejection(() => client().subscribe(S, { input: { a: 1 }, startTimeout: "soon" }), Error, "Timeout must be a number, got soon");
    await expectRejection(() => client().queue.submit(S, { input: { a: 1 }, startTimeout: NaN }), Error, "Timeout must be a number, got NaN");
  });

  test("header values with CR/LF are refused instead of injecting headers", async () => {
    await expectRejection(
      () => client().queue.submit(S, { input: { a: 1 }, headers: { "x-a": "1\r\nx-injected: yes" } }),
      TypeError,
      'fal-native: invalid value for HTTP header "x-a" (contains CR, LF or NUL)',
    );
    await expectRejection(
      () => client().subscribe(S, { input: { a: 1 }, headers: { "bad name": "v" } }),
      TypeError,
      'fal-native: invalid HTTP header name "bad name"',
    );
  });

  test("input JSON cannot encode: a rejected TypeError, nothing sent", async () => {
    const circular = { a: 1 };
    circular.self = circular;
    await expectRejection(() => client().run(S, { input: circular }), TypeError, /circular/i);
    await expectRejection(() => client().subscribe(S, { input: { n: 10n } }), TypeError, /BigInt/);
    await expectRejection(() => client().queue.submit(S, { input: { n: 10n } }), TypeError, /BigInt/);
  });
});

describe("credentials, middleware and environment that go wrong at call time", () => {
  const S = "fal-ai/x";

  test("a credentials resolver that throws or returns a non-string", async () => {
    const boom = new Error("vault unavailable");
    const err = await rejectionOf(() =>
      client({
        credentials: () => {
          throw boom;
        },
      }).subscribe(S, { input: { a: 1 } }),
    );
    expect(err).toBe(boom);
    await expectRejection(() => client({ credentials: () => 42 }).run(S, { input: { a: 1 } }), TypeError, "fal-native: config.credentials must resolve to a string, got 42");
  });

  test("a middleware that throws, returns nothing, or a relative URL", async () => {
    const boom = new Error("middleware failed");
    const err = await rejectionOf(() =>
      client({
        requestMiddleware: async () => {
          throw boom;
        },
      }).subscribe(S, { input: { a: 1 } }),
    );
    expect(err).toBe(boom);
    expect(srv.requests).toEqual([]);
    await expectRejection(
      () => client({ requestMiddleware: async () => undefined }).run(S, { input: { a: 1 } }),
      TypeError,
      "fal-native: requestMiddleware must resolve to { url, method, headers }, got undefined",
    );
    await expectRejection(
      () => client({ requestMiddleware: async (r) => ({ ...r, url: "/api/fal/proxy" }) }).queue.submit(S, { input: { a: 1 } }),
      TypeError,
      'fal-native: request URL "/api/fal/proxy" is not an absolute http(s) URL',
    );
  });

  test("a bad FAL_QUEUE_URL rejects at call time naming the variable", async () => {
    const saved = process.env.FAL_QUEUE_URL;
    process.env.FAL_QUEUE_URL = "ftp://queue.example";
    try {
      const c = createFalClient({ credentials: "k" });
      await expectRejection(
        () => c.subscribe(S, { input: { a: 1 } }),
        TypeError,
        'fal-native: FAL_QUEUE_URL must be an http(s) URL such as "http://127.0.0.1:8787/queue" (unsupported scheme ftp:), got "ftp://queue.example"',
      );
      await expectRejection(() => c.queue.status(S, { requestId: "r" }), TypeError, /FAL_QUEUE_URL must be an http\(s\) URL/);
    } finally {
      if (saved === undefined) delete process.env.FAL_QUEUE_URL;
      else process.env.FAL_QUEUE_URL = saved;
    }
  });
});

describe("createFalClient throws a TypeError for bad config", () => {
  test.each([
    [{ baseUrls: { queue: "ftp://x" } }, /config\.baseUrls\.queue must be an http\(s\) URL .*unsupported scheme ftp:/],
    [{ baseUrls: { queue: "not a url" } }, /config\.baseUrls\.queue must be an http\(s\) URL .*not a valid URL/],
    [{ baseUrls: { run: "" } }, /config\.baseUrls\.run must be an http\(s\) URL .*not a non-empty string/],
    [{ baseUrls: { run: 8080 } }, /config\.baseUrls\.run must be an http\(s\) URL .*not a non-empty string/],
    [{ baseUrls: { cdn: "http://x/files?a=1" } }, /config\.baseUrls\.cdn .*query strings and fragments are not allowed/],
    [{ baseUrls: { rest: "http://user:pw@x" } }, /config\.baseUrls\.rest .*credentials in the URL are not allowed/],
    [{ baseUrls: { storage: "http://x" } }, "fal-native: config.baseUrls.storage is not a known service (expected run, queue, rest, cdn)"],
    [{ baseUrls: "http://x" }, 'fal-native: config.baseUrls must be an object like { queue: "http://..." }, got string'],
    [{ baseUrls: null }, 'fal-native: config.baseUrls must be an object like { queue: "http://..." }, got object'],
    [{ retry: { maxRetries: -1 } }, "fal-native: config.retry.maxRetries must be a non-negative number, got -1"],
    [{ retry: { maxRetries: 1.5 } }, "fal-native: config.retry.maxRetries must be a non-negative integer, got 1.5"],
    [{ retry: { baseDelay: "5" } }, 'fal-native: config.retry.baseDelay must be a non-negative number, got "5"'],
    [{ retry: { enableJitter: "no" } }, 'fal-native: config.retry.enableJitter must be a boolean, got "no"'],
    [{ retry: { retryableStatusCodes: "503" } }, 'fal-native: config.retry.retryableStatusCodes must be an array of HTTP status codes, got "503"'],
    [{ retry: 3 }, "fal-native: config.retry must be an object like { maxRetries: 3 }, got 3"],
    [{ credentials: 42 }, "fal-native: config.credentials must be a string or a function returning one, got 42"],
    [{ requestMiddleware: "mw" }, 'fal-native: config.requestMiddleware must be a function, got "mw"'],
    [{ responseHandler: {} }, "fal-native: config.responseHandler must be a function, got an object (Object)"],
    [{ proxyUrl: 5 }, /^fal-native: config\.proxyUrl must be a URL string or \{ url: string/],
    [{ proxyUrl: { url: "http://p", when: "sometimes" } }, 'fal-native: config.proxyUrl.when must be "browser", "always" or a function, got "sometimes"'],
  ])("%j", (config, message) => {
    let err;
    try {
      createFalClient(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TypeError);
    if (message instanceof RegExp) expect(err.message).toMatch(message);
    else expect(err.message).toBe(message);
  });

  test.each([[null], ["k"], [[]]])("config %j itself", (config) => {
    expect(() => createFalClient(config)).toThrow(TypeError);
    expect(() => createFalClient(config)).toThrow(/^fal-native: the client config must be an object, got /);
  });

  test("fal.config() validates the same way", () => {
    expect(() => fal.config({ baseUrls: { queue: "ftp://x" } })).toThrow(TypeError);
  });
});

test("after all of that, the same kind of client still works end to end", async () => {
  srv.script("POST", "/fal-ai/x", [{ json: { request_id: "r1", status: "IN_QUEUE" } }]);
  srv.script("GET", "/fal-ai/x/requests/r1/status", [{ json: { status: "COMPLETED", request_id: "r1" } }]);
  srv.script("GET", "/fal-ai/x/requests/r1", [{ json: { fine: true }, headers: { "x-fal-request-id": "r1" } }]);
  expect(await client().subscribe("fal-ai/x", { input: { a: 1 }, pollInterval: 5 })).toEqual({ data: { fine: true }, requestId: "r1" });
});

describe("an unhandledRejection listener in a real process", () => {
  async function runChild(args = []) {
    const { code, signal, stdout, stderr, timedOut } = await runNode(path.join(__dirname, "..", "helpers", "unhandled-child.js"), args);
    return { code, signal, stderr, timedOut, report: stdout.trim() ? JSON.parse(stdout.trim()) : undefined };
  }

  test("never fires for bad arguments, failing calls, timeouts (background cancel) and aborts", async () => {
    const { code, signal, stderr, timedOut, report } = await runChild();
    expect({ code, signal, stderr, timedOut }).toEqual({ code: 0, signal: null, stderr: "", timedOut: false });
    expect(report).toEqual({
      calls: 25,
      rejected: 25,
      resolved: 0,
      thrown: 0,
      createErrors: ["TypeError", "TypeError", "TypeError", "TypeError"],
      unhandled: [],
    });
  });

  test("(self-check: the same listener does see a rejection left unhandled on purpose)", async () => {
    const { code, report } = await runChild(["probe"]);
    expect(code).toBe(0);
    expect(report.unhandled).toHaveLength(1);
    expect(report.unhandled[0]).toMatch(/^Error: deliberately unhandled/);
  });
});
