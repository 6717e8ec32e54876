// run / queue.* end to end against a fake native client: the specs JS hands to the engine and the
// values and errors it makes of the engine's records.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { createFalClient, ApiError, ValidationError, TransportError, isRetryableError } = require("../../dist/lib/index");
const { nodeTrustStore } = require("../../dist/lib/network/trust-store");
const { installFake, uninstallFake, response, transportFailure, headerPairs, header, tick } = require("./fake-native");
const pkg = require("../../package.json");

const UA = `fal-native/${pkg.version} (@fal-ai/client-compatible)`;
const ENV = ["FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET", "FAL_RUN_URL", "FAL_QUEUE_URL", "NODE_EXTRA_CA_CERTS"];
let savedEnv;
beforeEach(() => {
  savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  ENV.forEach((k) => delete process.env[k]);
});
afterEach(() => {
  uninstallFake();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("run", () => {
  test("POST: URL, headers in order, JSON body, run retry policy, Result", async () => {
    const fakes = installFake(() => response(200, { images: [1] }, { requestId: "req-1" }));
    const fal = createFalClient({ credentials: "id:secret" });
    const result = await fal.run("fal-ai/flux/dev", { input: { prompt: "a cat" } });
    expect(result).toEqual({ data: { images: [1] }, requestId: "req-1" });
    const { spec } = fakes[0].requests[0];
    expect(spec.method).toBe("POST");
    expect(spec.url).toBe("https://fal.run/fal-ai/flux/dev");
    expect(spec.headers).toEqual([
      "Authorization: Key id:secret",
      "Accept: application/json",
      "Content-Type: application/json",
      `User-Agent: ${UA}`,
    ]);
    expect(spec.body).toBe('{"prompt":"a cat"}');
    expect(spec.retry).toEqual({
      maxRetries: 3,
      baseDelay: 500,
      maxDelay: 15000,
      backoffMultiplier: 2,
      enableJitter: true,
      retryableStatusCodes: [429, 502, 503, 504],
    });
  });

  test("GET puts the input in the query and sends no body", async () => {
    const fakes = installFake(() => response(200, "ok", { contentType: "text/plain" }));
    const fal = createFalClient({ credentials: "k" });
    const result = await fal.run("fal-ai/x", { method: "get", input: { a: 1, b: "two" } });
    expect(result.data).toBe("ok");
    const { spec } = fakes[0].requests[0];
    expect(spec.method).toBe("GET");
    expect(spec.url).toBe("https://fal.run/fal-ai/x?a=1&b=two");
    expect(spec.body).toBeUndefined();
  });

  test("startTimeout and storageSettings become headers after the base ones", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k" });
    await fal.run("fal-ai/x", { input: {}, startTimeout: 30, storageSettings: { expiresIn: "1h" } });
    const names = headerPairs(fakes[0].requests[0].spec.headers).map(([n]) => n);
    expect(names).toEqual([
      "Authorization",
      "Accept",
      "Content-Type",
      "User-Agent",
      "x-fal-object-lifecycle-preference",
      "x-fal-request-timeout",
    ]);
    expect(header(fakes[0].requests[0].spec.headers, "x-fal-request-timeout")).toBe("30");
    expect(fakes[0].requests[0].spec.body).toBe("{}"); // an empty object is truthy, so it is sent
  });

  test("no x-fal-request-timeout without startTimeout; invalid startTimeout rejects before any request", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k" });
    await fal.run("fal-ai/x", { input: { a: 1 } });
    expect(header(fakes[0].requests[0].spec.headers, "x-fal-request-timeout")).toBeUndefined();
    await expect(fal.run("fal-ai/x", { input: {}, startTimeout: 1 })).rejects.toThrow("Timeout must be greater than 1 seconds");
    await expect(fal.run("fal-ai/x", { startTimeout: "5" })).rejects.toThrow("Timeout must be a number, got 5");
    expect(fakes[0].requests).toHaveLength(1);
  });

  test("422 -> ValidationError; 503 -> ApiError with request id", async () => {
    const detail = [{ loc: ["body", "prompt"], msg: "field required", type: "missing" }];
    let next = response(422, { detail }, { requestId: "r-422" });
    installFake(() => next);
    const fal = createFalClient({ credentials: "k" });
    const err = await fal.run("fal-ai/x", { input: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Unprocessable Entity");
    expect(err.fieldErrors).toEqual(detail);
    expect(err.requestId).toBe("r-422");
    next = response(503, { detail: "busy" });
    const err2 = await fal.run("fal-ai/x", { input: {} }).catch((e) => e);
    expect(err2).toBeInstanceOf(ApiError);
    expect(err2.status).toBe(503);
    expect(err2.body).toEqual({ detail: "busy" });
  });

  test("transport failure -> TransportError with code and cause, retryable", async () => {
    installFake((spec) => transportFailure("ECONNREFUSED", "Couldn't connect to server", spec.url, 4));
    const fal = createFalClient({ credentials: "k" });
    const err = await fal.run("fal-ai/x", { input: { a: 1 } }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toBe("fal-native: POST https://fal.run/fal-ai/x failed after 4 attempts: Couldn't connect to server (ECONNREFUSED)");
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.cause.code).toBe("ECONNREFUSED");
    expect(isRetryableError(err, [503])).toBe(true);
  });

  test("config.retry reaches run (user values win over the per-call policy)", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k", retry: { maxRetries: 0, enableJitter: false } });
    await fal.run("fal-ai/x", { input: { a: 1 } });
    expect(fakes[0].requests[0].spec.retry).toMatchObject({ maxRetries: 0, baseDelay: 500, maxDelay: 15000, enableJitter: false });
  });

  test("a custom responseHandler is ignored by run, as officially", async () => {
    installFake(() => response(200, { a: 1 }, { requestId: "r" }));
    const responseHandler = jest.fn(async () => "handled");
    const fal = createFalClient({ credentials: "k", responseHandler });
    expect(await fal.run("fal-ai/x", { input: { a: 1 } })).toEqual({ data: { a: 1 }, requestId: "r" });
    expect(responseHandler).not.toHaveBeenCalled();
  });

  test("a storage initiate answer without upload_url/file_url fails clearly (Blob inputs are uploaded first)", async () => {
    installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k" });
    await expect(fal.run("fal-ai/x", { input: { image: new Blob(["x"]) } })).rejects.toThrow(
      "fal-native: storage initiate answered without upload_url/file_url: {}",
    );
  });
});

describe("credentials", () => {
  test("a resolver is called for every request", async () => {
    const fakes = installFake(() => response(200, {}));
    let n = 0;
    const fal = createFalClient({ credentials: () => `key-${++n}` });
    await fal.run("fal-ai/x", { input: { a: 1 } });
    await fal.run("fal-ai/x", { input: { a: 1 } });
    expect(fakes[0].requests.map((r) => header(r.spec.headers, "Authorization"))).toEqual(["Key key-1", "Key key-2"]);
  });

  test("FAL_KEY, then FAL_KEY_ID:FAL_KEY_SECRET, read at request time", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient();
    process.env.FAL_KEY_ID = "id";
    process.env.FAL_KEY_SECRET = "sec";
    await fal.run("fal-ai/x", {});
    process.env.FAL_KEY = "full-key";
    await fal.run("fal-ai/x", {});
    expect(fakes[0].requests.map((r) => header(r.spec.headers, "Authorization"))).toEqual(["Key id:sec", "Key full-key"]);
  });

  test("no credentials -> no Authorization header", async () => {
    const fakes = installFake(() => response(200, {}));
    await createFalClient().run("fal-ai/x", {});
    expect(fakes[0].requests[0].spec.headers[0]).toBe("Accept: application/json");
  });
});

