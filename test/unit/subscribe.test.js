// subscribe: the native fast path (one subscribe job) and the JS path (middleware/proxy/handler).
const { createFalClient, ApiError, TransportError } = require("../../dist/lib/index");
const { installFake, uninstallFake, response, transportFailure, header, tick } = require("./fake-native");
const pkg = require("../../package.json");

const UA = `fal-native/${pkg.version} (@fal-ai/client-compatible)`;
afterEach(() => uninstallFake());

const status = (s, extra = {}) => ({ status: s, request_id: "rid", response_url: "u", status_url: "s", cancel_url: "c", ...extra });

/** Waits until the fake has a subscribe job, then returns it. */
async function nextJob(fake) {
  for (let i = 0; i < 50 && fake.subscribes.length === 0; i++) await tick();
  return fake.subscribes[fake.subscribes.length - 1];
}

async function waitFor(predicate) {
  for (let i = 0; i < 200 && !predicate(); i++) await tick();
  expect(predicate()).toBe(true);
}

describe("native fast path", () => {
  test("builds one subscribe spec with submit, prefix, headers, polling and retry policies", async () => {
    const fakes = installFake();
    const fal = createFalClient({ credentials: "k", retry: { maxRetries: 1 } });
    const pending = fal.subscribe("fal-ai/flux/dev", {
      input: { prompt: "p" },
      logs: true,
      pollInterval: 250,
      timeout: 9000,
      priority: "low",
      hint: "h1",
      startTimeout: 20,
      webhookUrl: "https://me/hook",
      headers: { "X-Trace": "t" },
      onQueueUpdate: () => {},
    });
    await waitFor(() => fakes.length === 1 && fakes[0].subscribes.length === 1);
    const { id, spec } = fakes[0].subscribes[0];
    expect(spec.submit.method).toBe("POST");
    expect(spec.submit.url).toBe("https://queue.fal.run/fal-ai/flux/dev?fal_webhook=https%3A%2F%2Fme%2Fhook");
    expect(spec.submit.body).toBe('{"prompt":"p"}');
    expect(spec.submit.headers).toEqual([
      "Authorization: Key k",
      "Accept: application/json",
      "Content-Type: application/json",
      `User-Agent: ${UA}`,
      "x-trace: t",
      "x-fal-queue-priority: low",
      "x-fal-runner-hint: h1",
      "x-fal-request-timeout: 20",
    ]);
    expect(spec.submit.retry).toMatchObject({ maxRetries: 1, baseDelay: 1000, maxDelay: 60000 });
    expect(spec.requestsPrefix).toBe("https://queue.fal.run/fal-ai/flux/requests/");
    expect(spec.headers).toEqual(["Authorization: Key k", "Accept: application/json", "Content-Type: application/json", `User-Agent: ${UA}`]);
    expect(spec).toMatchObject({ logs: true, pollInterval: 250, statusUpdates: true, timeout: 9000 });
    expect(spec.statusRetry).toMatchObject({ maxRetries: 1, baseDelay: 1000, maxDelay: 30000, retryableStatusCodes: [429, 502, 503, 504, 500] });
    expect(spec.resultRetry).toMatchObject({ maxRetries: 1, baseDelay: 1000, maxDelay: 60000 });
    await fakes[0].deliver(id, { type: "enqueued", requestId: "rid", body: "{}" }, response(200, { ok: true }, { requestId: "rid" }));
    expect(await pending).toEqual({ data: { ok: true }, requestId: "rid" });
  });

  test("defaults: logs off, pollInterval 500, no status updates, no timeout, priority normal", async () => {
    const fakes = installFake();
    const pending = createFalClient({ credentials: "k" }).subscribe("a/b", { input: { x: 1 } });
    const { id, spec } = await nextJob((await waitFor(() => fakes.length === 1), fakes[0]));
    expect(spec).toMatchObject({ logs: false, pollInterval: 500, statusUpdates: false, timeout: 0 });
    expect(header(spec.submit.headers, "x-fal-queue-priority")).toBe("normal");
    await fakes[0].deliver(id, { type: "enqueued", requestId: "r", body: "{}" }, response(200, [1, 2]));
    expect((await pending).data).toEqual([1, 2]);
  });

  test("onEnqueue once, onQueueUpdate for every status incl. COMPLETED, then the result", async () => {
    const fakes = installFake();
    const events = [];
    const pending = createFalClient({ credentials: "k" }).subscribe("fal-ai/flux/dev", {
      input: { p: 1 },
      onEnqueue: (rid) => events.push(["enqueue", rid]),
      onQueueUpdate: (s) => events.push(["update", s.status, s.queue_position ?? null]),
    });
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    await fakes[0].deliver(id, { type: "enqueued", requestId: "rid", body: JSON.stringify(status("IN_QUEUE", { queue_position: 2 })) });
    await fakes[0].deliver(
      id,
      { type: "status", body: JSON.stringify(status("IN_QUEUE", { queue_position: 1 })) },
      { type: "status", body: JSON.stringify(status("IN_PROGRESS", { logs: [] })) },
    );
    await fakes[0].deliver(
      id,
      { type: "status", body: JSON.stringify(status("COMPLETED", { logs: [] })) },
      response(200, { images: ["i"] }, { requestId: "rid" }),
    );
    expect(await pending).toEqual({ data: { images: ["i"] }, requestId: "rid" });
    expect(events).toEqual([
      ["enqueue", "rid"],
      ["update", "IN_QUEUE", 1],
      ["update", "IN_PROGRESS", null],
      ["update", "COMPLETED", null],
    ]);
  });

  test("timeout record -> the official timeout error", async () => {
    const fakes = installFake();
    const pending = createFalClient({ credentials: "k" }).subscribe("a/b", { timeout: 1500 });
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    await fakes[0].deliver(id, { type: "enqueued", requestId: "r", body: "{}" }, { type: "timeout", requestId: "r" });
    await expect(pending).rejects.toThrow(new Error("Client timed out waiting for the request to complete after 1500ms"));
  });

  test("an HTTP error from any step -> ApiError/ValidationError", async () => {
    const fakes = installFake();
    const fal = createFalClient({ credentials: "k" });
    const submitFails = fal.subscribe("a/b", { input: {} });
    await waitFor(() => fakes.length === 1);
    let job = await nextJob(fakes[0]);
    await fakes[0].deliver(job.id, response(422, { detail: [{ loc: ["body", "x"], msg: "m", type: "t" }] }));
    const err = await submitFails.catch((e) => e);
    expect(err.name).toBe("ValidationError");
    expect(err.getFieldErrors("x")).toHaveLength(1);

    const resultFails = fal.subscribe("a/b", { input: {} });
    await waitFor(() => fakes[0].subscribes.length === 2);
    job = fakes[0].subscribes[1];
    await fakes[0].deliver(job.id, { type: "enqueued", requestId: "r", body: "{}" }, response(500, { detail: "boom" }, { requestId: "r" }));
    const err2 = await resultFails.catch((e) => e);
    expect(err2).toBeInstanceOf(ApiError);
    expect(err2.status).toBe(500);
    expect(err2.requestId).toBe("r");
  });

  test("transport error -> TransportError naming the failing call", async () => {
    const fakes = installFake();
    const pending = createFalClient({ credentials: "k" }).subscribe("a/b", {});
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    const url = "https://queue.fal.run/a/b/requests/r/status?logs=0";
    await fakes[0].deliver(id, { type: "enqueued", requestId: "r", body: "{}" }, transportFailure("ECONNRESET", "Connection reset", url, 6));
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toBe(`fal-native: GET ${url} failed after 6 attempts: Connection reset (ECONNRESET)`);
    expect(err.cause.code).toBe("ECONNRESET");
  });

  test("abort cancels the native job and rejects with the reason", async () => {
    const fakes = installFake();
    const controller = new AbortController();
    const pending = createFalClient({ credentials: "k" }).subscribe("a/b", { abortSignal: controller.signal });
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    controller.abort(new Error("user stop"));
    await expect(pending).rejects.toThrow("user stop");
    expect(fakes[0].cancelled).toEqual([id]);
  });

  test("an already aborted signal rejects without starting a job", async () => {
    const fakes = installFake();
    const controller = new AbortController();
    controller.abort();
    const err = await createFalClient().subscribe("a/b", { abortSignal: controller.signal }).catch((e) => e);
    expect(err.name).toBe("AbortError");
    expect(fakes).toHaveLength(0);
  });

  test("a throwing onQueueUpdate cancels the job and rejects with its error", async () => {
    const fakes = installFake();
    const boom = new Error("callback failed");
    const pending = createFalClient({ credentials: "k" }).subscribe("a/b", {
      onQueueUpdate: () => {
        throw boom;
      },
    });
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    await fakes[0].deliver(id, { type: "enqueued", requestId: "r", body: "{}" }, { type: "status", body: JSON.stringify(status("IN_QUEUE")) });
    await expect(pending).rejects.toBe(boom);
    expect(fakes[0].cancelled).toEqual([id]);
  });
});

