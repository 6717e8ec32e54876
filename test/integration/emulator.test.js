// Exercises the emulator directly over HTTP with Node's global fetch (no fal client involved),
// checking that it speaks fal's wire protocol: status codes, key presence, URLs, errors.

const { spawn } = require("node:child_process");
const path = require("node:path");
const jpeg = require("jpeg-js");
const { startEmulator } = require("../../dist/lib/emulator");

const KEY = "Key test-key";
const FAST = { queueMs: 5, stepMs: 5, steps: 3, runners: 4 };

/** fetch wrapper returning { status, headers, body (parsed JSON when possible), text }. */
async function call(url, { method = "GET", body, headers = {}, auth = KEY } = {}) {
  const init = { method, headers: { ...headers } };
  if (auth) init.headers.authorization = auth;
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll a status URL until COMPLETED; returns the final status response. */
async function waitCompleted(statusUrl, { logs = false, timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`${statusUrl}?logs=${logs ? 1 : 0}`);
    if (res.body && res.body.status === "COMPLETED") return res;
    if (Date.now() > deadline) throw new Error(`not completed: ${res.text}`);
    await sleep(5);
  }
}

/** Poll until `predicate(statusBody)` holds. */
async function waitStatus(statusUrl, predicate, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(statusUrl);
    if (predicate(res.body)) return res;
    if (Date.now() > deadline) throw new Error(`condition not reached: ${res.text}`);
    await sleep(3);
  }
}

async function submit(emulator, endpointId, input, headers = {}) {
  const res = await call(`${emulator.urls.queue}/${endpointId}`, { method: "POST", body: input, headers });
  expect(res.status).toBe(200);
  return res.body;
}

