// Faults over real loopback HTTP: a scripted server answers with retryable statuses, resets,
// truncated or malformed bodies, hangs and delays, and records what the native engine really sent.
"use strict";

const { createFalClient, ApiError, ValidationError, TransportError, isRetryableError } = require("../../dist/lib");
const { startScriptServer } = require("../helpers/script-server");
const { closedPort } = require("../helpers/closed-port");
const { waitFor, rejectionOf, outcomeWithin } = require("../helpers/wait");

const FAST = { baseDelay: 5, maxDelay: 20 };
const ENDPOINT = "fal-ai/x"; // submit and run: /fal-ai/x; status/result/cancel: /fal-ai/x/requests/<id>...

let srv;
beforeAll(async () => {
  srv = await startScriptServer();
});
afterEach(() => srv.reset());
afterAll(() => srv.close());

const client = (extra = {}) =>
  createFalClient({
    credentials: "fault-key",
    baseUrls: { run: srv.url, queue: srv.url },
    ...extra,
    retry: { ...FAST, ...(extra.retry || {}) },
  });

const seen = (method, path) => srv.requests.filter((r) => r.method === method && r.path === path);
const requestsPath = (id = "r1") => `/fal-ai/x/requests/${id}`;

const queueStatus = (status, id = "r1") => ({
  status,
  request_id: id,
  response_url: `${srv.url}${requestsPath(id)}`,
  status_url: `${srv.url}${requestsPath(id)}/status`,
  cancel_url: `${srv.url}${requestsPath(id)}/cancel`,
  ...(status === "IN_QUEUE" ? { queue_position: 0 } : { logs: null }),
});

/** Scripts a whole happy queue conversation for request r1; each part can be overridden. */
function scriptQueue({ submit, status, result, cancel } = {}) {
  srv.script("POST", "/fal-ai/x", submit || [{ json: queueStatus("IN_QUEUE") }]);
  srv.script("GET", `${requestsPath()}/status`, status || [{ status: 202, json: queueStatus("IN_PROGRESS") }, { json: queueStatus("COMPLETED") }]);
  srv.script("GET", requestsPath(), result || [{ json: { images: [], seed: 1 }, headers: { "x-fal-request-id": "r1" } }]);
  srv.script("PUT", `${requestsPath()}/cancel`, cancel || [{ status: 202, json: { status: "CANCELLATION_REQUESTED" } }]);
}