describe("queue", () => {
  test("submit: queue URL with path, webhook, lower-cased user headers overridden by options", async () => {
    const submitted = { status: "IN_QUEUE", request_id: "rid", response_url: "u", status_url: "s", cancel_url: "c", queue_position: 0 };
    const fakes = installFake(() => response(200, submitted));
    const fal = createFalClient({ credentials: "k" });
    const out = await fal.queue.submit("fal-ai/flux/dev", {
      input: { prompt: "p" },
      webhookUrl: "https://me.dev/hook",
      headers: { "X-Trace": "t1", "X-Fal-Runner-Hint": "user" },
      hint: "lora:a",
    });
    expect(out).toEqual(submitted);
    const { spec } = fakes[0].requests[0];
    expect(spec.url).toBe("https://queue.fal.run/fal-ai/flux/dev?fal_webhook=https%3A%2F%2Fme.dev%2Fhook");
    expect(spec.headers).toEqual([
      "Authorization: Key k",
      "Accept: application/json",
      "Content-Type: application/json",
      `User-Agent: ${UA}`,
      "x-trace: t1",
      "x-fal-runner-hint: lora:a",
      "x-fal-queue-priority: normal",
    ]);
    expect(spec.retry).toMatchObject({ maxRetries: 3, baseDelay: 1000, maxDelay: 60000, retryableStatusCodes: [429, 502, 503, 504] });
  });

  test("status: path dropped, logs flag, status retry policy", async () => {
    const status = { status: "IN_PROGRESS", request_id: "rid", response_url: "u", status_url: "s", cancel_url: "c", logs: [] };
    const fakes = installFake(() => response(200, status));
    const fal = createFalClient({ credentials: "k" });
    expect(await fal.queue.status("fal-ai/flux/dev", { requestId: "rid", logs: true })).toEqual(status);
    const { spec } = fakes[0].requests[0];
    expect(spec.method).toBe("GET");
    expect(spec.url).toBe("https://queue.fal.run/fal-ai/flux/requests/rid/status?logs=1");
    expect(spec.body).toBeUndefined();
    expect(spec.retry).toMatchObject({ maxRetries: 5, baseDelay: 1000, maxDelay: 30000, retryableStatusCodes: [429, 502, 503, 504, 500] });
  });

  test("result: Result from the request URL", async () => {
    const fakes = installFake(() => response(200, { images: [] }, { requestId: "rid" }));
    const fal = createFalClient({ credentials: "k" });
    expect(await fal.queue.result("workflows/me/wf/x", { requestId: "rid" })).toEqual({ data: { images: [] }, requestId: "rid" });
    expect(fakes[0].requests[0].spec.url).toBe("https://queue.fal.run/workflows/me/wf/requests/rid");
  });

  test("cancel: PUT without body resolves void; an HTTP error rejects", async () => {
    let next = response(202, { status: "CANCELLATION_REQUESTED" });
    const fakes = installFake(() => next);
    const fal = createFalClient({ credentials: "k" });
    expect(await fal.queue.cancel("fal-ai/flux/dev", { requestId: "rid" })).toBeUndefined();
    const { spec } = fakes[0].requests[0];
    expect(spec.method).toBe("PUT");
    expect(spec.url).toBe("https://queue.fal.run/fal-ai/flux/requests/rid/cancel");
    expect(spec.body).toBeUndefined();
    expect(spec.retry).toMatchObject({ maxRetries: 3, baseDelay: 1000, maxDelay: 30000 });
    next = response(400, { status: "ALREADY_COMPLETED" });
    const err = await fal.queue.cancel("fal-ai/flux/dev", { requestId: "rid" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.body).toEqual({ status: "ALREADY_COMPLETED" });
  });

  test("a custom responseHandler decodes submit, status and cancel responses", async () => {
    installFake(() => response(200, { status: "IN_QUEUE", request_id: "r" }, { requestId: "hdr-id" }));
    const seen = [];
    const fal = createFalClient({
      credentials: "k",
      responseHandler: async (res) => {
        seen.push([res.status, res.url, res.headers.get("content-type")]);
        return { wrapped: await res.json() };
      },
    });
    expect(await fal.queue.submit("a/b", { input: { x: 1 } })).toEqual({ wrapped: { status: "IN_QUEUE", request_id: "r" } });
    expect(await fal.queue.status("a/b", { requestId: "r" })).toEqual({ wrapped: { status: "IN_QUEUE", request_id: "r" } });
    expect(await fal.queue.cancel("a/b", { requestId: "r" })).toBeUndefined();
    expect(seen).toEqual([
      [200, "https://fake.example/", "application/json"],
      [200, "https://fake.example/", "application/json"],
      [200, "https://fake.example/", "application/json"],
    ]);
  });

  test("subscribeToStatus polls every pollInterval until COMPLETED, reporting each status", async () => {
    const statuses = ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"];
    const times = [];
    const fakes = installFake(() => {
      times.push(Date.now());
      return response(200, { status: statuses[times.length - 1], request_id: "r", response_url: "u" });
    });
    const fal = createFalClient({ credentials: "k" });
    const updates = [];
    const done = await fal.queue.subscribeToStatus("fal-ai/flux/dev", {
      requestId: "r",
      pollInterval: 30,
      logs: true,
      onQueueUpdate: (s) => updates.push(s.status),
    });
    expect(done.status).toBe("COMPLETED");
    expect(updates).toEqual(statuses);
    expect(fakes[0].requests.map((r) => r.spec.url)).toEqual(
      Array(4).fill("https://queue.fal.run/fal-ai/flux/requests/r/status?logs=1"),
    );
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(25);
  });
});

describe("abort", () => {
  test("an already aborted signal rejects at once with its reason, no request made", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k" });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(fal.run("fal-ai/x", { input: { a: 1 }, abortSignal: controller.signal })).rejects.toThrow("stop");
    expect(fakes.length === 0 || fakes[0].requests.length === 0).toBe(true);
  });

  test("aborting a pending request cancels the native job and rejects with an AbortError", async () => {
    const fakes = installFake(() => undefined); // never answers
    const fal = createFalClient({ credentials: "k" });
    const controller = new AbortController();
    const pending = fal.run("fal-ai/x", { input: { a: 1 }, abortSignal: controller.signal });
    await tick();
    await tick();
    expect(fakes[0].requests).toHaveLength(1);
    controller.abort();
    const err = await pending.catch((e) => e);
    expect(err.name).toBe("AbortError");
    expect(err).toBeInstanceOf(DOMException);
    expect(fakes[0].cancelled).toEqual([fakes[0].requests[0].id]);
  });

  test("late records of a cancelled job are ignored", async () => {
    const fakes = installFake(() => undefined);
    const fal = createFalClient({ credentials: "k" });
    const controller = new AbortController();
    const pending = fal.queue.result("a/b", { requestId: "r", abortSignal: controller.signal });
    await tick();
    await tick();
    controller.abort("why");
    await expect(pending).rejects.toBe("why");
    await fakes[0].deliver(fakes[0].requests[0].id, response(200, {}));
  });
});

