// Issue 10 (JS side), over real loopback servers and the real addon: the key never reaches a host
// other than the one the URL check saw, methods are HTTP tokens, whole-call timeouts, and which
// bodies are JSON.
"use strict";

const { createFalClient, TransportError, ApiError, isRetryableError } = require("../../dist/lib");
const { startScriptServer } = require("../helpers/script-server");
const { rejectionOf, waitFor } = require("../helpers/wait");

const KEY = "secret-key-1234";
let good;
let evil;
beforeAll(async () => {
  good = await startScriptServer();
  evil = await startScriptServer();
});
afterEach(() => {
  good.reset();
  evil.reset();
});
afterAll(async () => {
  await good.close();
  await evil.close();
});

const hostPort = (srv) => srv.url.replace(/^http:\/\//, "");
const client = (extra = {}) =>
  createFalClient({ credentials: KEY, baseUrls: { run: good.url, queue: good.url, rest: good.url }, retry: { maxRetries: 0 }, ...extra });

/** Gives a pending request time to reach a server before asserting that none did. */
const settleNetwork = () => new Promise((resolve) => setTimeout(resolve, 100));

describe("the key goes only to the host the URL check saw (defect 1)", () => {
  const leakyIds = () => [
    `http://fal.ai\\@${hostPort(evil)}/x`,
    `https://fal.run\\@${hostPort(evil)}/x`,
    `http://fal.run\\@${hostPort(evil)}/fal-ai/flux`,
    "fal-ai/flux\\@evil.example",
    "fal-ai/fl@ux",
    "fal-ai/flux\u0000/../../evil",
    "fal-ai/flux\r\nX-Injected: 1",
    "fal-ai/flux\u007f",
  ];

  test.each([
    ["fal.run", (fal, id) => fal.run(id, { input: { prompt: "p" } })],
    ["fal.queue.submit", (fal, id) => fal.queue.submit(id, { input: { prompt: "p" } })],
    ["fal.queue.status", (fal, id) => fal.queue.status(id, { requestId: "r1" })],
    ["fal.subscribe", (fal, id) => fal.subscribe(id, { input: { prompt: "p" } })],
  ])("%s refuses endpoint ids with \\, @, control characters or NUL (TypeError naming endpointId)", async (api, call) => {
    const fal = client();
    for (const id of leakyIds()) {
      const error = await rejectionOf(call(fal, id));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(api);
      expect(error.message).toContain("endpointId");
    }
    await settleNetwork();
    expect(evil.requests).toEqual([]);
    expect(good.requests).toEqual([]);
  });

  test("fal.stream refuses the same ids", async () => {
    const fal = client();
    const error = await rejectionOf(fal.stream(`http://fal.ai\\@${hostPort(evil)}/x`, { input: {} }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain("endpointId");
    await settleNetwork();
    expect(evil.requests).toEqual([]);
  });

  test("the native side gets the serialized URL that was checked (a middleware's backslash URL goes to its WHATWG host)", async () => {
    good.script("POST", /^\//, [{ json: { ok: true } }]);
    evil.script("POST", /^\//, [{ json: { stolen: true } }]);
    const fal = client({
      requestMiddleware: async (req) => ({ ...req, url: `${good.url}\\@${hostPort(evil)}/x` }),
    });
    const result = await fal.run("fal-ai/flux", { input: { prompt: "p" } });
    expect(result.data).toEqual({ ok: true });
    expect(evil.requests).toEqual([]);
    expect(good.requests).toHaveLength(1);
    expect(good.requests[0].path).toBe(`/@${hostPort(evil)}/x`);
    expect(good.requests[0].headers.authorization).toBe(`Key ${KEY}`);
  });

  test("an absolute URL under a base-URL override keeps its host and path", async () => {
    good.script("POST", "/fal-ai/flux/dev/", [{ json: { ok: 1 } }]);
    const fal = client();
    await expect(fal.run(`${good.url}/fal-ai/flux/dev`, { input: { a: 1 } })).resolves.toMatchObject({ data: { ok: 1 } });
    expect(good.requests[0].headers.authorization).toBe(`Key ${KEY}`);
  });
});

describe("methods are HTTP tokens (defect 5, JS half)", () => {
  test.each([
    ["fal.run", (fal, method) => fal.run("fal-ai/flux", { method, input: {} })],
    ["fal.queue.submit", (fal, method) => fal.queue.submit("fal-ai/flux", { method, input: {} })],
    ["fal.stream", (fal, method) => fal.stream("fal-ai/flux", { method, input: {} })],
  ])("%s refuses a method with CR/LF, spaces or other non-token characters", async (api, call) => {
    const fal = client();
    for (const method of ["GET / HTTP/1.1\r\nX-Injected: 1\r\n\r\nPOST", "PO ST", "POST\n", "", "GET\u0000", "PÖST"]) {
      const error = await rejectionOf(call(fal, method));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/method/);
    }
    await settleNetwork();
    expect(good.requests).toEqual([]);
  });

  test("a middleware that returns a bad method is refused before any request", async () => {
    const fal = client({ requestMiddleware: async (req) => ({ ...req, method: "POST\r\nX-Injected: 1" }) });
    const error = await rejectionOf(fal.run("fal-ai/flux", { input: {} }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/method/);
    await settleNetwork();
    expect(good.requests).toEqual([]);
  });

  test("token methods other than the usual ones still work (lower case is sent upper-cased)", async () => {
    good.script("PATCH", "/fal-ai/flux", [{ json: { patched: true } }]);
    const fal = client();
    await expect(fal.run("fal-ai/flux", { method: "patch", input: { a: 1 } })).resolves.toMatchObject({ data: { patched: true } });
  });
});

describe("whole-call timeout: callTimeout (defect 3, JS half)", () => {
  const hang = [{ hang: true }];

  async function expectTimeout(promise, api, ms, path) {
    const started = Date.now();
    const error = await rejectionOf(promise);
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe("ETIMEDOUT");
    expect(error.message).toContain(api);
    expect(error.message).toContain(`whole-call timeout of ${ms} ms`);
    expect(error.cause.code).toBe("ETIMEDOUT");
    // The user's own deadline, like AbortSignal.timeout(): never retryable.
    expect(isRetryableError(error, [504])).toBe(false);
    expect(took).toBeGreaterThanOrEqual(ms - 20);
    expect(took).toBeLessThan(ms + 1500);
    // The native transfer was cancelled, not left running.
    const seen = await waitFor(() => good.requests.find((r) => r.path.startsWith(path) && r.clientClosed), `cancelled ${path}`);
    expect(seen).toBeTruthy();
    return error;
  }

  test("run: a server that never answers", async () => {
    good.script("POST", "/fal-ai/flux", hang);
    const error = await expectTimeout(client().run("fal-ai/flux", { input: {}, callTimeout: 300 }), "fal.run", 300, "/fal-ai/flux");
    expect(error.message).toBe(`fal-native: fal.run: POST ${good.url}/fal-ai/flux did not finish within its whole-call timeout of 300 ms (ETIMEDOUT)`);
    expect(error.url).toBe(`${good.url}/fal-ai/flux`);
  });

  test("the limit covers retries and backoff (503s then a hang)", async () => {
    good.script("POST", "/fal-ai/flux", [{ status: 503, json: { detail: "busy" } }, { status: 503, json: { detail: "busy" } }, { hang: true }]);
    const fal = client({ retry: { maxRetries: 5, baseDelay: 50, maxDelay: 50 } });
    await expectTimeout(fal.run("fal-ai/flux", { input: {}, callTimeout: 400 }), "fal.run", 400, "/fal-ai/flux");
    expect(good.requests.length).toBe(3);
  });

  test("queue.submit, status, result and cancel take it per call, and config.callTimeout is their default", async () => {
    good.script("POST", "/fal-ai/flux", hang);
    good.script("GET", "/fal-ai/flux/requests/r1/status", hang);
    good.script("GET", "/fal-ai/flux/requests/r1", hang);
    good.script("PUT", "/fal-ai/flux/requests/r1/cancel", hang);
    const fal = client({ callTimeout: 250 });
    await expectTimeout(fal.queue.submit("fal-ai/flux", { input: {} }), "fal.queue.submit", 250, "/fal-ai/flux");
    await expectTimeout(fal.queue.status("fal-ai/flux", { requestId: "r1" }), "fal.queue.status", 250, "/fal-ai/flux/requests/r1/status");
    await expectTimeout(fal.queue.result("fal-ai/flux", { requestId: "r1", callTimeout: 200 }), "fal.queue.result", 200, "/fal-ai/flux/requests/r1");
    await expectTimeout(fal.queue.cancel("fal-ai/flux", { requestId: "r1" }), "fal.queue.cancel", 250, "/fal-ai/flux/requests/r1/cancel");
  });

  test("callTimeout: 0 means no limit even with a config default; an abort still works", async () => {
    good.script("GET", "/fal-ai/flux/requests/r1/status", [{ delayMs: 400, json: { status: "COMPLETED", request_id: "r1" } }]);
    const fal = client({ callTimeout: 100 });
    await expect(fal.queue.status("fal-ai/flux", { requestId: "r1", callTimeout: 0 })).resolves.toMatchObject({ status: "COMPLETED" });
    good.script("GET", "/fal-ai/flux/requests/r2/status", hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(fal.queue.status("fal-ai/flux", { requestId: "r2", abortSignal: controller.signal }));
    expect(error.name).toBe("AbortError");
  });

  test("a call that finishes in time is unaffected and leaves no timer behind", async () => {
    good.script("POST", "/fal-ai/flux", [{ json: { ok: true } }]);
    await expect(client({ callTimeout: 5000 }).run("fal-ai/flux", { input: {} })).resolves.toMatchObject({ data: { ok: true } });
  });

  test("storage.upload: one limit for initiate and the PUT", async () => {
    const fal = client();
    good.script("POST", "/storage/upload/initiate", [{ json: { upload_url: `${good.url}/put/file.bin`, file_url: `${good.url}/files/file.bin` } }]);
    good.script("PUT", "/put/file.bin", hang);
    await expectTimeout(fal.storage.upload(Buffer.from("hello"), { callTimeout: 300 }), "fal.storage.upload", 300, "/put/file.bin");
  });

  test("storage.download: one limit for the call", async () => {
    good.script("GET", "/files/a.png", hang);
    await expectTimeout(client({ callTimeout: 250 }).storage.download(`${good.url}/files/a.png`), "fal.storage.download", 250, "/files/a.png");
  });

  test("bad values are TypeErrors naming the option", async () => {
    expect(() => createFalClient({ callTimeout: -1 })).toThrow("config.callTimeout must be a non-negative number of milliseconds");
    expect(() => createFalClient({ callTimeout: "5s" })).toThrow(TypeError);
    const fal = client();
    const error = await rejectionOf(fal.run("fal-ai/flux", { callTimeout: -5 }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain("fal.run: options.callTimeout");
    await expect(fal.queue.status("fal-ai/flux", { requestId: "r", callTimeout: NaN })).rejects.toThrow("options.callTimeout");
    await expect(fal.storage.upload(Buffer.from("x"), { callTimeout: -1 })).rejects.toThrow("fal.storage.upload: options.callTimeout");
  });

  test("subscribe's own timeout keeps the official message", async () => {
    good.script("POST", "/fal-ai/flux", [{ json: { status: "IN_QUEUE", request_id: "r1", queue_position: 0 } }]);
    good.script("GET", "/fal-ai/flux/requests/r1/status", [{ status: 202, json: { status: "IN_QUEUE", request_id: "r1", queue_position: 0 } }]);
    good.script("PUT", "/fal-ai/flux/requests/r1/cancel", [{ status: 202, json: {} }]);
    const error = await rejectionOf(client().subscribe("fal-ai/flux", { input: {}, timeout: 300, pollInterval: 50 }));
    expect(error.message).toBe("Client timed out waiting for the request to complete after 300ms");
  });
});

describe("which bodies are JSON: the native bodyIsJson flag (defect 7, JS half)", () => {
  test("a valid application/vnd.api+json result comes back as a string, as officially", async () => {
    const body = JSON.stringify({ data: { type: "x", id: "1" } });
    good.script("POST", "/fal-ai/flux", [{ body, headers: { "content-type": "application/vnd.api+json" } }]);
    const result = await client().run("fal-ai/flux", { input: {} });
    expect(result.data).toBe(body);
  });

  test("a broken +json body is text, not a malformed-JSON error", async () => {
    good.script("POST", "/fal-ai/flux", [{ body: "{not json", headers: { "content-type": "application/problem+json" } }]);
    const result = await client().run("fal-ai/flux", { input: {} });
    expect(result.data).toBe("{not json");
  });

  test("Application/JSON in any case is JSON; a broken one is an ApiError saying so", async () => {
    good.script("POST", "/fal-ai/flux", [{ body: JSON.stringify({ a: 1 }), headers: { "content-type": "Application/JSON; charset=utf-8" } }]);
    await expect(client().run("fal-ai/flux", { input: {} })).resolves.toMatchObject({ data: { a: 1 } });
    good.reset();
    good.script("POST", "/fal-ai/flux", [{ body: "{oops", headers: { "content-type": "application/json" } }]);
    const error = await rejectionOf(client().run("fal-ai/flux", { input: {} }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain("malformed JSON");
  });
});