describe("retries", () => {
  test("429, then 503, then 200: run succeeds on the third attempt", async () => {
    srv.script("POST", "/fal-ai/x", [
      { status: 429, json: { detail: "Too many requests" } },
      { status: 503, json: { detail: "Service unavailable" } },
      { json: { ok: true }, headers: { "x-fal-request-id": "rid-3" } },
    ]);
    const result = await client().run(ENDPOINT, { input: { prompt: "p" } });
    expect(result).toEqual({ data: { ok: true }, requestId: "rid-3" });
    const attempts = seen("POST", "/fal-ai/x");
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) {
      expect(attempt.body).toBe(JSON.stringify({ prompt: "p" }));
      expect(attempt.headers.authorization).toBe("Key fault-key");
    }
  });

  test("submit, status and result each retry 429/502/503/504 inside one subscribe", async () => {
    scriptQueue({
      submit: [{ status: 429, json: {} }, { json: queueStatus("IN_QUEUE") }],
      status: [{ status: 503, json: {} }, { status: 202, json: queueStatus("IN_PROGRESS") }, { status: 504, json: {} }, { json: queueStatus("COMPLETED") }],
      result: [{ status: 502, body: "bad gateway" }, { json: { images: ["ok"] }, headers: { "x-fal-request-id": "r1" } }],
    });
    const updates = [];
    const result = await client().subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5, onQueueUpdate: (s) => updates.push(s.status) });
    expect(result).toEqual({ data: { images: ["ok"] }, requestId: "r1" });
    expect(seen("POST", "/fal-ai/x")).toHaveLength(2);
    expect(seen("GET", `${requestsPath()}/status`)).toHaveLength(4);
    expect(seen("GET", requestsPath())).toHaveLength(2);
    // Failed attempts are retried natively; only real statuses reach onQueueUpdate.
    expect(updates).toEqual(["IN_PROGRESS", "COMPLETED"]);
  });

  test("when retries run out the last error surfaces (run: 1 + 3 attempts)", async () => {
    srv.script("POST", "/fal-ai/x", [{ status: 503, json: { detail: "still down" }, headers: { "x-fal-request-id": "rid-503" } }]);
    const err = await rejectionOf(client().run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.body).toEqual({ detail: "still down" });
    expect(err.requestId).toBe("rid-503");
    expect(isRetryableError(err, [503])).toBe(true);
    expect(seen("POST", "/fal-ai/x")).toHaveLength(4);
  });

  describe("user retry: { maxRetries: 0 } is honoured by every call", () => {
    const noRetry = () => client({ retry: { maxRetries: 0 } });
    const unavailable = [{ status: 503, json: { detail: "down" } }];

    test.each([
      ["run", "POST", "/fal-ai/x", (fal) => fal.run(ENDPOINT, { input: { a: 1 } })],
      ["queue.submit", "POST", "/fal-ai/x", (fal) => fal.queue.submit(ENDPOINT, { input: { a: 1 } })],
      ["queue.status", "GET", `${requestsPath()}/status`, (fal) => fal.queue.status(ENDPOINT, { requestId: "r1" })],
      ["queue.result", "GET", requestsPath(), (fal) => fal.queue.result(ENDPOINT, { requestId: "r1" })],
      ["queue.cancel", "PUT", `${requestsPath()}/cancel`, (fal) => fal.queue.cancel(ENDPOINT, { requestId: "r1" })],
    ])("%s: one attempt", async (_name, method, path, call) => {
      srv.script(method, path, unavailable);
      const err = await rejectionOf(call(noRetry()));
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(503);
      expect(srv.requests).toHaveLength(1);
    });

    test.each([
      ["native subscribe", {}],
      ["JS-path subscribe", { requestMiddleware: async (r) => r }],
    ])("%s: one attempt at submit, at status and at result", async (_name, extra) => {
      const fal = client({ ...extra, retry: { maxRetries: 0 } });

      scriptQueue({ submit: unavailable });
      expect((await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }))).status).toBe(503);
      expect(srv.requests).toHaveLength(1);

      srv.reset();
      scriptQueue({ status: [{ status: 500, json: { detail: "boom" } }] });
      expect((await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }))).status).toBe(500);
      expect(seen("GET", `${requestsPath()}/status`)).toHaveLength(1);

      srv.reset();
      scriptQueue({ status: [{ json: queueStatus("COMPLETED") }], result: unavailable });
      expect((await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }))).status).toBe(503);
      expect(seen("GET", requestsPath())).toHaveLength(1);
    });
  });

  test("user retryableStatusCodes replace the per-call lists", async () => {
    srv.script("POST", "/fal-ai/x", [{ status: 418, json: {} }, { status: 418, json: {} }, { json: { brewed: true } }]);
    const fal = client({ retry: { retryableStatusCodes: [418] } });
    expect((await fal.run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ brewed: true });
    expect(srv.requests).toHaveLength(3);

    srv.reset();
    srv.script("POST", "/fal-ai/x", [{ status: 503, json: {} }, { json: {} }]);
    expect((await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }))).status).toBe(503);
    expect(srv.requests).toHaveLength(1);
  });

  test("500 is retried on status calls but not on run or result", async () => {
    srv.script("GET", `${requestsPath()}/status`, [{ status: 500, json: {} }, { status: 500, json: {} }, { status: 202, json: queueStatus("IN_PROGRESS") }]);
    const fal = client();
    expect((await fal.queue.status(ENDPOINT, { requestId: "r1" })).status).toBe("IN_PROGRESS");
    expect(srv.requests).toHaveLength(3);

    srv.reset();
    srv.script("POST", "/fal-ai/x", [{ status: 500, json: { detail: "Internal Server Error" } }, { json: {} }]);
    const err = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(500);
    expect(srv.requests).toHaveLength(1);

    srv.reset();
    scriptQueue({
      status: [{ status: 500, json: {} }, { json: queueStatus("COMPLETED") }],
      result: [{ status: 500, json: { detail: "Internal Server Error" } }, { json: {} }],
    });
    const subscribeErr = await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }));
    expect(subscribeErr.status).toBe(500);
    expect(seen("GET", `${requestsPath()}/status`)).toHaveLength(2);
    expect(seen("GET", requestsPath())).toHaveLength(1);
  });

  test("a user-timeout 504 is not retried and says so; a plain 504 is retried", async () => {
    const userTimeout = {
      status: 504,
      headers: { "x-fal-request-timeout-type": "user", "x-fal-request-id": "rid-504" },
      json: { detail: "Request timed out", error_type: "request_timeout" },
    };
    srv.script("POST", "/fal-ai/x", [userTimeout, { json: {} }]);
    const err = await rejectionOf(client().run(ENDPOINT, { input: { a: 1 }, startTimeout: 5 }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(504);
    expect(err.timeoutType).toBe("user");
    expect(err.isUserTimeout).toBe(true);
    expect(err.requestId).toBe("rid-504");
    expect(isRetryableError(err, [504])).toBe(false);
    expect(srv.requests).toHaveLength(1);
    expect(srv.requests[0].headers["x-fal-request-timeout"]).toBe("5");

    srv.reset();
    scriptQueue({ status: [{ json: queueStatus("COMPLETED") }], result: [userTimeout, { json: {} }] });
    const subscribeErr = await rejectionOf(client().subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }));
    expect(subscribeErr.isUserTimeout).toBe(true);
    expect(seen("GET", requestsPath())).toHaveLength(1);

    srv.reset();
    srv.script("POST", "/fal-ai/x", [{ status: 504, json: {} }, { json: { second: true } }]);
    expect((await client().run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ second: true });
    expect(srv.requests).toHaveLength(2);
  });
});

