// fal.realtime.connect against the emulator over real loopback: token request through the
// native engine, then a `ws` WebSocket with msgpack (or custom JSON) frames.
"use strict";

const { createFalClient, ApiError } = require("../../dist/lib");
const { startEmulator } = require("../../dist/lib/emulator");
const { sleep, waitFor } = require("../helpers/wait");
const { runNode } = require("../helpers/run-node");

const API_KEY = "realtime-client-key";
const APP = "fal-ai/fast-lcm-diffusion";
const UPGRADE_PATH = `/run/${APP}/realtime`;

let emu;

beforeAll(async () => {
  emu = await startEmulator({ apiKey: API_KEY, quiet: true, timing: { stepMs: 5 } });
});

afterAll(async () => {
  await emu.close();
});

const client = (extra = {}) => createFalClient({ credentials: API_KEY, baseUrls: emu.urls, ...extra });
const tokenRequests = () => emu.requests.filter((r) => r.method === "POST" && r.path === "/rest/tokens/");
const upgrades = (path = UPGRADE_PATH) => emu.requests.filter((r) => r.path === path && r.headers.upgrade);
const input = (requestId, extra = {}) => ({ prompt: "a koi pond", request_id: requestId, sync_mode: false, image_size: "square", ...extra });

/** A handler that records what it receives; close the connection with `conn.close()`. */
function recorder(extra = {}) {
  const seen = { results: [], errors: [] };
  const handler = {
    onResult: (result) => seen.results.push(result),
    onError: (error) => seen.errors.push(error),
    ...extra,
  };
  return { seen, handler, ids: () => seen.results.map((r) => r.request_id) };
}

