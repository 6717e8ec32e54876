// The public client against the local fal emulator over real loopback HTTP: every request goes
// through the native engine (libcurl on its I/O thread), and the emulator records what arrived.
"use strict";

const { createFalClient, fal, ApiError, ValidationError } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { sleep, waitFor, rejectionOf, outcomeWithin } = require("../helpers/wait");
const pkg = require("../../package.json");

const API_KEY = "integration-key";
const SCHNELL = "fal-ai/flux-1/schnell"; // app fal-ai/flux-1, path schnell
const ULTRA = "fal-ai/flux-pro/v1.1-ultra"; // app fal-ai/flux-pro, path v1.1-ultra
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

/** Requests finish in a few tens of ms. */
let emu;
/** Requests never leave the queue during a test (for abort, timeout and cancel). */
let stuck;

beforeAll(async () => {
  const quick = { queueMs: 5, stepMs: 5, steps: 3, runners: 4 };
  [emu, stuck] = await Promise.all([
    startEmulator({ apiKey: API_KEY, timing: quick, quiet: true, maxImageSide: 64 }),
    startEmulator({ apiKey: API_KEY, timing: { queueMs: 60_000, stepMs: 5, steps: 1, runners: 1 }, quiet: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([emu.close(), stuck.close()]);
});

const client = (extra = {}, target = emu) => createFalClient({ credentials: API_KEY, baseUrls: target.urls, ...extra });

/** Everything the emulator recorded about one queue request id (submit excluded). */
const callsFor = (target, requestId) => target.requests.filter((r) => r.path.includes(`/requests/${requestId}`));
const statusPolls = (target, requestId) => callsFor(target, requestId).filter((r) => r.path.endsWith("/status"));
const lastSubmit = (target, endpointId) => {
  const submits = target.requests.filter((r) => r.method === "POST" && r.path === `/queue/${endpointId}`);
  return submits[submits.length - 1];
};

async function fetchBytes(url) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return { type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe("subscribe", () => {
  test("onEnqueue once, onQueueUpdate on every poll up to COMPLETED, then {data, requestId} with real images", async () => {
    const enqueued = [];
    const updates = [];
    const result = await client().subscribe(SCHNELL, {
      input: { prompt: "a red fox", num_images: 2, seed: 11 },
      pollInterval: 10,
      onEnqueue: (id) => enqueued.push(id),
      onQueueUpdate: (status) => updates.push(status),
    });

    expect(Object.keys(result).sort()).toEqual(["data", "requestId"]);
    expect(enqueued).toEqual([result.requestId]);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // One update per status poll the server saw, the last one COMPLETED.
    const polls = statusPolls(emu, result.requestId);
    expect(updates.length).toBe(polls.length);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[updates.length - 1].status).toBe("COMPLETED");
    expect(updates.slice(0, -1).every((s) => s.status !== "COMPLETED")).toBe(true);
    for (const status of updates) expect(status.request_id).toBe(result.requestId);

    const { images, seed, prompt } = result.data;
    expect(seed).toBe(11);
    expect(prompt).toBe("a red fox");
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image.content_type).toBe("image/png");
      const { type, bytes } = await fetchBytes(image.url);
      expect(type).toBe("image/png");
      expect(bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    }
  });

  test("the wire sequence: submit keeps the endpoint path, status and result drop it", async () => {
    const result = await client().subscribe(ULTRA, { input: { prompt: "p", output_format: "jpeg" }, pollInterval: 10 });
    const submit = lastSubmit(emu, ULTRA);
    expect(submit.body).toBe(JSON.stringify({ prompt: "p", output_format: "jpeg" }));

    const calls = callsFor(emu, result.requestId);
    const prefix = `/queue/fal-ai/flux-pro/requests/${result.requestId}`;
    const statusCalls = calls.slice(0, -1);
    expect(statusCalls.length).toBeGreaterThanOrEqual(1);
    for (const call of statusCalls) {
      expect(call.method).toBe("GET");
      expect(call.path).toBe(`${prefix}/status`);
      expect(call.query).toEqual({ logs: "0" });
    }
    const resultCall = calls[calls.length - 1];
    expect(resultCall.method).toBe("GET");
    expect(resultCall.path).toBe(prefix);
    expect(calls.filter((c) => c.method === "PUT")).toEqual([]);

    const { bytes } = await fetchBytes(result.data.images[0].url);
    expect(bytes.subarray(0, 3).equals(JPEG_MAGIC)).toBe(true);
  });

  test("logs: true gives log entries (logs=1 on the wire)", async () => {
    const updates = [];
    const result = await client().subscribe(SCHNELL, {
      input: { prompt: "logs" },
      logs: true,
      pollInterval: 10,
      onQueueUpdate: (s) => updates.push(s),
    });
    const completed = updates[updates.length - 1];
    expect(completed.status).toBe("COMPLETED");
    expect(Array.isArray(completed.logs)).toBe(true);
    expect(completed.logs.length).toBeGreaterThan(0);
    for (const log of completed.logs) {
      expect(log).toEqual({ message: expect.any(String), level: expect.any(String), source: "USER", timestamp: expect.any(String) });
    }
    expect(completed.logs.some((l) => /Step 1\/3/.test(l.message))).toBe(true);
    for (const poll of statusPolls(emu, result.requestId)) expect(poll.query).toEqual({ logs: "1" });
  });

  test("logs: false gives logs null (logs=0 on the wire)", async () => {
    const updates = [];
    const result = await client().subscribe(SCHNELL, {
      input: { prompt: "no logs" },
      logs: false,
      pollInterval: 10,
      onQueueUpdate: (s) => updates.push(s),
    });
    const completed = updates[updates.length - 1];
    expect(completed.status).toBe("COMPLETED");
    expect(completed.logs).toBeNull();
    for (const s of updates.filter((u) => u.status === "IN_PROGRESS")) expect(s.logs).toBeNull();
    for (const poll of statusPolls(emu, result.requestId)) expect(poll.query).toEqual({ logs: "0" });
  });

  test("without onQueueUpdate the result is the same and the polls still happen", async () => {
    const result = await client().subscribe(SCHNELL, { input: { prompt: "quiet" }, pollInterval: 10 });
    expect(result.data.images).toHaveLength(1);
    expect(statusPolls(emu, result.requestId).length).toBeGreaterThanOrEqual(1);
  });

  test("through the JS path (requestMiddleware) the same statuses and result come back", async () => {
    const seen = [];
    const updates = [];
    const enqueued = [];
    const result = await client({
      requestMiddleware: async (req) => {
        seen.push(`${req.method} ${new URL(req.url).pathname}`);
        return req;
      },
    }).subscribe(SCHNELL, {
      input: { prompt: "js path" },
      logs: true,
      pollInterval: 10,
      onEnqueue: (id) => enqueued.push(id),
      onQueueUpdate: (s) => updates.push(s),
    });
    expect(enqueued).toEqual([result.requestId]);
    expect(updates[updates.length - 1].status).toBe("COMPLETED");
    expect(updates[updates.length - 1].logs.length).toBeGreaterThan(0);
    const prefix = `/queue/fal-ai/flux-1/requests/${result.requestId}`;
    expect(seen[0]).toBe(`POST /queue/${SCHNELL}`);
    expect(seen[seen.length - 1]).toBe(`GET ${prefix}`);
    expect(seen.slice(1, -1).every((s) => s === `GET ${prefix}/status`)).toBe(true);
    expect(seen.length).toBe(updates.length + 2);
  });

  test("several subscribes at once on one client all complete with their own results", async () => {
    const fal = client();
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((seed) => fal.subscribe(SCHNELL, { input: { prompt: `n${seed}`, seed }, pollInterval: 10 })),
    );
    expect(results.map((r) => r.data.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(6);
  });
});

describe("run", () => {
  test("POST with the input as the JSON body", async () => {
    const result = await client().run(SCHNELL, { input: { prompt: "run post", seed: 5 } });
    expect(result.data.seed).toBe(5);
    expect(result.data.images).toHaveLength(1);
    const call = emu.requests.filter((r) => r.path === `/run/${SCHNELL}`).pop();
    expect(call.method).toBe("POST");
    expect(JSON.parse(call.body)).toEqual({ prompt: "run post", seed: 5 });
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.headers["x-fal-queue-priority"]).toBeUndefined();
    // The run response carries x-fal-request-id; the result exposes it.
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { bytes } = await fetchBytes(result.data.images[0].url);
    expect(bytes.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });

  test('method: "get" sends the input as the query string and no body', async () => {
    const result = await client().run(SCHNELL, { method: "get", input: { prompt: "run get", seed: 9, num_images: 2 } });
    expect(result.data.seed).toBe(9);
    expect(result.data.images).toHaveLength(2);
    const call = emu.requests.filter((r) => r.path === `/run/${SCHNELL}`).pop();
    expect(call.method).toBe("GET");
    expect(call.query).toEqual({ prompt: "run get", seed: "9", num_images: "2" });
    expect(call.body).toBe("");
  });

  test("startTimeout and storageSettings become headers on run too", async () => {
    await client().run(SCHNELL, { input: { prompt: "h" }, startTimeout: 45, storageSettings: { expiresIn: "1h" } });
    const call = emu.requests.filter((r) => r.path === `/run/${SCHNELL}`).pop();
    expect(call.headers["x-fal-request-timeout"]).toBe("45");
    expect(JSON.parse(call.headers["x-fal-object-lifecycle-preference"])).toEqual({ expiration_duration_seconds: 3600 });
  });

  test("422 from run is a ValidationError", async () => {
    const err = await rejectionOf(client().run(SCHNELL, { input: { num_images: 9 } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.status).toBe(422);
    expect(err.getFieldErrors("prompt")).toEqual([expect.objectContaining({ loc: ["body", "prompt"], type: "missing" })]);
    expect(err.getFieldErrors("num_images")).toEqual([
      expect.objectContaining({ loc: ["body", "num_images"], type: "less_than_equal", msg: "Input should be less than or equal to 4" }),
    ]);
  });
});

describe("queue client", () => {
  test("submit, status (logs 0/1), result: URLs, bodies and shapes", async () => {
    const fal = client();
    const submitted = await fal.queue.submit(ULTRA, { input: { prompt: "queued" } });
    expect(submitted).toEqual({
      status: "IN_QUEUE",
      request_id: expect.any(String),
      response_url: expect.any(String),
      status_url: expect.any(String),
      cancel_url: expect.any(String),
      queue_position: expect.any(Number),
    });
    const id = submitted.request_id;
    const prefix = `/queue/fal-ai/flux-pro/requests/${id}`;
    expect(submitted.response_url).toBe(`${emu.url}${prefix}`);
    const submit = lastSubmit(emu, ULTRA);
    expect(submit.method).toBe("POST");
    expect(submit.path).toBe(`/queue/${ULTRA}`);

    let status = await fal.queue.status(ULTRA, { requestId: id });
    while (status.status !== "COMPLETED") {
      await sleep(5);
      status = await fal.queue.status(ULTRA, { requestId: id, logs: true });
    }
    expect(status.request_id).toBe(id);
    expect(Array.isArray(status.logs)).toBe(true);
    expect(status.metrics).toEqual({ inference_time: expect.any(Number) });

    const polls = statusPolls(emu, id);
    expect(polls[0]).toMatchObject({ method: "GET", path: `${prefix}/status`, query: { logs: "0" } });
    expect(polls[polls.length - 1].query).toEqual({ logs: "1" });

    const result = await fal.queue.result(ULTRA, { requestId: id });
    expect(result.requestId).toBe(id);
    expect(result.data.images[0].content_type).toBe("image/jpeg");
    const resultCall = callsFor(emu, id).pop();
    expect(resultCall).toMatchObject({ method: "GET", path: prefix, body: "" });
  });

  test("subscribeToStatus polls until COMPLETED and resolves with that status", async () => {
    const fal = client();
    const { request_id: id } = await fal.queue.submit(SCHNELL, { input: { prompt: "sts" } });
    const updates = [];
    const completed = await fal.queue.subscribeToStatus(SCHNELL, {
      requestId: id,
      pollInterval: 10,
      onQueueUpdate: (s) => updates.push(s.status),
    });
    expect(completed.status).toBe("COMPLETED");
    expect(updates[updates.length - 1]).toBe("COMPLETED");
    expect(updates.length).toBe(statusPolls(emu, id).length);
  });

  test("cancel: PUT <app>/requests/<id>/cancel with no body, resolves undefined; the request ends cancelled", async () => {
    const fal = client({}, stuck);
    const { request_id: id } = await fal.queue.submit(ULTRA, { input: { prompt: "to cancel" } });
    await expect(fal.queue.cancel(ULTRA, { requestId: id })).resolves.toBeUndefined();
    const cancel = callsFor(stuck, id).pop();
    expect(cancel).toMatchObject({ method: "PUT", path: `/queue/fal-ai/flux-pro/requests/${id}/cancel`, body: "" });

    const status = await fal.queue.status(ULTRA, { requestId: id });
    expect(status.status).toBe("COMPLETED");
    const err = await rejectionOf(fal.queue.result(ULTRA, { requestId: id }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(499);
  });

  test("cancel of a completed request is an ApiError 400", async () => {
    const fal = client();
    const { requestId } = await fal.subscribe(SCHNELL, { input: { prompt: "done" }, pollInterval: 10 });
    const err = await rejectionOf(fal.queue.cancel(SCHNELL, { requestId }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.body).toEqual({ status: "ALREADY_COMPLETED" });
    expect(err.message).toBe("Bad Request");
  });

  test("status of an unknown request id is an ApiError 404", async () => {
    const err = await rejectionOf(client().queue.status(SCHNELL, { requestId: "00000000-0000-0000-0000-000000000000" }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err.status).toBe(404);
    expect(err.body.detail).toMatch(/not found/);
  });
});

describe("headers on the wire", () => {
  test("authorization, priority default normal, user agent, content type", async () => {
    await client().queue.submit(SCHNELL, { input: { prompt: "headers" } });
    const { headers } = lastSubmit(emu, SCHNELL);
    expect(headers.authorization).toBe(`Key ${API_KEY}`);
    expect(headers["x-fal-queue-priority"]).toBe("normal");
    expect(headers["user-agent"]).toBe(`fal-native/${pkg.version} (@fal-ai/client-compatible)`);
    expect(headers.accept).toBe("application/json");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["x-fal-runner-hint"]).toBeUndefined();
    expect(headers["x-fal-request-timeout"]).toBeUndefined();
    expect(headers["x-fal-object-lifecycle-preference"]).toBeUndefined();
  });

  test("priority low, hint, startTimeout, storageSettings and user headers (lower-cased) on subscribe", async () => {
    const result = await client().subscribe(SCHNELL, {
      input: { prompt: "all headers" },
      pollInterval: 10,
      priority: "low",
      hint: "runner-7",
      startTimeout: 30,
      storageSettings: { expiresIn: "1d", initialAcl: { default: "hide" } },
      headers: { "X-Trace-Id": "trace-123", "X-Another-One": "yes" },
    });
    const { headers } = lastSubmit(emu, SCHNELL);
    expect(headers["x-fal-queue-priority"]).toBe("low");
    expect(headers["x-fal-runner-hint"]).toBe("runner-7");
    expect(headers["x-fal-request-timeout"]).toBe("30");
    expect(JSON.parse(headers["x-fal-object-lifecycle-preference"])).toEqual({
      expiration_duration_seconds: 86400,
      initial_acl: { default: "hide" },
    });
    expect(headers["x-trace-id"]).toBe("trace-123");
    expect(headers["x-another-one"]).toBe("yes");
    expect(headers.authorization).toBe(`Key ${API_KEY}`);
    // Status and result calls carry the credentials but not the submit's x-fal-* headers.
    for (const call of callsFor(emu, result.requestId)) {
      expect(call.headers.authorization).toBe(`Key ${API_KEY}`);
      expect(call.headers["user-agent"]).toMatch(/^fal-native\//);
      expect(call.headers["x-fal-queue-priority"]).toBeUndefined();
      expect(call.headers["x-trace-id"]).toBeUndefined();
    }
  });

  test("options win over user headers of the same name", async () => {
    await client().queue.submit(SCHNELL, {
      input: { prompt: "override" },
      priority: "low",
      headers: { "X-Fal-Queue-Priority": "normal", "X-Fal-Runner-Hint": "from-headers" },
    });
    const { headers } = lastSubmit(emu, SCHNELL);
    expect(headers["x-fal-queue-priority"]).toBe("low");
    expect(headers["x-fal-runner-hint"]).toBe("from-headers");
  });

  test("webhookUrl becomes the fal_webhook query parameter of the submit", async () => {
    const webhookUrl = "https://example.com/hooks/fal?token=a b&x=1";
    const { requestId } = await client().subscribe(SCHNELL, { input: { prompt: "webhook" }, webhookUrl, pollInterval: 10 });
    const submit = lastSubmit(emu, SCHNELL);
    expect(submit.query).toEqual({ fal_webhook: webhookUrl });
    // Only the submit carries it.
    for (const call of callsFor(emu, requestId)) expect(call.query.fal_webhook).toBeUndefined();
  });
});

describe("errors", () => {
  test("bad input: subscribe rejects with a ValidationError carrying the field errors", async () => {
    const err = await rejectionOf(
      client().subscribe(SCHNELL, { input: { num_images: "many", image_size: "huge" }, pollInterval: 10 }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.name).toBe("ValidationError");
    expect(err.status).toBe(422);
    expect(err.message).toBe("Unprocessable Entity");
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const fields = err.fieldErrors.map((e) => e.loc[e.loc.length - 1]).sort();
    expect(fields).toEqual(["image_size", "num_images", "prompt"]);
    expect(err.getFieldErrors("prompt")).toEqual([expect.objectContaining({ msg: "Field required", type: "missing" })]);
    expect(err.getFieldErrors("num_images")[0].type).toBe("int_parsing");
    expect(err.getFieldErrors("seed")).toEqual([]);
  });

  test("fail-500 scenario: subscribe rejects with ApiError 500 and the body's detail", async () => {
    const err = await rejectionOf(
      client().subscribe(SCHNELL, {
        input: { prompt: "crash" },
        pollInterval: 10,
        headers: { "x-fal-emulator-scenario": "fail-500" },
      }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err.status).toBe(500);
    expect(err.body).toEqual({ detail: "Internal Server Error" });
    expect(err.message).toBe("Internal Server Error");
  });

  test("fail-503 scenario: the result's 503 is retried, then surfaces with the infrastructure body", async () => {
    const err = await rejectionOf(
      client({ retry: { maxRetries: 2, baseDelay: 5, maxDelay: 20 } }).subscribe(SCHNELL, {
        input: { prompt: "runner gone" },
        pollInterval: 10,
        headers: { "x-fal-emulator-scenario": "fail-503" },
      }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.body).toEqual({ detail: "Runner disconnected", error_type: "runner_disconnected" });
    const resultCalls = callsFor(emu, err.requestId).filter((c) => !c.path.endsWith("/status"));
    expect(resultCalls).toHaveLength(3); // 1 + maxRetries
  });

  test("401 without credentials, and with a wrong key", async () => {
    const none = await rejectionOf(
      createFalClient({ credentials: undefined, baseUrls: emu.urls }).subscribe(SCHNELL, { input: { prompt: "x" } }),
    );
    expect(none).toBeInstanceOf(ApiError);
    expect(none.status).toBe(401);
    expect(none.body.detail).toMatch(/Missing Authorization header/);
    expect(lastSubmit(emu, SCHNELL).headers.authorization).toBeUndefined();

    const wrong = await rejectionOf(client({ credentials: "nope" }).run(SCHNELL, { input: { prompt: "x" } }));
    expect(wrong).toBeInstanceOf(ApiError);
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toBe("Invalid API key.");
  });

  test("a credentials function is called and its value sent", async () => {
    let calls = 0;
    const fal = client({
      credentials: () => {
        calls++;
        return API_KEY;
      },
    });
    await fal.run(SCHNELL, { input: { prompt: "fn creds" } });
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(emu.requests.filter((r) => r.path === `/run/${SCHNELL}`).pop().headers.authorization).toBe(`Key ${API_KEY}`);
  });
});

describe("timeout and abort", () => {
  test("timeout: rejects with the official message and the server receives PUT .../cancel", async () => {
    const fal = client({}, stuck);
    let id;
    const err = await rejectionOf(
      fal.subscribe(ULTRA, { input: { prompt: "too slow" }, pollInterval: 10, timeout: 60, onEnqueue: (r) => (id = r) }),
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("Client timed out waiting for the request to complete after 60ms");
    await waitFor(() => callsFor(stuck, id).some((c) => c.method === "PUT"), "the cancel request");
    const cancel = callsFor(stuck, id).find((c) => c.method === "PUT");
    expect(cancel.path).toBe(`/queue/fal-ai/flux-pro/requests/${id}/cancel`);
    expect(cancel.headers.authorization).toBe(`Key ${API_KEY}`);
    // The server honoured it: the queued request is over.
    expect((await fal.queue.status(ULTRA, { requestId: id })).status).toBe("COMPLETED");
    // No result fetch after the timeout.
    expect(callsFor(stuck, id).filter((c) => c.method === "GET" && !c.path.endsWith("/status"))).toEqual([]);
  });

  test("timeout through the JS path (middleware) behaves the same", async () => {
    const fal = client({ requestMiddleware: async (r) => r }, stuck);
    let id;
    const err = await rejectionOf(
      fal.subscribe(ULTRA, { input: { prompt: "too slow js" }, pollInterval: 10, timeout: 60, onEnqueue: (r) => (id = r) }),
    );
    expect(err.message).toBe("Client timed out waiting for the request to complete after 60ms");
    await waitFor(() => callsFor(stuck, id).some((c) => c.method === "PUT"), "the cancel request");
  });

  // Both subscribe implementations: the native job, and the JS path taken when middleware applies.
  describe.each([
    ["native subscribe", {}],
    ["JS-path subscribe", { requestMiddleware: async (r) => r }],
  ])("%s", (_name, extra) => {
    test("abort mid-poll rejects with an AbortError and no status poll follows", async () => {
      const fal = client(extra, stuck);
      const controller = new AbortController();
      let id;
      let updates = 0;
      const pending = fal.subscribe(ULTRA, {
        input: { prompt: "abort me" },
        pollInterval: 20,
        abortSignal: controller.signal,
        onEnqueue: (r) => (id = r),
        onQueueUpdate: () => updates++,
      });
      await waitFor(() => updates >= 2, "two status updates");
      controller.abort();
      const err = await rejectionOf(pending);
      expect(err.name).toBe("AbortError");

      await sleep(30); // a poll already on the wire when abort() ran may still land
      const polls = statusPolls(stuck, id).length;
      await sleep(150); // several poll intervals
      expect(statusPolls(stuck, id).length).toBe(polls);
      // No result fetch and no cancel: an abort only stops this client's work.
      expect(callsFor(stuck, id).filter((c) => !c.path.endsWith("/status"))).toEqual([]);
    });

    test("abort rejects at once, not at the next poll, and with the signal's reason", async () => {
      const fal = client(extra, stuck);
      const controller = new AbortController();
      let updates = 0;
      const pending = fal.subscribe(ULTRA, {
        input: { prompt: "abort now" },
        pollInterval: 20_000,
        abortSignal: controller.signal,
        onQueueUpdate: () => updates++,
      });
      await waitFor(() => updates >= 1, "the first status update");
      const reason = new Error("user gave up");
      controller.abort(reason);
      // Generous bound: the next poll would be 20 s away.
      const outcome = await outcomeWithin(pending, 5000);
      expect(outcome.rejected).toBe(true);
      expect(outcome.reason).toBe(reason);
    });
  });

  test("an already-aborted signal rejects without any request", async () => {
    const before = emu.requests.length;
    const controller = new AbortController();
    controller.abort();
    const err = await rejectionOf(client().subscribe(SCHNELL, { input: { prompt: "x" }, abortSignal: controller.signal }));
    expect(err.name).toBe("AbortError");
    const err2 = await rejectionOf(client().run(SCHNELL, { input: { prompt: "x" }, abortSignal: controller.signal }));
    expect(err2.name).toBe("AbortError");
    expect(emu.requests.length).toBe(before);
  });

  test("abort during run rejects with an AbortError and the client keeps working", async () => {
    const controller = new AbortController();
    // run goes to the emulator whose queue never moves; the queue calls to the quick one.
    const fal = createFalClient({ credentials: API_KEY, baseUrls: { ...emu.urls, run: stuck.urls.run } });
    const pending = fal.run(ULTRA, { input: { prompt: "run abort" }, abortSignal: controller.signal });
    await waitFor(() => stuck.requests.some((r) => r.path === `/run/${ULTRA}` && JSON.parse(r.body).prompt === "run abort"));
    controller.abort();
    const err = await rejectionOf(pending);
    expect(err.name).toBe("AbortError");
    // The same client still works afterwards.
    const after = await fal.subscribe(SCHNELL, { input: { prompt: "after abort" }, pollInterval: 10 });
    expect(after.data.images).toHaveLength(1);
  });
});

describe("configuration sources", () => {
  const ENV_KEYS = ["FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_RUN_URL", "FAL_QUEUE_URL", "FAL_REST_URL", "FAL_CDN_URL"];
  let saved;
  beforeEach(() => {
    saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    for (const k of ENV_KEYS) delete process.env[k];
  });
  afterEach(() => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test("fal.config() replaces the client behind the singleton (no merge)", async () => {
    fal.config({ credentials: API_KEY, baseUrls: emu.urls });
    const first = await fal.subscribe(SCHNELL, { input: { prompt: "singleton" }, pollInterval: 10 });
    expect(first.data.images).toHaveLength(1);
    expect((await fal.run(SCHNELL, { input: { prompt: "singleton run" } })).data.images).toHaveLength(1);
    expect((await fal.queue.status(SCHNELL, { requestId: first.requestId })).status).toBe("COMPLETED");

    // A second config without credentials: the earlier key is gone (and the env has none).
    fal.config({ baseUrls: emu.urls });
    const err = await rejectionOf(fal.run(SCHNELL, { input: { prompt: "no key" } }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);

    // And a config pointing elsewhere sends requests there.
    fal.config({ credentials: API_KEY, baseUrls: stuck.urls });
    const { request_id: id } = await fal.queue.submit(SCHNELL, { input: { prompt: "moved" } });
    expect(lastSubmit(stuck, SCHNELL)).toBeDefined();
    expect(callsFor(emu, id)).toEqual([]);
    fal.config({});
  });

  test("FAL_*_URL and FAL_KEY from the environment (read per request)", async () => {
    Object.assign(process.env, emu.env);
    expect(emu.env.FAL_KEY).toBe(API_KEY);
    const fal = createFalClient();
    const before = emu.requests.length;
    const result = await fal.subscribe(SCHNELL, { input: { prompt: "from env" }, pollInterval: 10 });
    expect(result.data.images).toHaveLength(1);
    expect((await fal.run(SCHNELL, { input: { prompt: "from env run" } })).data.images).toHaveLength(1);
    expect(emu.requests.length).toBeGreaterThan(before);
    expect(lastSubmit(emu, SCHNELL).headers.authorization).toBe(`Key ${API_KEY}`);

    // Changing the env later moves the same client.
    Object.assign(process.env, stuck.env);
    await fal.queue.submit(SCHNELL, { input: { prompt: "env moved" } });
    expect(JSON.parse(lastSubmit(stuck, SCHNELL).body).prompt).toBe("env moved");
  });

  test("config.baseUrls wins over FAL_*_URL", async () => {
    Object.assign(process.env, stuck.env);
    const result = await client().run(SCHNELL, { input: { prompt: "config wins" } });
    expect(result.data.images).toHaveLength(1);
    expect(stuck.requests.some((r) => r.body.includes("config wins"))).toBe(false);
  });

  test("FAL_KEY_ID and FAL_KEY_SECRET are sent as Key id:secret", async () => {
    const pair = await startEmulator({ apiKey: "kid-1:secret-1", timing: { queueMs: 1, stepMs: 1, steps: 1 }, quiet: true, maxImageSide: 32 });
    try {
      process.env.FAL_KEY_ID = "kid-1";
      process.env.FAL_KEY_SECRET = "secret-1";
      const fal = createFalClient({ baseUrls: pair.urls });
      const result = await fal.subscribe(SCHNELL, { input: { prompt: "pair" }, pollInterval: 5 });
      expect(result.data.images).toHaveLength(1);
      expect(pair.requests[0].headers.authorization).toBe("Key kid-1:secret-1");

      // FAL_KEY takes precedence over the pair.
      process.env.FAL_KEY = "something-else";
      const err = await rejectionOf(fal.run(SCHNELL, { input: { prompt: "x" } }));
      expect(err.status).toBe(401);
      expect(pair.requests[pair.requests.length - 1].headers.authorization).toBe("Key something-else");
    } finally {
      await pair.close();
    }
  });
});