describe("transport failures", () => {
  test("a connection reset, then success: retried", async () => {
    srv.script("POST", "/fal-ai/x", [{ reset: true }, { json: { after: "reset" } }]);
    expect((await client().run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ after: "reset" });
    expect(srv.requests).toHaveLength(2);

    srv.reset();
    scriptQueue({ status: [{ reset: true }, { json: queueStatus("COMPLETED") }], result: [{ reset: true }, { json: { done: 1 } }] });
    expect((await client().subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 })).data).toEqual({ done: 1 });
    expect(seen("GET", `${requestsPath()}/status`)).toHaveLength(2);
    expect(seen("GET", requestsPath())).toHaveLength(2);
  });

  test("resets forever: TransportError ECONNRESET after every attempt, retryable", async () => {
    srv.script("POST", "/fal-ai/x", [{ reset: true }]);
    const err = await rejectionOf(client().run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(err.name).toBe("TransportError");
    expect(err.code).toBe("ECONNRESET");
    expect(err.cause).toBeInstanceOf(Error);
    expect(err.cause.code).toBe("ECONNRESET");
    expect(err.url).toBe(`${srv.url}/fal-ai/x`);
    expect(err.attempts).toBe(4);
    expect(err.message).toContain(`${srv.url}/fal-ai/x`);
    expect(isRetryableError(err, [])).toBe(true);
    expect(srv.requests).toHaveLength(4);
  });

  // The status calls reuse the connection the submit left open, so this also meets the re-send
  // described in the next test: 1 + maxRetries attempts are expected on the wire.
  test("resets forever inside subscribe: the status call's TransportError", async () => {
    scriptQueue({ status: [{ reset: true }] });
    const err = await rejectionOf(client({ retry: { maxRetries: 2 } }).subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe("ECONNRESET");
    expect(err.url).toBe(`${srv.url}${requestsPath()}/status?logs=0`);
    expect(err.message).toMatch(/^fal-native: GET /);
    // 3 attempts; libcurl may resend the first GET once on its own, because it went out on the
    // submit's reused keep-alive connection that died before any response byte (documented in
    // the README; idempotent requests only once the user disables retries).
    const polls = seen("GET", `${requestsPath()}/status`).length;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(4);
  });

  // libcurl silently re-sends a request whose reused keep-alive connection dies before any
  // response byte; the user's retry budget (and a non-idempotent POST) must still hold.
  test("maxRetries 0: a POST reset on a reused keep-alive connection reaches the server once", async () => {
    srv.script("POST", "/fal-ai/warm", [{ json: {} }]);
    srv.script("POST", "/fal-ai/x", [{ reset: true }]);
    const fal = client({ retry: { maxRetries: 0 } });
    await fal.run("fal-ai/warm", { input: { a: 1 } }); // leaves a keep-alive connection in the pool
    const err = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err.attempts).toBe(1);
    expect(seen("POST", "/fal-ai/x")).toHaveLength(1);
  });

  test("connection refused: TransportError ECONNREFUSED, retried, retryable", async () => {
    const port = await closedPort();
    const fal = createFalClient({
      credentials: "k",
      baseUrls: { run: `http://127.0.0.1:${port}`, queue: `http://127.0.0.1:${port}` },
      retry: { ...FAST, maxRetries: 1 },
    });
    const err = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.cause.code).toBe("ECONNREFUSED");
    expect(err.attempts).toBe(2);
    expect(isRetryableError(err, [])).toBe(true);

    const subscribeErr = await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 } }));
    expect(subscribeErr).toBeInstanceOf(TransportError);
    expect(subscribeErr.code).toBe("ECONNREFUSED");
    expect(subscribeErr.url).toBe(`http://127.0.0.1:${port}/fal-ai/x`);
  });

  test("a truncated body is retried; truncated every time it is a TransportError", async () => {
    srv.script("POST", "/fal-ai/x", [{ truncate: true, json: { long: "x".repeat(200) } }, { json: { whole: true } }]);
    expect((await client().run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ whole: true });
    expect(srv.requests).toHaveLength(2);

    srv.reset();
    srv.script("POST", "/fal-ai/x", [{ truncate: true, json: { long: "x".repeat(200) } }]);
    const err = await rejectionOf(client({ retry: { maxRetries: 1 } }).run(ENDPOINT, { input: { a: 1 } }));
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe("ECONNRESET");
    expect(srv.requests).toHaveLength(2);
  });
});