describe("queue lifecycle", () => {
  let emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true, timing: { queueMs: 150, stepMs: 40, steps: 4, runners: 4 } });
  });
  afterAll(() => emulator.close());

  test("submit answers 200 IN_QUEUE with every key and owner/alias-only URLs", async () => {
    const res = await call(`${emulator.urls.queue}/fal-ai/flux-pro/v1.1-ultra`, {
      method: "POST",
      body: { prompt: "a lighthouse" },
    });
    expect(res.status).toBe(200);
    const { request_id: id } = res.body;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-fal-request-id")).toBe(id);
    const base = `${emulator.url}/queue/fal-ai/flux-pro/requests/${id}`;
    expect(res.body).toEqual({
      status: "IN_QUEUE",
      request_id: id,
      response_url: base,
      status_url: `${base}/status`,
      cancel_url: `${base}/cancel`,
      queue_position: 0,
    });
    await waitCompleted(res.body.status_url);
  });

  test("status goes 202 IN_QUEUE -> 202 IN_PROGRESS -> 200 COMPLETED, then result is 200", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-pro/v1.1-ultra", { prompt: "a lighthouse", seed: 7 });
    const seen = new Map();
    const deadline = Date.now() + 5000;
    let last;
    while (Date.now() < deadline) {
      last = await call(`${submitted.status_url}?logs=1`);
      seen.set(last.body.status, last);
      if (last.body.status === "COMPLETED") break;
      await sleep(3);
    }
    const queued = seen.get("IN_QUEUE");
    expect(queued.status).toBe(202);
    expect(queued.body).toHaveProperty("queue_position");
    const running = seen.get("IN_PROGRESS");
    expect(running.status).toBe(202);
    expect(Array.isArray(running.body.logs)).toBe(true);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ status: "COMPLETED", request_id: submitted.request_id });
    expect(last.body.metrics.inference_time).toBeGreaterThan(0);
    expect(last.body).not.toHaveProperty("error");
    for (const res of seen.values()) {
      expect(res.body).toMatchObject({
        request_id: submitted.request_id,
        response_url: submitted.response_url,
        status_url: submitted.status_url,
        cancel_url: submitted.cancel_url,
      });
    }

    const result = await call(submitted.response_url);
    expect(result.status).toBe(200);
    expect(result.headers.get("x-fal-request-id")).toBe(submitted.request_id);
    expect(result.body).toMatchObject({ seed: 7, prompt: "a lighthouse", has_nsfw_concepts: [false] });
    expect(result.body.timings).toHaveProperty("inference");
    expect(result.body.images).toHaveLength(1);
    expect(result.body.images[0]).toMatchObject({ content_type: "image/jpeg" });
  });

  test("logs: null when off, a RequestLog window when on; logs=true/false and trailing slashes work", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "fox" });
    await waitCompleted(submitted.status_url);

    const off = await call(`${submitted.status_url}?logs=0`);
    expect(off.body).toHaveProperty("logs", null);
    const offPython = await call(`${submitted.status_url}/?logs=false`);
    expect(offPython.body.logs).toBeNull();
    const noQuery = await call(submitted.status_url);
    expect(noQuery.body.logs).toBeNull();

    const on = await call(`${submitted.status_url}/?logs=true`);
    expect(on.status).toBe(200);
    const { logs } = on.body;
    expect(logs.length).toBeGreaterThan(3);
    for (const log of logs) {
      expect(Object.keys(log).sort()).toEqual(["level", "message", "source", "timestamp"]);
      expect(log.source).toBe("USER");
      expect(new Date(log.timestamp).toISOString()).toBe(log.timestamp);
    }
    expect(logs.map((l) => l.message)).toEqual(expect.arrayContaining(["Step 1/4 [25%]", "Step 4/4 [100%]"]));

    const result = await call(`${submitted.response_url}/`);
    expect(result.status).toBe(200);
  });

  test("logs are a sliding window, not a growing list", async () => {
    const windowed = await startEmulator({ quiet: true, timing: { queueMs: 0, stepMs: 30, steps: 6, logWindowMs: 50 } });
    try {
      const submitted = await submit(windowed, "fal-ai/flux-1/schnell", { prompt: "fox" });
      await waitCompleted(submitted.status_url);
      const done = await call(`${submitted.status_url}?logs=1`);
      const messages = done.body.logs.map((l) => l.message);
      expect(messages).not.toContain("Step 1/6 [17%]");
      expect(messages).toContain("Step 6/6 [100%]");
    } finally {
      await windowed.close();
    }
  });

  test("full-id variants of status, result and cancel are accepted", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-pro/kontext/max/text-to-image", { prompt: "x" });
    const fullBase = `${emulator.urls.queue}/fal-ai/flux-pro/kontext/max/text-to-image/requests/${submitted.request_id}`;
    expect((await call(`${fullBase}/status`)).status).toBe(202);
    await waitCompleted(submitted.status_url);
    expect((await call(`${fullBase}/status?logs=1`)).status).toBe(200);
    expect((await call(fullBase)).status).toBe(200);
    expect((await call(`${fullBase}/cancel`, { method: "PUT" })).status).toBe(400);
  });

  test("result before completion is 400 'Request is still in progress'", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x" });
    const early = await call(submitted.response_url);
    expect(early.status).toBe(400);
    expect(early.body).toEqual({ detail: "Request is still in progress" });
    expect(early.headers.get("x-fal-request-id")).toBe(submitted.request_id);
    await waitCompleted(submitted.status_url);
  });

  test("unknown request ids are 404 on status, result and cancel", async () => {
    const base = `${emulator.urls.queue}/fal-ai/flux-pro/requests/00000000-0000-0000-0000-000000000000`;
    const status = await call(`${base}/status`);
    expect(status.status).toBe(404);
    expect(typeof status.body.detail).toBe("string");
    expect(status.headers.get("x-fal-request-id")).toBeTruthy();
    expect((await call(base)).status).toBe(404);
    const cancel = await call(`${base}/cancel`, { method: "PUT" });
    expect(cancel.status).toBe(404);
    expect(cancel.body).toEqual({ status: "NOT_FOUND" });
  });

  test("a request id under another app is 404", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x" });
    const res = await call(`${emulator.urls.queue}/fal-ai/ideogram/requests/${submitted.request_id}/status`);
    expect(res.status).toBe(404);
    await waitCompleted(submitted.status_url);
  });

  test("unknown models and paths are 404 with a detail", async () => {
    const app = await call(`${emulator.urls.queue}/fal-ai/no-such-model`, { method: "POST", body: { prompt: "x" } });
    expect(app.status).toBe(404);
    expect(app.body.detail).toMatch(/not found/);
    const sub = await call(`${emulator.urls.run}/fal-ai/flux-pro/v9-nope`, { method: "POST", body: { prompt: "x" } });
    expect(sub.status).toBe(404);
    expect(sub.body).toEqual({ detail: "Path /v9-nope not found" });
    const other = await call(`${emulator.url}/nowhere`);
    expect(other.status).toBe(404);
    expect(other.headers.get("x-fal-request-id")).toBeTruthy();
  });

  test("records every request with headers, query and body", async () => {
    const before = emulator.requests.length;
    const submitted = await submit(
      emulator,
      "fal-ai/flux-1/schnell?fal_webhook=https%3A%2F%2Fexample.com%2Fhook",
      { prompt: "recorded" },
      { "user-agent": "@fal-ai/client/1.10.1", "x-fal-queue-priority": "normal", "x-fal-runner-hint": "lora:a" },
    );
    const recorded = emulator.requests.slice(before).find((r) => r.method === "POST");
    expect(recorded).toMatchObject({
      path: "/queue/fal-ai/flux-1/schnell",
      query: { fal_webhook: "https://example.com/hook" },
      body: JSON.stringify({ prompt: "recorded" }),
    });
    expect(recorded.headers).toMatchObject({
      "user-agent": "@fal-ai/client/1.10.1",
      "x-fal-queue-priority": "normal",
      "x-fal-runner-hint": "lora:a",
      authorization: KEY,
    });
    expect(typeof recorded.time).toBe("number");
    await waitCompleted(submitted.status_url);
  });
});