describe("native client lifecycle", () => {
  test("created lazily, once per client, with Node's trust store (parsed natively once)", async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k" });
    expect(fakes).toHaveLength(0);
    await fal.run("a/b", {});
    await fal.queue.status("a/b", { requestId: "r" });
    expect(fakes).toHaveLength(1);
    expect(fakes[0].options).toEqual({ caPem: nodeTrustStore().pem });
    await createFalClient().run("a/b", {});
    expect(fakes).toHaveLength(2);
  });

  test("an addon that cannot load rejects the call instead of throwing", async () => {
    require("../../dist/lib/native/engine").setNativeClientFactory(() => {
      throw new Error("fal-native: could not load the native addon.");
    });
    const fal = createFalClient({ credentials: "k" });
    await expect(fal.run("a/b", {})).rejects.toThrow("could not load the native addon");
  });
});

describe("middleware and proxy on plain calls", () => {
  test("middleware sees method, URL and call headers; its output is sent after the base headers", async () => {
    const fakes = installFake(() => response(200, {}));
    const seen = [];
    const fal = createFalClient({
      credentials: "k",
      requestMiddleware: async (req) => {
        seen.push(JSON.parse(JSON.stringify(req)));
        return { ...req, url: req.url.replace("fal.run", "eu.fal.run"), headers: { ...req.headers, "x-extra": ["a", "b"] } };
      },
    });
    await fal.run("fal-ai/x", { input: { a: 1 }, startTimeout: 10 });
    expect(seen).toEqual([{ method: "POST", url: "https://fal.run/fal-ai/x", headers: { "x-fal-request-timeout": "10" } }]);
    const { spec } = fakes[0].requests[0];
    expect(spec.url).toBe("https://eu.fal.run/fal-ai/x");
    expect(spec.headers.slice(4)).toEqual(["x-fal-request-timeout: 10", "x-extra: a, b"]);
  });

  test('proxyUrl { when: "always" } sends to the proxy with x-fal-target-url', async () => {
    const fakes = installFake(() => response(200, {}));
    const fal = createFalClient({ credentials: "k", proxyUrl: { url: "http://127.0.0.1:3000/api/fal/proxy", when: "always" } });
    await fal.queue.status("fal-ai/flux/dev", { requestId: "r" });
    const { spec } = fakes[0].requests[0];
    expect(spec.url).toBe("http://127.0.0.1:3000/api/fal/proxy");
    expect(header(spec.headers, "x-fal-target-url")).toBe("https://queue.fal.run/fal-ai/flux/requests/r/status?logs=0");
  });

  test("a string proxyUrl does nothing outside a browser", async () => {
    const fakes = installFake(() => response(200, {}));
    await createFalClient({ credentials: "k", proxyUrl: "/api/fal/proxy" }).run("a/b", {});
    expect(fakes[0].requests[0].spec.url).toBe("https://fal.run/a/b");
  });

  test("a relative proxy URL applied outside a browser is a clear TypeError", async () => {
    installFake(() => response(200, {}));
    const fal = createFalClient({ proxyUrl: { url: "/api/fal/proxy", when: "always" } });
    await expect(fal.run("a/b", {})).rejects.toThrow('fal-native: request URL "/api/fal/proxy" is not an absolute http(s) URL');
  });

  test("a middleware that returns nothing is reported", async () => {
    installFake(() => response(200, {}));
    const fal = createFalClient({ requestMiddleware: async () => undefined });
    await expect(fal.run("a/b", {})).rejects.toThrow("fal-native: requestMiddleware must resolve to { url, method, headers }, got undefined");
  });

  test("base URL overrides from config and env", async () => {
    const fakes = installFake(() => response(200, {}));
    process.env.FAL_RUN_URL = "http://127.0.0.1:8787/run";
    process.env.FAL_QUEUE_URL = "http://127.0.0.1:8787/queue";
    const fromEnv = createFalClient({ credentials: "k" });
    await fromEnv.run("fal-ai/x", {});
    await fromEnv.queue.result("fal-ai/x/y", { requestId: "r" });
    const fromConfig = createFalClient({ credentials: "k", baseUrls: { queue: "http://localhost:9000/q/" } });
    await fromConfig.queue.cancel("fal-ai/x/y", { requestId: "r" });
    expect([...fakes[0].requests, ...fakes[1].requests].map((r) => r.spec.url)).toEqual([
      "http://127.0.0.1:8787/run/fal-ai/x",
      "http://127.0.0.1:8787/queue/fal-ai/x/requests/r",
      "http://localhost:9000/q/fal-ai/x/requests/r/cancel",
    ]);
  });
});