describe("bodies", () => {
  const malformed = { status: 200, headers: { "content-type": "application/json" }, body: '{"images": [' };

  test.each([
    ["run", "POST", "/fal-ai/x", (fal) => fal.run(ENDPOINT, { input: { a: 1 } })],
    ["queue.submit", "POST", "/fal-ai/x", (fal) => fal.queue.submit(ENDPOINT, { input: { a: 1 } })],
    ["queue.status", "GET", `${requestsPath()}/status`, (fal) => fal.queue.status(ENDPOINT, { requestId: "r1" })],
    ["queue.result", "GET", requestsPath(), (fal) => fal.queue.result(ENDPOINT, { requestId: "r1" })],
  ])("malformed JSON in a 2xx (%s) is an ApiError naming it, with the raw text", async (_name, method, path, call) => {
    srv.script(method, path, [malformed]);
    const err = await rejectionOf(call(client()));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(200);
    expect(err.message).toMatch(/malformed JSON/);
    expect(err.body).toBe('{"images": [');
    expect(srv.requests).toHaveLength(1); // not retried
  });

  // The documented difference "malformed 2xx JSON -> ApiError" applies to subscribe too; the
  // JS path (middleware) already does this, the native subscribe job must agree.
  test.each([
    ["submit", { submit: [malformed] }],
    ["status", { status: [malformed] }],
  ])("malformed JSON in a 2xx %s inside subscribe is an ApiError (native and JS path agree)", async (_name, parts) => {
    scriptQueue(parts);
    const viaJs = await rejectionOf(client({ requestMiddleware: async (r) => r }).subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }));
    expect(viaJs).toBeInstanceOf(ApiError);
    expect(viaJs.message).toMatch(/malformed JSON/);

    srv.reset();
    scriptQueue(parts);
    const native = await rejectionOf(client().subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 }));
    expect(native).toBeInstanceOf(ApiError);
    expect(native.status).toBe(200);
    expect(native.message).toMatch(/malformed JSON/);
  });

  test("non-JSON error bodies: ApiError 'HTTP <status>: <reason>' without a body", async () => {
    const fal = client({ retry: { maxRetries: 0 } });
    srv.script("POST", "/fal-ai/x", [{ status: 502, headers: { "content-type": "text/html" }, body: "<html>Bad Gateway</html>" }]);
    const bad = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad.message).toBe("HTTP 502: Bad Gateway");
    expect(bad.status).toBe(502);
    expect(bad.body).toBeUndefined();

    srv.reset();
    srv.script("POST", "/fal-ai/x", [{ status: 422, body: "nope" }]);
    const plain422 = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(plain422).toBeInstanceOf(ApiError);
    expect(plain422).not.toBeInstanceOf(ValidationError);
    expect(plain422.message).toBe("HTTP 422: Unprocessable Entity");

    srv.reset();
    scriptQueue({ submit: [{ status: 404, body: "no such app" }] });
    const subscribeErr = await rejectionOf(fal.subscribe(ENDPOINT, { input: { a: 1 } }));
    expect(subscribeErr.message).toBe("HTTP 404: Not Found");
  });

  test("JSON error bodies: message from body.message, else the reason phrase; 422 JSON is a ValidationError", async () => {
    const fal = client({ retry: { maxRetries: 0 } });
    srv.script("POST", "/fal-ai/x", [
      { status: 400, json: { message: "prompt too long", detail: "x" } },
      { status: 403, json: { detail: "forbidden" } },
      { status: 422, json: { detail: "Custom validation text" } },
    ]);
    const withMessage = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(withMessage.message).toBe("prompt too long");
    expect(withMessage.body).toEqual({ message: "prompt too long", detail: "x" });
    const withDetail = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(withDetail.message).toBe("Forbidden");
    const validation = await rejectionOf(fal.run(ENDPOINT, { input: { a: 1 } }));
    expect(validation).toBeInstanceOf(ValidationError);
    expect(validation.fieldErrors).toEqual([{ loc: ["body"], msg: "Custom validation text", type: "value_error" }]);
  });

  test("2xx bodies decode by content type: JSON, text, octet-stream", async () => {
    const fal = client();
    srv.script("POST", "/fal-ai/x", [
      { json: { n: 1 } },
      { headers: { "content-type": "text/plain" }, body: "plain text" },
      { headers: { "content-type": "application/octet-stream" }, body: "\u0001\u0002\u0003" },
    ]);
    expect((await fal.run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ n: 1 });
    expect((await fal.run(ENDPOINT, { input: { a: 1 } })).data).toBe("plain text");
    const bytes = (await fal.run(ENDPOINT, { input: { a: 1 } })).data;
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes)]).toEqual([1, 2, 3]);
  });

  test("an unknown request id: ApiError 404 with the server's detail, not retried", async () => {
    const notFound = [{ status: 404, json: { detail: "Request nope not found" }, headers: { "x-fal-request-id": "nope" } }];
    srv.script("GET", `${requestsPath("nope")}/status`, notFound);
    srv.script("GET", requestsPath("nope"), notFound);
    const fal = client();
    for (const call of [() => fal.queue.status(ENDPOINT, { requestId: "nope" }), () => fal.queue.result(ENDPOINT, { requestId: "nope" })]) {
      const err = await rejectionOf(call());
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(404);
      expect(err.message).toBe("Not Found");
      expect(err.body).toEqual({ detail: "Request nope not found" });
      expect(err.requestId).toBe("nope");
    }
    expect(srv.requests).toHaveLength(2);
  });
});