describe("JS path (middleware sees every request)", () => {
  function queueServer(statuses) {
    let polls = 0;
    return (spec) => {
      const url = header(spec.headers, "x-fal-target-url") ?? spec.url; // what a proxy would forward to
      if (spec.method === "POST") return response(200, status("IN_QUEUE", { queue_position: 0 }));
      if (url.includes("/status")) return response(200, status(statuses[Math.min(polls++, statuses.length - 1)]));
      if (spec.method === "PUT") return response(202, { status: "CANCELLATION_REQUESTED" });
      return response(200, { images: ["done"] }, { requestId: "rid" });
    };
  }

  test("submit, polls, result all go through the middleware", async () => {
    const fakes = installFake(queueServer(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]));
    const seen = [];
    const events = [];
    const fal = createFalClient({
      credentials: "k",
      requestMiddleware: async (req) => {
        seen.push(`${req.method} ${req.url}`);
        return { ...req, headers: { ...req.headers, "x-mw": "1" } };
      },
    });
    const result = await fal.subscribe("fal-ai/flux/dev", {
      input: { p: 1 },
      pollInterval: 5,
      onEnqueue: (r) => events.push(`enqueue ${r}`),
      onQueueUpdate: (s) => events.push(s.status),
    });
    expect(result).toEqual({ data: { images: ["done"] }, requestId: "rid" });
    expect(fakes[0].subscribes).toHaveLength(0);
    expect(seen).toEqual([
      "POST https://queue.fal.run/fal-ai/flux/dev",
      "GET https://queue.fal.run/fal-ai/flux/requests/rid/status?logs=0",
      "GET https://queue.fal.run/fal-ai/flux/requests/rid/status?logs=0",
      "GET https://queue.fal.run/fal-ai/flux/requests/rid/status?logs=0",
      "GET https://queue.fal.run/fal-ai/flux/requests/rid",
    ]);
    expect(fakes[0].requests.every((r) => header(r.spec.headers, "x-mw") === "1")).toBe(true);
    expect(events).toEqual(["enqueue rid", "IN_QUEUE", "IN_PROGRESS", "COMPLETED"]);
  });

  test('proxyUrl with when: "always" also takes the JS path', async () => {
    const fakes = installFake(queueServer(["COMPLETED"]));
    const fal = createFalClient({ credentials: "k", proxyUrl: { url: "http://127.0.0.1:3000/proxy", when: "always" } });
    await fal.subscribe("a/b", { input: { p: 1 } });
    expect(fakes[0].requests.map((r) => [r.spec.url, header(r.spec.headers, "x-fal-target-url")])).toEqual([
      ["http://127.0.0.1:3000/proxy", "https://queue.fal.run/a/b"],
      ["http://127.0.0.1:3000/proxy", "https://queue.fal.run/a/b/requests/rid/status?logs=0"],
      ["http://127.0.0.1:3000/proxy", "https://queue.fal.run/a/b/requests/rid"],
    ]);
  });

  test("a proxy that does not apply keeps the fast path", async () => {
    const fakes = installFake();
    const pending = createFalClient({ credentials: "k", proxyUrl: "/api/fal/proxy" }).subscribe("a/b", {});
    await waitFor(() => fakes.length === 1);
    const { id } = await nextJob(fakes[0]);
    await fakes[0].deliver(id, { type: "enqueued", requestId: "r", body: "{}" }, response(200, 1));
    expect((await pending).data).toBe(1);
  });

  test("timeout: rejects with the official message and sends a cancel", async () => {
    const fakes = installFake(queueServer(["IN_PROGRESS"]));
    const fal = createFalClient({ credentials: "k", requestMiddleware: async (r) => r });
    const started = Date.now();
    await expect(fal.subscribe("fal-ai/flux/dev", { pollInterval: 10, timeout: 80 })).rejects.toThrow(
      "Client timed out waiting for the request to complete after 80ms",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    await waitFor(() => fakes[0].requests.some((r) => r.spec.method === "PUT"));
    const cancel = fakes[0].requests.find((r) => r.spec.method === "PUT");
    expect(cancel.spec.url).toBe("https://queue.fal.run/fal-ai/flux/requests/rid/cancel");
    const polls = fakes[0].requests.filter((r) => r.spec.url.includes("/status")).length;
    await new Promise((r) => setTimeout(r, 40));
    expect(fakes[0].requests.filter((r) => r.spec.url.includes("/status")).length).toBe(polls); // polling stopped
  });

  test("abort during polling rejects at once and stops polling", async () => {
    const fakes = installFake(queueServer(["IN_PROGRESS"]));
    const controller = new AbortController();
    const fal = createFalClient({ credentials: "k", requestMiddleware: async (r) => r });
    const pending = fal.subscribe("a/b", { pollInterval: 10, abortSignal: controller.signal });
    await waitFor(() => fakes.length === 1 && fakes[0].requests.length >= 2);
    controller.abort();
    const err = await pending.catch((e) => e);
    expect(err.name).toBe("AbortError");
    const count = fakes[0].requests.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(fakes[0].requests.length).toBe(count);
  });

  test("a custom responseHandler takes the JS path and sees submit and status responses", async () => {
    installFake(queueServer(["COMPLETED"]));
    const urls = [];
    const fal = createFalClient({
      credentials: "k",
      responseHandler: async (res) => {
        urls.push(res.status);
        return res.json();
      },
    });
    expect((await fal.subscribe("a/b", {})).data).toEqual({ images: ["done"] });
    expect(urls).toEqual([200, 200]); // submit + one status; result uses the built-in handling
  });
});