/** Fetches a token straight from the emulator (what a backend's token endpoint would do). */
async function mintToken(expirationSeconds) {
  const response = await fetch(`${emu.urls.rest}/tokens/`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Key ${API_KEY}` },
    body: JSON.stringify({ allowed_apps: ["fast-lcm-diffusion"], token_expiration: expirationSeconds }),
  });
  return response.json();
}

describe("fal.realtime.connect", () => {
  test("msgpack round trip: token from <rest>/tokens/, socket on <run>/<app>/realtime", async () => {
    const before = tokenRequests().length;
    const { seen, handler, ids } = recorder();
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("first"));
    await waitFor(() => seen.results.length === 1, "result");
    expect(ids()).toEqual(["first"]);
    expect(seen.results[0].images[0].url).toMatch(/\/cdn\/files\//);
    expect(seen.errors).toEqual([]);

    const [tokenCall] = tokenRequests().slice(before);
    expect(JSON.parse(tokenCall.body)).toEqual({ allowed_apps: ["fast-lcm-diffusion"], token_expiration: 120 });
    expect(tokenCall.headers.authorization).toBe(`Key ${API_KEY}`);
    const upgrade = upgrades().find((r) => r.time >= tokenCall.time);
    expect(upgrade).toBeDefined();
    expect(upgrade.query.fal_jwt_token.split(".")).toHaveLength(3);
    expect(upgrade.query.max_buffering).toBeUndefined();

    // A second message on the same socket.
    conn.send(input("second"));
    await waitFor(() => seen.results.length === 2, "second result");
    expect(ids()).toEqual(["first", "second"]);
    expect(tokenRequests().length - before).toBe(1);
    conn.close();
  });

  test("JSON frames through encodeMessage/decodeMessage, custom path and maxBuffering in the URL", async () => {
    const decoded = [];
    const { seen, handler } = recorder({
      path: "custom-json",
      maxBuffering: 5,
      encodeMessage: (value) => JSON.stringify(value),
      decodeMessage: (data) => {
        decoded.push(typeof data);
        return JSON.parse(data);
      },
    });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("json-1"));
    await waitFor(() => seen.results.length === 1, "result");
    // The emulator answers text with text: the decoder saw a string, not bytes.
    expect(decoded[0]).toBe("string");
    expect(seen.results[0].request_id).toBe("json-1");
    const upgrade = upgrades(`/run/${APP}/custom-json`).pop();
    expect(upgrade.query.max_buffering).toBe("5");
    conn.close();
  });

  test("a custom decodeMessage gets binary frames as a Blob", async () => {
    const kinds = [];
    const msgpackDecode = require("@msgpack/msgpack").decode;
    const { seen, handler } = recorder({
      decodeMessage: async (data) => {
        kinds.push(data instanceof Blob ? "blob" : typeof data);
        return typeof data === "string" ? JSON.parse(data) : msgpackDecode(new Uint8Array(await data.arrayBuffer()));
      },
    });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("blob"));
    await waitFor(() => seen.results.length === 1, "result");
    // The result (binary) and the timings note (text) both went through the decoder.
    await waitFor(() => kinds.length === 2, "timings note");
    expect(kinds).toEqual(["blob", "string"]);
    conn.close();
  });

  test("throttle: one burst sends the first message and the last, the ones between are dropped", async () => {
    const { seen, handler, ids } = recorder({ throttleInterval: 150 });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("warm-up"));
    await waitFor(() => seen.results.length === 1, "warm-up result");
    await sleep(200); // past the throttle window
    for (let i = 0; i < 5; i++) conn.send(input(`burst-${i}`));
    await waitFor(() => seen.results.length === 3, "burst results");
    await sleep(300);
    expect(ids()).toEqual(["warm-up", "burst-0", "burst-4"]);
    conn.close();
  });

  test("before the socket opens only the latest message is kept", async () => {
    const { seen, handler, ids } = recorder({ throttleInterval: 0 });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("queued-a"));
    conn.send(input("queued-b"));
    conn.send(input("queued-c"));
    await waitFor(() => seen.results.length === 1, "result");
    await sleep(200);
    expect(ids()).toEqual(["queued-c"]);
    conn.close();
  });

  test("x-fal-error becomes onError(ApiError 400) with the message body", async () => {
    const { seen, handler } = recorder();
    const conn = client().realtime.connect(APP, handler);
    conn.send({ num_images: 2 }); // no prompt
    await waitFor(() => seen.errors.length >= 1, "error");
    const [error] = seen.errors;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^INTERNAL_ERROR: Input validation failed: prompt: Field required/);
    expect(error.body).toMatchObject({ type: "x-fal-error", error: "INTERNAL_ERROR" });
    // The service closes after an app error (1011), which is reported as well.
    await waitFor(() => seen.errors.length === 2, "close error");
    expect(seen.errors[1].status).toBe(1011);
    conn.close();
  });

  test("a close with a code other than 1000 becomes onError(ApiError status=code); the next send reconnects", async () => {
    const before = tokenRequests().length;
    const { seen, handler, ids } = recorder();
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("boom", { fal_emulator_scenario: "close-4000" }));
    await waitFor(() => seen.errors.length === 1, "close error");
    expect(seen.errors[0]).toBeInstanceOf(ApiError);
    expect(seen.errors[0].status).toBe(4000);
    expect(seen.errors[0].message).toBe("Error closing the connection: Emulator scenario close-4000");

    conn.send(input("after-close"));
    await waitFor(() => seen.results.length === 1, "result after reconnect");
    expect(ids()).toEqual(["after-close"]);
    // A fresh token for the new socket.
    expect(tokenRequests().length - before).toBe(2);
    conn.close();
  });

  test("the service's TIMEOUT message and clean close are not errors; the next send reconnects", async () => {
    const { seen, handler, ids } = recorder();
    const conn = client().realtime.connect(APP, handler);
    const before = upgrades().length;
    conn.send(input("x", { fal_emulator_scenario: "timeout" }));
    await waitFor(() => upgrades().length === before + 1, "first socket");
    await sleep(500); // the TIMEOUT frame and the close follow the input at once
    conn.send(input("again"));
    await waitFor(() => seen.results.length === 1, "result");
    expect(ids()).toEqual(["again"]);
    expect(upgrades().length).toBe(before + 2);
    expect(seen.errors).toEqual([]);
    conn.close();
  });

  test("an unusable token: the Unauthorized message becomes onError(401) and the next send asks the provider again", async () => {
    const asked = [];
    const { seen, handler, ids } = recorder({
      tokenProvider: async (scope) => {
        asked.push(scope);
        return asked.length === 1 ? "forged-token" : mintToken(60);
      },
    });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("denied"));
    await waitFor(() => seen.errors.length >= 1, "unauthorized");
    expect(seen.errors[0]).toBeInstanceOf(ApiError);
    expect(seen.errors[0].status).toBe(401);
    expect(seen.errors[0].body).toEqual({ status: "error", error: "Unauthorized" });

    conn.send(input("allowed"));
    await waitFor(() => seen.results.length === 1, "result with a good token");
    expect(ids()).toEqual(["allowed"]);
    expect(asked).toEqual([`${APP}/realtime`, `${APP}/realtime`]);
    conn.close();
  });

  test("a failing token request is reported through onError", async () => {
    const { seen, handler } = recorder();
    const conn = client({ credentials: "wrong-key" }).realtime.connect(APP, handler);
    conn.send(input("never"));
    await waitFor(() => seen.errors.length === 1, "token error");
    expect(seen.errors[0]).toBeInstanceOf(ApiError);
    expect(seen.errors[0].status).toBe(401);
    expect(seen.results).toEqual([]);
    conn.close();
  });

  test("a refused handshake becomes onError(ApiError) with the HTTP status and body", async () => {
    const { seen, handler } = recorder();
    const conn = client().realtime.connect("fal-ai/flux-1", handler);
    conn.send({ prompt: "x" });
    await waitFor(() => seen.errors.length === 1, "refusal");
    await sleep(100);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(ApiError);
    expect(seen.errors[0].status).toBe(404);
    expect(seen.errors[0].message).toBe("App fal-ai/flux-1 has no realtime endpoint");
    expect(seen.errors[0].body).toEqual({ detail: "App fal-ai/flux-1 has no realtime endpoint" });
    conn.close();
  });

  test("tokenProvider + tokenExpirationSeconds: refreshed in the background, the socket stays", async () => {
    let calls = 0;
    const { seen, handler, ids } = recorder({
      tokenExpirationSeconds: 0.4,
      tokenProvider: async () => {
        calls++;
        return mintToken(0.4);
      },
    });
    const conn = client().realtime.connect(APP, handler);
    const before = upgrades().length;
    conn.send(input("r1"));
    await waitFor(() => seen.results.length === 1, "first result");
    await waitFor(() => calls >= 3, "two refreshes", 10_000);
    // Still the same socket, though the token it opened with has expired by now.
    conn.send(input("r2"));
    await waitFor(() => seen.results.length === 2, "second result");
    expect(ids()).toEqual(["r1", "r2"]);
    expect(upgrades().length).toBe(before + 1);
    expect(seen.errors).toEqual([]);
    conn.close();
    const afterClose = calls;
    await sleep(600);
    expect(calls).toBe(afterClose); // refresh stops with the connection
  });

  test("a custom tokenProvider without tokenExpirationSeconds is not refreshed", async () => {
    let calls = 0;
    const { seen, handler } = recorder({
      tokenProvider: async () => {
        calls++;
        return mintToken(60);
      },
    });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("once"));
    await waitFor(() => seen.results.length === 1, "result");
    await sleep(500);
    expect(calls).toBe(1);
    conn.close();
  });

  test("the default provider refreshes through <rest>/tokens/ (tokenExpirationSeconds sets the lifetime)", async () => {
    const before = tokenRequests().length;
    const { seen, handler } = recorder({ tokenExpirationSeconds: 0.3 });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("default-provider"));
    await waitFor(() => seen.results.length === 1, "result");
    await waitFor(() => tokenRequests().length - before >= 3, "refresh requests", 10_000);
    const bodies = tokenRequests().slice(before).map((r) => JSON.parse(r.body));
    expect(bodies.every((b) => b.token_expiration === 0.3 && b.allowed_apps[0] === "fast-lcm-diffusion")).toBe(true);
    expect(seen.errors).toEqual([]);
    conn.close();
  });

  test("a failed refresh is retried after 5% of the lifetime", async () => {
    let calls = 0;
    const { seen, handler } = recorder({
      tokenExpirationSeconds: 2,
      tokenProvider: async () => {
        calls++;
        if (calls === 2) throw new Error("token service down");
        return mintToken(60);
      },
    });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("r"));
    await waitFor(() => seen.results.length === 1, "result");
    // Refresh at 1.8 s fails; the retry comes 0.1 s later (not another 1.8 s).
    await waitFor(() => calls >= 2, "failed refresh", 10_000);
    const failedAt = Date.now();
    await waitFor(() => calls >= 3, "retried refresh", 10_000);
    expect(Date.now() - failedAt).toBeLessThan(1500);
    expect(seen.errors).toEqual([]); // refresh failures are not reported
    conn.close();
  });

  test("connectionKey: the same key shares one socket and uses the newest callbacks; close() forgets it", async () => {
    const fal = client();
    const first = recorder({ connectionKey: "shared-key" });
    const second = recorder({ connectionKey: "shared-key" });
    const before = upgrades().length;
    const a = fal.realtime.connect(APP, first.handler);
    a.send(input("via-a"));
    await waitFor(() => first.seen.results.length === 1, "first result");
    const b = fal.realtime.connect(APP, second.handler);
    b.send(input("via-b"));
    await waitFor(() => second.seen.results.length === 1, "second result");
    expect(upgrades().length).toBe(before + 1);
    expect(first.ids()).toEqual(["via-a"]);
    expect(second.ids()).toEqual(["via-b"]);

    b.close();
    const third = recorder({ connectionKey: "shared-key" });
    const c = fal.realtime.connect(APP, third.handler);
    c.send(input("via-c"));
    await waitFor(() => third.seen.results.length === 1, "third result");
    expect(upgrades().length).toBe(before + 2);
    c.close();
  });

  test("onResult that throws is reported through onError, and onError that throws does not crash", async () => {
    const emitWarning = jest.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const errors = [];
      const conn = client().realtime.connect(APP, {
        onResult: () => {
          throw new Error("bad handler");
        },
        onError: (error) => {
          errors.push(error);
          throw new Error("worse handler");
        },
      });
      conn.send(input("x"));
      await waitFor(() => errors.length === 1, "error");
      expect(errors[0]).toBeInstanceOf(ApiError);
      expect(errors[0].message).toBe("bad handler");
      await waitFor(() => emitWarning.mock.calls.length === 1, "warning");
      expect(emitWarning.mock.calls[0][0]).toMatch(/onError threw: worse handler/);
      conn.close();
    } finally {
      emitWarning.mockRestore();
    }
  });

  test("clientOnly: true outside a browser is a no-op connection", async () => {
    const before = emu.requests.length;
    const { seen, handler } = recorder({ clientOnly: true });
    const conn = client().realtime.connect(APP, handler);
    conn.send(input("nothing"));
    conn.close();
    await sleep(100);
    expect(emu.requests.length).toBe(before);
    expect(seen.results).toEqual([]);
  });
});

describe("bad arguments are clear TypeErrors at connect()", () => {
  const fal = createFalClient({ credentials: "k", baseUrls: { run: "http://127.0.0.1:9", rest: "http://127.0.0.1:9" } });
  const onResult = () => {};

  test.each([0, 61, 1.5, "5", NaN])("maxBuffering %p", (maxBuffering) => {
    expect(() => fal.realtime.connect(APP, { onResult, maxBuffering })).toThrow(
      new TypeError(`fal.realtime.connect: handler.maxBuffering must be an integer between 1 and 60 (inclusive), got ${typeof maxBuffering === "string" ? `"${maxBuffering}"` : String(maxBuffering)}`),
    );
  });

  test("maxBuffering 1 and 60 are accepted", () => {
    expect(() => fal.realtime.connect(APP, { onResult, maxBuffering: 1 }).close()).not.toThrow();
    expect(() => fal.realtime.connect(APP, { onResult, maxBuffering: 60 }).close()).not.toThrow();
  });

  test("a handler without onResult", () => {
    expect(() => fal.realtime.connect(APP, {})).toThrow(new TypeError("fal.realtime.connect: handler.onResult must be a function, got undefined"));
    expect(() => fal.realtime.connect(APP)).toThrow(TypeError);
  });

  test("other options and the app id", () => {
    expect(() => fal.realtime.connect("", { onResult })).toThrow(/app must be a non-empty endpoint id/);
    expect(() => fal.realtime.connect("not-an-id", { onResult })).toThrow(/Invalid app id: not-an-id/);
    expect(() => fal.realtime.connect(APP, { onResult, throttleInterval: -1 })).toThrow(/throttleInterval must be a number/);
    expect(() => fal.realtime.connect(APP, { onResult, onError: "x" })).toThrow(/handler.onError must be a function/);
    expect(() => fal.realtime.connect(APP, { onResult, tokenExpirationSeconds: 0 })).toThrow(/tokenExpirationSeconds must be a positive number/);
    expect(() => fal.realtime.connect(APP, { onResult, path: "/x?y=1" })).toThrow(/path without a query string/);
  });
});

describe("process lifetime", () => {
  test("after close() nothing keeps the process alive (socket closed, timers cleared)", async () => {
    const script = `
      const { createFalClient } = require(${JSON.stringify(require.resolve("../../dist/lib"))});
      const fal = createFalClient({ credentials: ${JSON.stringify(API_KEY)}, baseUrls: ${JSON.stringify(emu.urls)} });
      const started = Date.now();
      const conn = fal.realtime.connect(${JSON.stringify(APP)}, {
        onResult: (result) => {
          console.log("result " + result.request_id);
          conn.close();
        },
        onError: (error) => console.log("error " + error.status + " " + error.message),
      });
      conn.send({ prompt: "bye", request_id: "child", sync_mode: false });
      process.on("exit", () => console.log("exit after " + (Date.now() - started) + " ms"));
    `;
    const outcome = await runNode("-e", [script], { timeoutMs: 20_000 });
    // One assertion on the whole outcome, so a failure shows the child's output.
    expect({ timedOut: outcome.timedOut, code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr }).toEqual({
      timedOut: false,
      code: 0,
      stdout: expect.stringMatching(/^result child\nexit after \d+ ms\n$/),
      stderr: "",
    });
    const elapsed = Number(/exit after (\d+) ms/.exec(outcome.stdout)[1]);
    // The default provider's refresh timer (108 s) must not hold the process.
    expect(elapsed).toBeLessThan(10_000);
  });
});