describe("abort and timeout against a server that does not answer", () => {
  test("slow run + abort: AbortError at once and the transfer is really cancelled", async () => {
    srv.script("POST", "/fal-ai/x", [{ delayMs: 20_000, json: {} }]);
    const controller = new AbortController();
    const pending = client().run(ENDPOINT, { input: { a: 1 }, abortSignal: controller.signal });
    await waitFor(() => srv.requests.length === 1, "the run request");
    controller.abort();
    const outcome = await outcomeWithin(pending, 5000);
    expect(outcome.rejected).toBe(true);
    expect(outcome.reason.name).toBe("AbortError");
    await waitFor(() => srv.requests[0].clientClosed, "the client to hang up");
    expect(srv.requests).toHaveLength(1); // an abort is never retried
  });

  test("abort of a hanging queue.result and queue.status", async () => {
    srv.script("GET", requestsPath(), [{ hang: true }]);
    srv.script("GET", `${requestsPath()}/status`, [{ hang: true }]);
    const fal = client();
    for (const call of [(signal) => fal.queue.result(ENDPOINT, { requestId: "r1", abortSignal: signal }), (signal) => fal.queue.status(ENDPOINT, { requestId: "r1", abortSignal: signal })]) {
      const before = srv.requests.length;
      const controller = new AbortController();
      const pending = call(controller.signal);
      await waitFor(() => srv.requests.length === before + 1, "the request");
      controller.abort();
      expect((await rejectionOf(pending)).name).toBe("AbortError");
      await waitFor(() => srv.requests[before].clientClosed, "the client to hang up");
    }
  });

  test.each([
    ["native subscribe", {}],
    ["JS-path subscribe", { requestMiddleware: async (r) => r }],
  ])("%s: abort while a status request hangs cancels that transfer", async (_name, extra) => {
    scriptQueue({ status: [{ hang: true }] });
    const controller = new AbortController();
    const pending = client(extra).subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5, abortSignal: controller.signal });
    await waitFor(() => seen("GET", `${requestsPath()}/status`).length === 1, "the status request");
    controller.abort();
    expect((await rejectionOf(pending)).name).toBe("AbortError");
    await waitFor(() => seen("GET", `${requestsPath()}/status`)[0].clientClosed, "the client to hang up");
    expect(seen("GET", requestsPath())).toEqual([]);
  });

  test.each([
    ["native subscribe", {}],
    ["JS-path subscribe", { requestMiddleware: async (r) => r }],
  ])("%s: timeout while a status request hangs: rejects, hangs up, sends the cancel", async (_name, extra) => {
    scriptQueue({ status: [{ hang: true }] });
    const err = await rejectionOf(client(extra).subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5, timeout: 80 }));
    expect(err.message).toBe("Client timed out waiting for the request to complete after 80ms");
    await waitFor(() => seen("PUT", `${requestsPath()}/cancel`).length === 1, "the cancel request");
    await waitFor(() => seen("GET", `${requestsPath()}/status`)[0].clientClosed, "the status request to be dropped");
    const cancel = seen("PUT", `${requestsPath()}/cancel`)[0];
    expect(cancel.headers.authorization).toBe("Key fault-key");
    expect(cancel.body).toBe("");
    expect(seen("GET", requestsPath())).toEqual([]);
  });

  test("timeout: a failing cancel does not change the rejection", async () => {
    scriptQueue({ status: [{ hang: true }], cancel: [{ status: 500, json: { detail: "cannot cancel" } }] });
    const err = await rejectionOf(client().subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5, timeout: 50 }));
    expect(err.message).toBe("Client timed out waiting for the request to complete after 50ms");
    await waitFor(() => seen("PUT", `${requestsPath()}/cancel`).length >= 1, "the cancel request");
  });
});