describe("queue positions and priority", () => {
  let emulator;
  beforeAll(async () => {
    // queueMs > 0 so that several submits are all still queued when we look at their positions.
    emulator = await startEmulator({ quiet: true, timing: { queueMs: 40, stepMs: 25, steps: 2, runners: 1 } });
  });
  afterAll(() => emulator.close());

  test("with one runner, positions count the requests ahead and move up", async () => {
    const model = "fal-ai/hidream-i1-fast";
    const a = await submit(emulator, model, { prompt: "a" });
    const b = await submit(emulator, model, { prompt: "b" });
    const c = await submit(emulator, model, { prompt: "c" });
    expect([a.queue_position, b.queue_position, c.queue_position]).toEqual([0, 1, 2]);

    await waitStatus(a.status_url, (s) => s.status === "IN_PROGRESS");
    expect((await call(b.status_url)).body).toMatchObject({ status: "IN_QUEUE", queue_position: 0 });
    expect((await call(c.status_url)).body).toMatchObject({ status: "IN_QUEUE", queue_position: 1 });

    // Another model has its own runner.
    const other = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "elsewhere" });
    expect(other.queue_position).toBe(0);

    await waitCompleted(c.status_url);
    await waitCompleted(other.status_url);
  });

  test("priority low sits behind normal", async () => {
    const model = "fal-ai/recraft/v2/text-to-image";
    const first = await submit(emulator, model, { prompt: "first" });
    const low = await submit(emulator, model, { prompt: "low" }, { "x-fal-queue-priority": "low" });
    const normal = await submit(emulator, model, { prompt: "normal" }, { "x-fal-queue-priority": "normal" });
    expect(low.queue_position).toBe(1);
    expect(normal.queue_position).toBe(1); // jumped ahead of the low one

    await waitStatus(first.status_url, (s) => s.status !== "IN_QUEUE");
    expect((await call(normal.status_url)).body.queue_position).toBe(0);
    expect((await call(low.status_url)).body.queue_position).toBe(1);

    await waitCompleted(normal.status_url);
    expect((await call(low.status_url)).body.status).not.toBe("COMPLETED");
    await waitCompleted(low.status_url);
  });

  test("an invalid priority is rejected", async () => {
    const res = await call(`${emulator.urls.queue}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "x" },
      headers: { "x-fal-queue-priority": "urgent" },
    });
    expect(res.status).toBe(400);
  });
});

describe("validation errors (pydantic-style 422)", () => {
  let emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true, timing: FAST });
  });
  afterAll(() => emulator.close());

  const run = (endpointId, body) => call(`${emulator.urls.run}/${endpointId}`, { method: "POST", body });

  test("missing required field", async () => {
    const res = await run("fal-ai/flux-pro/kontext", { image_url: "https://example.com/a.png" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({ loc: ["body", "prompt"], msg: "Field required", type: "missing" }),
    ]);
    expect(res.headers.get("x-fal-request-id")).toBeTruthy();
  });

  test("several problems are reported together", async () => {
    const res = await run("fal-ai/flux-pro/kontext/max/multi", { seed: "abc" });
    const locs = res.body.detail.map((d) => d.loc.join("."));
    expect(locs.sort()).toEqual(["body.image_urls", "body.prompt", "body.seed"]);
  });

  test.each([
    [{ prompt: 5 }, ["body", "prompt"], "string_type", "Input should be a valid string"],
    [{ prompt: "x", num_images: "abc" }, ["body", "num_images"], "int_parsing", "Input should be a valid integer, unable to parse string as an integer"],
    [{ prompt: "x", num_images: 1.5 }, ["body", "num_images"], "int_from_float", "Input should be a valid integer, got a number with a fractional part"],
    [{ prompt: "x", num_images: [1] }, ["body", "num_images"], "int_type", "Input should be a valid integer"],
    [{ prompt: "x", sync_mode: "maybe" }, ["body", "sync_mode"], "bool_parsing", "Input should be a valid boolean, unable to interpret input"],
    [{ prompt: "x", guidance_scale: {} }, ["body", "guidance_scale"], "float_type", "Input should be a valid number"],
  ])("wrong type: %j", async (input, loc, type, msg) => {
    const res = await run("fal-ai/flux-pro/kontext/text-to-image", input);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ loc, type, msg })]);
  });

  test("out of range", async () => {
    const tooMany = await run("fal-ai/flux-pro/kontext/text-to-image", { prompt: "x", num_images: 9 });
    expect(tooMany.body.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "num_images"],
        type: "less_than_equal",
        msg: "Input should be less than or equal to 4",
        ctx: { le: 4 },
        input: 9,
      }),
    ]);
    const tooLow = await run("fal-ai/flux-pro/kontext/text-to-image", { prompt: "x", guidance_scale: 0.5 });
    expect(tooLow.body.detail[0]).toMatchObject({
      loc: ["body", "guidance_scale"],
      type: "greater_than_equal",
      ctx: { ge: 1 },
    });
    const badSize = await run("fal-ai/flux-1/schnell", { prompt: "x", image_size: { width: 0, height: 64 } });
    expect(badSize.body.detail[0]).toMatchObject({ loc: ["body", "image_size", "width"], type: "greater_than" });
  });

  test("enum values", async () => {
    const res = await run("fal-ai/flux-pro/kontext/text-to-image", { prompt: "x", output_format: "gif" });
    expect(res.body.detail).toEqual([
      expect.objectContaining({
        loc: ["body", "output_format"],
        type: "enum",
        msg: "Input should be 'jpeg' or 'png'",
        ctx: { expected: "'jpeg' or 'png'" },
      }),
    ]);
    const preset = await run("fal-ai/flux-1/schnell", { prompt: "x", image_size: "huge" });
    expect(preset.body.detail[0]).toMatchObject({ loc: ["body", "image_size"], type: "enum" });
    const ratio = await run("fal-ai/imagen4/preview", { prompt: "x", aspect_ratio: "21:9" });
    expect(ratio.body.detail[0].msg).toBe("Input should be '1:1', '16:9', '9:16', '3:4' or '4:3'");
  });

  test("nested objects report the full location", async () => {
    const res = await run("fal-ai/hidream-i1-full", { prompt: "x", loras: [{ scale: 1 }, "nope"] });
    expect(res.body.detail).toEqual([
      expect.objectContaining({ loc: ["body", "loras", 0, "path"], type: "missing" }),
      expect.objectContaining({ loc: ["body", "loras", 1], type: "model_type" }),
    ]);
  });

  test("lax coercions and unknown fields are accepted, as pydantic does", async () => {
    const res = await run("fal-ai/flux-pro/kontext/text-to-image", {
      prompt: "x",
      num_images: "2",
      sync_mode: "false",
      safety_tolerance: 3,
      not_a_field: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.images).toHaveLength(2);
  });

  test("malformed JSON and missing body", async () => {
    const bad = await call(`${emulator.urls.queue}/fal-ai/flux-1/schnell`, { method: "POST", body: '{"prompt": ' });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ type: "json_invalid", msg: "JSON decode error" });
    expect(bad.body.detail[0].loc[0]).toBe("body");

    const none = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, { method: "POST" });
    expect(none.status).toBe(422);
    expect(none.body.detail).toEqual([expect.objectContaining({ loc: ["body"], type: "missing" })]);

    const notObject = await run("fal-ai/flux-1/schnell", [1, 2]);
    expect(notObject.status).toBe(422);
    expect(notObject.body.detail[0]).toMatchObject({ loc: ["body"], type: "model_attributes_type" });
  });

  test("through the queue, invalid input completes with an error and the result replays the 422", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-pro/v1.1-ultra", { prompt: "x", aspect_ratio: "wide" });
    const done = await waitCompleted(submitted.status_url);
    expect(done.body.error_type).toBe("validation_error");
    expect(typeof done.body.error).toBe("string");
    const result = await call(submitted.response_url);
    expect(result.status).toBe(422);
    expect(result.body.detail[0]).toMatchObject({ loc: ["body", "aspect_ratio"], type: "enum" });
    expect(result.headers.get("x-fal-request-id")).toBe(submitted.request_id);
  });

  test("oversized bodies get 413", async () => {
    const huge = JSON.stringify({ prompt: "x".repeat(21 * 1024 * 1024) });
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, { method: "POST", body: huge });
    expect(res.status).toBe(413);
    expect(typeof res.body.detail).toBe("string");
  });
});

describe("cancel", () => {
  let emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true, timing: { queueMs: 0, stepMs: 40, steps: 5, runners: 1 } });
  });
  afterAll(() => emulator.close());

  test("queued: 202, then COMPLETED client_cancelled, result 499, second cancel 400", async () => {
    const model = "fal-ai/ideogram/v2";
    const blocker = await submit(emulator, model, { prompt: "blocker" });
    const queued = await submit(emulator, model, { prompt: "queued" });

    const cancel = await call(queued.cancel_url, { method: "PUT" });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ status: "CANCELLATION_REQUESTED" });

    const status = await call(`${queued.status_url}?logs=1`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: "COMPLETED", error_type: "client_cancelled", metrics: {} });
    expect(status.body).toHaveProperty("logs");

    const result = await call(queued.response_url);
    expect(result.status).toBe(499);
    expect(result.body).toEqual({ detail: "Request cancelled by the client." });

    const again = await call(queued.cancel_url, { method: "PUT" });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ status: "ALREADY_COMPLETED" });

    // Cancelling the running one: honoured at the next step.
    await waitStatus(blocker.status_url, (s) => s.status === "IN_PROGRESS");
    expect((await call(blocker.cancel_url, { method: "PUT" })).status).toBe(202);
    const done = await waitCompleted(blocker.status_url);
    expect(done.body.error_type).toBe("client_cancelled");
    expect((await call(blocker.response_url)).status).toBe(499);
  });

  test("ignore-cancel scenario: the running app finishes anyway", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x" }, { "x-fal-emulator-scenario": "ignore-cancel" });
    await waitStatus(submitted.status_url, (s) => s.status === "IN_PROGRESS");
    expect((await call(submitted.cancel_url, { method: "PUT" })).status).toBe(202);
    await waitCompleted(submitted.status_url);
    expect((await call(submitted.response_url)).status).toBe(200);
  });
});

describe("scenarios and start timeout", () => {
  let emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true, timing: { queueMs: 0, stepMs: 10, steps: 4, runners: 1 } });
  });
  afterAll(() => emulator.close());

  test("fail-500: COMPLETED with error, result replays 500", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x" }, { "x-fal-emulator-scenario": "fail-500" });
    const done = await waitCompleted(submitted.status_url, { logs: true });
    expect(done.body).toMatchObject({ status: "COMPLETED", error: "Internal Server Error", error_type: "internal_error" });
    expect(done.body.logs.some((l) => l.level === "ERROR")).toBe(true);
    const result = await call(submitted.response_url);
    expect(result.status).toBe(500);
    expect(result.body).toEqual({ detail: "Internal Server Error" });
    expect(result.headers.get("x-fal-request-id")).toBe(submitted.request_id);
  });

  test("fail-422: the model rejects after running", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x", fal_emulator_scenario: "fail-422" });
    const done = await waitCompleted(submitted.status_url);
    expect(done.body.metrics.inference_time).toBeGreaterThan(0);
    const result = await call(submitted.response_url);
    expect(result.status).toBe(422);
    expect(result.body.detail[0]).toMatchObject({ loc: ["body", "prompt"], type: "content_policy_violation" });
  });

  test("fail-503: infrastructure error with X-Fal-Error-Type", async () => {
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "x" },
      headers: { "x-fal-emulator-scenario": "fail-503" },
    });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ detail: "Runner disconnected", error_type: "runner_disconnected" });
    expect(res.headers.get("x-fal-error-type")).toBe("runner_disconnected");
    expect(res.headers.get("x-fal-request-id")).toBeTruthy();
  });

  test("slow takes about 10x longer; nsfw flags images", async () => {
    const started = Date.now();
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "x" },
      headers: { "x-fal-emulator-scenario": "slow, nsfw" },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 10 * 10 - 20);
    expect(res.status).toBe(200);
    expect(res.body.has_nsfw_concepts).toEqual([true]);
  });

  test("unknown scenarios are rejected", async () => {
    const res = await call(`${emulator.urls.queue}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "x" },
      headers: { "x-fal-emulator-scenario": "explode" },
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/explode/);
  });

  test("start timeout: not started in time -> COMPLETED, result 504 with x-fal-request-timeout-type: user", async () => {
    const model = "fal-ai/flux-pro/kontext/text-to-image";
    const blocker = await submit(emulator, model, { prompt: "slow" }, { "x-fal-emulator-scenario": "slow" });
    const starved = await submit(emulator, model, { prompt: "x" }, { "x-fal-request-timeout": "0.05" });
    const done = await waitCompleted(starved.status_url);
    expect(done.body).toMatchObject({ error_type: "request_timeout" });
    const result = await call(starved.response_url);
    expect(result.status).toBe(504);
    expect(result.headers.get("x-fal-request-timeout-type")).toBe("user");
    expect(result.body.error_type).toBe("request_timeout");

    // Same through run, while the blocker still holds the only runner.
    const run = await call(`${emulator.urls.run}/${model}`, {
      method: "POST",
      body: { prompt: "x" },
      headers: { "x-fal-request-timeout": "0.05" },
    });
    expect(run.status).toBe(504);
    expect(run.headers.get("x-fal-request-timeout-type")).toBe("user");
    await waitCompleted(blocker.status_url);
  });

  test("a timeout that is not exceeded changes nothing", async () => {
    const submitted = await submit(emulator, "fal-ai/flux-1/schnell", { prompt: "x" }, { "x-fal-request-timeout": "30" });
    await waitCompleted(submitted.status_url);
    expect((await call(submitted.response_url)).status).toBe(200);
  });
});

describe("authentication", () => {
  test("no key -> 401; with apiKey only the exact key passes; without apiKey Key/Bearer both pass", async () => {
    const open = await startEmulator({ quiet: true, timing: FAST });
    const locked = await startEmulator({ quiet: true, timing: FAST, apiKey: "secret" });
    try {
      const path = "/queue/fal-ai/flux-1/schnell";
      const missing = await call(`${open.url}${path}`, { method: "POST", body: { prompt: "x" }, auth: null });
      expect(missing.status).toBe(401);
      expect(typeof missing.body.detail).toBe("string");
      expect(missing.headers.get("x-fal-request-id")).toBeTruthy();
      expect((await call(`${open.url}${path}`, { method: "POST", body: { prompt: "x" }, auth: "Bearer t" })).status).toBe(200);
      expect((await call(`${open.url}/run/fal-ai/flux-1/schnell`, { method: "POST", body: { prompt: "x" }, auth: "Basic x" })).status).toBe(401);

      expect((await call(`${locked.url}${path}`, { method: "POST", body: { prompt: "x" }, auth: "Key wrong" })).status).toBe(401);
      expect((await call(`${locked.url}${path}`, { method: "POST", body: { prompt: "x" }, auth: "Key secret" })).status).toBe(200);
      expect(locked.env).toMatchObject({ FAL_KEY: "secret", FAL_QUEUE_URL: `${locked.url}/queue` });
      expect(open.env).not.toHaveProperty("FAL_KEY");
      expect(open.urls).toEqual({
        run: `${open.url}/run`,
        queue: `${open.url}/queue`,
        rest: `${open.url}/rest`,
        cdn: `${open.url}/cdn`,
      });
    } finally {
      await open.close();
      await locked.close();
    }
  });
});