describe("middleware and proxy", () => {
  test("requestMiddleware sees every request of a subscribe and can rewrite headers", async () => {
    scriptQueue({ submit: [{ status: 404, json: { detail: "wrong path" } }] });
    srv.script("POST", "/fal-ai/x/sub/path", [{ json: queueStatus("IN_QUEUE") }]);
    const calls = [];
    const fal = client({
      requestMiddleware: async (req) => {
        calls.push({ method: req.method, url: req.url, headers: { ...req.headers } });
        return { ...req, headers: { ...req.headers, "x-from-middleware": "yes", Authorization: "Key rewritten" } };
      },
    });
    const result = await fal.subscribe(`${ENDPOINT}/sub/path`, { input: { a: 1 }, pollInterval: 5, priority: "low" });
    expect(result.requestId).toBe("r1");

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `POST ${srv.url}/fal-ai/x/sub/path`,
      `GET ${srv.url}${requestsPath()}/status?logs=0`,
      `GET ${srv.url}${requestsPath()}/status?logs=0`,
      `GET ${srv.url}${requestsPath()}`,
    ]);
    // The submit's own x-fal-* headers pass through the middleware, as officially.
    expect(calls[0].headers).toEqual({ "x-fal-queue-priority": "low" });

    expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`));
    for (const request of srv.requests) {
      expect(request.headers["x-from-middleware"]).toBe("yes");
      expect(request.headers.authorization).toBe("Key rewritten");
    }
  });

  test("requestMiddleware runs once per call, not per native retry, and can redirect the URL", async () => {
    srv.script("POST", "/fal-ai/x", [{ status: 503, json: {} }, { json: { redirected: true } }]);
    const calls = [];
    const fal = createFalClient({
      credentials: "k",
      baseUrls: { run: "http://fal-run.invalid" },
      retry: FAST,
      requestMiddleware: async (req) => {
        calls.push(req.url);
        return { ...req, url: req.url.replace("http://fal-run.invalid", srv.url) };
      },
    });
    expect((await fal.run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ redirected: true });
    expect(calls).toEqual(["http://fal-run.invalid/fal-ai/x"]);
    expect(srv.requests).toHaveLength(2);
  });

  test('proxyUrl {url, when: "always"} sends every request to the proxy with x-fal-target-url', async () => {
    srv.script("POST", "/proxy", [{ json: queueStatus("IN_QUEUE") }, { json: { via: "proxy" } }]);
    srv.script("GET", "/proxy", [{ json: queueStatus("COMPLETED") }, { json: { subscribed: true }, headers: { "x-fal-request-id": "r1" } }]);
    const fal = createFalClient({
      credentials: "proxy-key",
      proxyUrl: { url: `${srv.url}/proxy`, when: "always" },
      baseUrls: { run: "https://fal.run", queue: "https://queue.fal.run" }, // the defaults, whatever FAL_*_URL says
      retry: FAST,
    });

    const subscribed = await fal.subscribe(ENDPOINT, { input: { a: 1 }, pollInterval: 5 });
    expect(subscribed).toEqual({ data: { subscribed: true }, requestId: "r1" });
    const run = await fal.run(ENDPOINT, { input: { b: 2 } });
    expect(run.data).toEqual({ via: "proxy" });

    expect(srv.requests.map((r) => [r.method, r.path, r.headers["x-fal-target-url"]])).toEqual([
      ["POST", "/proxy", "https://queue.fal.run/fal-ai/x"],
      ["GET", "/proxy", "https://queue.fal.run/fal-ai/x/requests/r1/status?logs=0"],
      ["GET", "/proxy", "https://queue.fal.run/fal-ai/x/requests/r1"],
      ["POST", "/proxy", "https://fal.run/fal-ai/x"],
    ]);
    expect(srv.requests[3].body).toBe(JSON.stringify({ b: 2 }));
    for (const request of srv.requests) expect(request.headers.authorization).toBe("Key proxy-key");
  });

  test("a plain proxyUrl string only applies in a browser, so Node goes direct", async () => {
    srv.script("POST", "/fal-ai/x", [{ json: { direct: true } }]);
    const fal = client({ proxyUrl: `${srv.url}/proxy` });
    expect((await fal.run(ENDPOINT, { input: { a: 1 } })).data).toEqual({ direct: true });
    expect(srv.requests[0].headers["x-fal-target-url"]).toBeUndefined();
  });
});