describe("run route and generated images", () => {
  let emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ quiet: true, timing: FAST });
  });
  afterAll(() => emulator.close());

  const png = (bytes) => ({
    magic: [...bytes.subarray(0, 8)],
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
  });

  async function download(url) {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  test("POST run returns the output and x-fal-request-id; PNG bytes match the reported size", async () => {
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "a red fox", seed: 123, image_size: "landscape_16_9" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-fal-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const [image] = res.body.images;
    expect(image).toMatchObject({ content_type: "image/png", width: 512, height: 288 });
    expect(image.url.startsWith(`${emulator.urls.cdn}/files/`)).toBe(true);

    const file = await download(image.url);
    expect(file.status).toBe(200);
    expect(file.type).toBe("image/png");
    expect(png(file.bytes)).toEqual({ magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], width: 512, height: 288 });
  });

  test("GET run takes the input from the query string", async () => {
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell?prompt=hello&seed=5&num_images=2&image_size=square&output_format=jpeg`);
    expect(res.status).toBe(200);
    expect(res.body.seed).toBe(5);
    expect(res.body.images).toHaveLength(2);
    expect(res.body.images[0].url).not.toBe(res.body.images[1].url);
    expect(res.body.images[0]).toMatchObject({ width: 512, height: 512, content_type: "image/jpeg" });
  });

  test("JPEG bytes decode to the reported size", async () => {
    const res = await call(`${emulator.urls.run}/fal-ai/flux-pro/v1.1-ultra`, {
      method: "POST",
      body: { prompt: "a tiger eye", aspect_ratio: "9:16", output_format: "jpeg" },
    });
    const [image] = res.body.images;
    expect(image.content_type).toBe("image/jpeg");
    expect(image.height).toBe(512);
    expect(image.width).toBeLessThan(512);
    const file = await download(image.url);
    expect(file.type).toBe("image/jpeg");
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const decoded = jpeg.decode(file.bytes);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: image.width, height: image.height });
  });

  test("same seed and prompt give the same image; another seed a different one; random seed reported", async () => {
    const body = { prompt: "same", seed: 99 };
    const a = await call(`${emulator.urls.run}/fal-ai/hidream-i1-fast`, { method: "POST", body });
    const b = await call(`${emulator.urls.run}/fal-ai/hidream-i1-fast`, { method: "POST", body });
    const c = await call(`${emulator.urls.run}/fal-ai/hidream-i1-fast`, { method: "POST", body: { ...body, seed: 100 } });
    expect(a.body.images[0].url).toBe(b.body.images[0].url);
    expect(a.body.images[0].url).not.toBe(c.body.images[0].url);
    const [bytesA, bytesC] = await Promise.all([download(a.body.images[0].url), download(c.body.images[0].url)]);
    expect(bytesA.bytes.equals(bytesC.bytes)).toBe(false);

    const unseeded = await call(`${emulator.urls.run}/fal-ai/hidream-i1-fast`, { method: "POST", body: { prompt: "x" } });
    expect(Number.isInteger(unseeded.body.seed)).toBe(true);
  });

  test("File-shaped outputs (ideogram, imagen, recraft) follow their schemas", async () => {
    const ideogram = await call(`${emulator.urls.run}/fal-ai/ideogram/v2`, { method: "POST", body: { prompt: "poster", seed: 1 } });
    expect(Object.keys(ideogram.body).sort()).toEqual(["images", "seed"]);
    const [image] = ideogram.body.images;
    expect(image).toMatchObject({ content_type: "image/png", file_name: "image.png" });
    const file = await download(image.url);
    expect(file.bytes.length).toBe(image.file_size);
    expect(png(file.bytes).width).toBe(512);

    const recraft = await call(`${emulator.urls.run}/fal-ai/recraft/v2/text-to-image`, { method: "POST", body: { prompt: "icon" } });
    expect(Object.keys(recraft.body)).toEqual(["images"]);
  });

  test("sync_mode returns a data URI", async () => {
    const res = await call(`${emulator.urls.run}/fal-ai/flux-1/schnell`, {
      method: "POST",
      body: { prompt: "inline", sync_mode: true, image_size: "square" },
    });
    expect(res.body.images[0].url.startsWith("data:image/png;base64,")).toBe(true);
  });

  test("every model in the brief answers with images", async () => {
    const ids = [
      ["fal-ai/flux-pro/kontext", { prompt: "x", image_url: "https://example.com/a.png" }],
      ["fal-ai/flux-pro/kontext/text-to-image", { prompt: "x" }],
      ["fal-ai/flux-pro/kontext/max/multi", { prompt: "x", image_urls: ["https://example.com/a.png"] }],
      ["fal-ai/flux-pro/kontext/max/text-to-image", { prompt: "x" }],
      ["fal-ai/flux-pro/v1.1-ultra", { prompt: "x" }],
      ["fal-ai/flux-1/schnell", { prompt: "x" }],
      ["fal-ai/hidream-i1-full", { prompt: "x" }],
      ["fal-ai/hidream-i1-fast", { prompt: "x" }],
      ["fal-ai/ideogram/v2", { prompt: "x" }],
      ["fal-ai/imagen4/preview", { prompt: "x" }],
      ["fal-ai/recraft/v2/text-to-image", { prompt: "x" }],
      ["fal-ai/stable-diffusion-v35-large", { prompt: "x" }],
    ];
    const responses = await Promise.all(
      ids.map(([id, body]) => call(`${emulator.urls.run}/${id}`, { method: "POST", body })),
    );
    responses.forEach((res, i) => {
      expect([ids[i][0], res.status]).toEqual([ids[i][0], 200]);
      expect(res.body.images.length).toBeGreaterThan(0);
    });
  });

  test("unknown CDN files are 404; wrong methods are 405", async () => {
    expect((await download(`${emulator.urls.cdn}/files/nope.png`)).status).toBe(404);
    const res = await call(`${emulator.urls.queue}/fal-ai/flux-1/schnell`, { method: "DELETE" });
    expect(res.status).toBe(405);
  });
});

describe("close and CLI", () => {
  test("close() resolves even with a request in flight and is idempotent", async () => {
    const emulator = await startEmulator({ quiet: true, timing: { queueMs: 0, stepMs: 1000, steps: 5 } });
    const pending = fetch(`${emulator.urls.run}/fal-ai/flux-1/schnell`, {
      method: "POST",
      headers: { authorization: KEY },
      body: JSON.stringify({ prompt: "x" }),
    }).catch((error) => error);
    await sleep(20);
    await Promise.all([emulator.close(), emulator.close()]);
    // The in-flight request's socket is closed (fetch rejects; Jest's realm makes instanceof unreliable).
    expect(String(await pending)).toMatch(/fetch failed/);
  });

  test("the CLI prints its URL and exports, and exits cleanly on SIGTERM", async () => {
    const cli = path.join(__dirname, "../../dist/lib/emulator/cli.js");
    const child = spawn(process.execPath, [cli, "--port", "0", "--quiet", "--key", "k", "--steps", "1", "--step-ms", "1"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const url = await new Promise((resolve, reject) => {
      child.stdout.on("data", (chunk) => {
        out += chunk;
        const match = /fal emulator listening on (\S+)/.exec(out);
        if (match && out.includes("FAL_KEY")) resolve(match[1]);
      });
      child.on("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(out).toContain(`export FAL_QUEUE_URL=${url}/queue`);
    expect(out).toContain("export FAL_KEY=k");
    const res = await call(`${url}/run/fal-ai/flux-1/schnell`, { method: "POST", body: { prompt: "x" }, auth: "Key k" });
    expect(res.status).toBe(200);
    const exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    child.kill("SIGTERM");
    expect(await exit).toEqual({ code: 0, signal: null });
  });
});
