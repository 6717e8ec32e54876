// fal-native/electron end to end, without Electron (it cannot be installed here): the main side
// (registerFalIpc with a real fal-native client) runs in this process and talks to the fal
// emulator over loopback HTTP; the renderer side (fal-native/electron/preload) runs in a worker
// thread, a separate JS realm, and every IPC message crosses a real MessageChannel, so it is
// structured-cloned as in Electron's IPC. See test/helpers/electron-ipc.js for what is emulated.
"use strict";

const path = require("path");
const v8 = require("v8");
const { MessageChannel, Worker } = require("worker_threads");
const { createFalClient } = require("../../dist/lib");
const { startEmulator, STREAM_TEST_ENDPOINT } = require("../../dist/lib/emulator");
const { registerFalIpc } = require("../../dist/lib/electron");
const { createIpcMain, attachRenderer } = require("../helpers/electron-ipc");
const { waitFor } = require("../helpers/wait");

const API_KEY = "sk-electron-bridge-SECRET-4f1c9e";
const SCHNELL = "fal-ai/flux-1/schnell";
const DENIED = "fal-ai/recraft-v3";
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const WORKER = path.join(__dirname, "..", "helpers", "electron-renderer-worker.js");

let emu;
let stuck;
let ipcMain;
let renderer;
const messages = []; // every message that crossed the channel, both directions
const unregisters = [];

/** A client for `target` whose calls are observable from the test (what main really did). */
function observedClient(target) {
  const client = createFalClient({ credentials: API_KEY, baseUrls: target.urls });
  const calls = [];
  const observed = {
    ...client,
    subscribe(endpointId, options) {
      const call = { endpointId, signal: options.abortSignal, outcome: "pending" };
      calls.push(call);
      const promise = client.subscribe(endpointId, options);
      promise.then(
        () => (call.outcome = "resolved"),
        (error) => Object.assign(call, { outcome: "rejected", error }),
      );
      return promise;
    },
    async stream(endpointId, options) {
      const stream = await client.stream(endpointId, options);
      calls.push({ endpointId, signal: options.signal, stream });
      return stream;
    },
  };
  return { client: observed, calls };
}

/** Starts a renderer worker connected to `ipcMain`; `ask(name, ...args)` runs one of its scenarios. */
function startRenderer(record = () => {}) {
  const { port1, port2 } = new MessageChannel();
  const webContents = attachRenderer(ipcMain, port1, record);
  const worker = new Worker(WORKER, { workerData: { port: port2 }, transferList: [port2] });
  const waiting = new Map();
  let nextId = 0;
  worker.on("message", ({ id, ok, value, error }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (ok) entry.resolve(value);
    else entry.reject(Object.assign(new Error(`renderer scenario failed: ${JSON.stringify(error)}`), { detail: error }));
  });
  worker.on("error", (error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  });
  const ask = (name, ...args) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, name, args });
    });
  const close = async () => {
    port1.close();
    await worker.terminate();
  };
  return { ask, webContents, close };
}

const main = observedClient({ urls: {} }); // replaced in beforeAll
const stuckMain = observedClient({ urls: {} });

beforeAll(async () => {
  const quick = { queueMs: 5, stepMs: 5, steps: 3, runners: 4 };
  [emu, stuck] = await Promise.all([
    startEmulator({ apiKey: API_KEY, timing: quick, quiet: true, maxImageSide: 64 }),
    startEmulator({ apiKey: API_KEY, timing: { queueMs: 60_000, stepMs: 5, steps: 1, runners: 1 }, quiet: true }),
  ]);
  Object.assign(main, observedClient(emu));
  Object.assign(stuckMain, observedClient(stuck));
  ipcMain = createIpcMain();
  unregisters.push(registerFalIpc(ipcMain, { client: main.client, allowEndpoint: (id) => id !== DENIED }));
  unregisters.push(registerFalIpc(ipcMain, { client: stuckMain.client, channel: "stuck" }));
  renderer = startRenderer((direction, message) => messages.push({ direction, message }));
});

afterAll(async () => {
  for (const unregister of unregisters) unregister();
  await renderer?.close();
  await Promise.all([emu?.close(), stuck?.close()]);
});

const ask = (...args) => renderer.ask(...args);

test("the preload module loads neither the native addon nor the Node-side client", async () => {
  const { afterPreload, now } = await ask("modules");
  const loaded = [...afterPreload, ...now].map((file) => path.relative(path.join(__dirname, "..", ".."), file));
  expect(loaded).toContain(path.join("dist", "lib", "electron", "preload.js"));
  expect(loaded.filter((file) => file.endsWith(".node"))).toEqual([]);
  for (const nodeSide of ["native/loader.js", "native/binding.js", "native/engine.js", "client.js", "index.js"]) {
    expect(loaded).not.toContain(path.join("dist", "lib", ...nodeSide.split("/")));
  }
  expect(loaded.some((file) => file.includes(`electron${path.sep}main-handler`))).toBe(false);
});

describe("calls from the renderer run in main against the emulator", () => {
  test("run resolves with {data, requestId}", async () => {
    const result = await ask("run", SCHNELL, { input: { prompt: "a red fox", seed: 3 } });
    expect(Object.keys(result).sort()).toEqual(["data", "requestId"]);
    expect(result.data.seed).toBe(3);
    expect(result.data.prompt).toBe("a red fox");
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("subscribe: onEnqueue and every onQueueUpdate arrive in the renderer before the result", async () => {
    const { result, enqueued, updates } = await ask("subscribe", SCHNELL, { input: { prompt: "a lynx", seed: 5 }, pollInterval: 10, logs: true });
    expect(enqueued).toEqual([result.requestId]);
    const polls = emu.requests.filter((r) => r.path.includes(`/requests/${result.requestId}/status`));
    expect(updates.length).toBe(polls.length);
    expect(updates[updates.length - 1].status).toBe("COMPLETED");
    for (const status of updates) expect(status.request_id).toBe(result.requestId);
    const image = result.data.images[0];
    const response = await fetch(image.url);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  });

  test("queue.submit / subscribeToStatus / status / result keep the fal shapes", async () => {
    const { submitted, completed, updates, status, result } = await ask("queueFlow", SCHNELL, { prompt: "an owl", seed: 9 });
    expect(submitted.status).toBe("IN_QUEUE");
    expect(completed.status).toBe("COMPLETED");
    expect(updates[updates.length - 1]).toBe("COMPLETED");
    expect(status.status).toBe("COMPLETED");
    expect(result.requestId).toBe(submitted.request_id);
    expect(result.data.seed).toBe(9);
  });
});

describe("errors are rebuilt in the renderer as the classes main threw", () => {
  test("a 422 becomes a ValidationError with status, body.detail and requestId", async () => {
    const error = await ask("rejection", "subscribe", SCHNELL, {
      input: { prompt: "a cat" },
      pollInterval: 10,
      headers: { "x-fal-emulator-scenario": "fail-422" },
    });
    expect(error).toMatchObject({ isValidationError: true, isApiError: true, isError: true, name: "ValidationError", status: 422 });
    expect(error.body.detail[0].loc).toEqual(["body", "prompt"]);
    expect(error.fieldErrors[0].type).toBe("content_policy_violation");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a 404 becomes an ApiError (not a ValidationError)", async () => {
    const error = await ask("rejection", "run", "fal-ai/no-such-app", { input: {} });
    expect(error).toMatchObject({ isApiError: true, isValidationError: false, name: "ApiError", status: 404 });
    expect(JSON.stringify(error.body)).toContain("no-such-app");
  });

  test("a bad argument stays a TypeError with fal-native's message", async () => {
    const error = await ask("rejection", "run", SCHNELL, { input: {}, method: 5 });
    expect(error).toMatchObject({ isTypeError: true, isApiError: false });
    expect(error.message).toMatch(/options\.method must be a string/);
  });

  test("a transport failure becomes a TransportError with its code", async () => {
    const { closedPort } = require("../helpers/closed-port");
    const port = await closedPort();
    const broken = createFalClient({ credentials: API_KEY, baseUrls: { run: `http://127.0.0.1:${port}/run` }, retry: { maxRetries: 0 } });
    const unregister = registerFalIpc(ipcMain, { client: broken, channel: "broken" });
    try {
      const error = await ask("rejection", "run", SCHNELL, { input: { prompt: "x" } }, "broken");
      expect(error).toMatchObject({ isTransportError: true, name: "TransportError", code: "ECONNREFUSED" });
    } finally {
      unregister();
    }
  });
});

describe("the renderer cannot touch credentials or redirect the key", () => {
  test.each([
    ["credentials", { credentials: "renderer-key" }],
    ["proxyUrl", { proxyUrl: "http://evil.example/proxy" }],
    ["baseUrls", { baseUrls: { run: "http://evil.example" } }],
    ["retry", { retry: { maxRetries: 100 } }],
  ])("options.%s is refused before any request", async (name, extra) => {
    const before = emu.requests.length;
    const error = await ask("rejection", "run", SCHNELL, { input: { prompt: "x" }, ...extra });
    expect(error).toMatchObject({ isTypeError: true, code: "FAL_IPC_FORBIDDEN_OPTION" });
    expect(error.message).toContain(`options.${name} cannot be set from a renderer`);
    expect(emu.requests.length).toBe(before);
  });

  test("an Authorization header on submit is refused", async () => {
    const error = await ask("rejection", "subscribe", SCHNELL, { input: { prompt: "x" }, headers: { Authorization: "Key mine" } });
    expect(error).toMatchObject({ code: "FAL_IPC_FORBIDDEN_OPTION" });
    expect(error.message).toContain("options.headers.Authorization");
  });

  test("forged requests on the raw bridge are refused: URLs as endpoint ids, unknown methods, callbacks a call does not have", async () => {
    const base = { v: 1, callId: "forged-1", options: { input: {} }, callbacks: [] };
    const url = await ask("rawBridgeCall", { ...base, method: "run", endpointId: "https://evil.example/steal" });
    expect(url).toMatchObject({ ok: false, events: 0, error: { name: "TypeError", code: "FAL_IPC_BAD_REQUEST" } });
    expect(url.error.message).toContain("not a URL");
    const method = await ask("rawBridgeCall", { ...base, method: "storage.download", endpointId: SCHNELL });
    expect(method.error.message).toContain("method must be one of");
    const callback = await ask("rawBridgeCall", { ...base, method: "run", endpointId: SCHNELL, callbacks: ["onProgress"] });
    expect(callback.error.message).toContain('callback "onProgress" is not available');
  });

  test("a renderer's method must be an HTTP token: CR/LF cannot inject headers (raw bridge and the client API)", async () => {
    const before = emu.requests.length;
    const base = { v: 1, callId: "forged-2", callbacks: [], endpointId: SCHNELL };
    for (const method of ["POST\r\nX-Injected: 1", "GET / HTTP/1.1\r\nHost: evil\r\n\r\nPOST", "PO ST"]) {
      for (const call of ["run", "queue.submit", "stream"]) {
        const forged = await ask("rawBridgeCall", { ...base, method: call, options: { input: {}, method } });
        expect(forged).toMatchObject({ ok: false, events: 0, error: { name: "TypeError", code: "FAL_IPC_BAD_REQUEST" } });
        expect(forged.error.message).toContain("options.method must be an HTTP method token");
      }
      const error = await ask("rejection", "run", SCHNELL, { input: {}, method });
      expect(error).toMatchObject({ isTypeError: true });
      expect(error.message).toContain("options.method must be an HTTP method token");
    }
    expect(emu.requests.length).toBe(before);
  });

  test("allowEndpoint refuses an endpoint", async () => {
    const error = await ask("rejection", "run", DENIED, { input: { prompt: "x" } });
    expect(error).toMatchObject({ isError: true, code: "FAL_IPC_DENIED" });
    expect(emu.requests.some((r) => r.path.includes("recraft"))).toBe(false);
  });

  test("the page cannot configure the client", async () => {
    const outcome = await ask("pageConfig");
    expect(outcome.threw).toBe(true);
    expect(outcome.message).toContain("registerFalIpc");
  });
});

describe("abort", () => {
  test("an AbortSignal in the renderer rejects with its reason and aborts the call in main", async () => {
    const callsBefore = stuckMain.calls.length;
    await ask("start", "abort-1", SCHNELL, { prompt: "never finishes" }, "stuck");
    const outcome = await ask("abort", "abort-1");
    expect(outcome).toMatchObject({ isSignalReason: true, name: "AbortError" });
    const mainCall = stuckMain.calls[callsBefore];
    await waitFor(() => mainCall.outcome !== "pending", "the main-side subscribe to settle");
    expect(mainCall.signal.aborted).toBe(true);
    expect(mainCall.outcome).toBe("rejected");
    expect(mainCall.error.name).toBe("AbortError");
  });

  test("a destroyed renderer aborts its in-flight calls in main", async () => {
    const second = startRenderer();
    try {
      const callsBefore = stuckMain.calls.length;
      await second.ask("start", "orphan", SCHNELL, { prompt: "window closes" }, "stuck");
      const mainCall = stuckMain.calls[callsBefore];
      expect(mainCall.outcome).toBe("pending");
      second.webContents.destroy();
      await waitFor(() => mainCall.outcome !== "pending", "the main-side subscribe to settle");
      expect(mainCall.error.name).toBe("AbortError");
      expect(mainCall.error.message).toContain("renderer was destroyed");
    } finally {
      await second.close();
    }
  });
});

describe("storage.upload from the renderer", () => {
  test.each([
    ["uint8array", "application/octet-stream"],
    ["arraybuffer", "application/octet-stream"],
    ["blob", "image/png"],
    ["file", "image/png"],
  ])("a %s goes up through main and is served back byte for byte", async (kind, type) => {
    const bytes = Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
    const { url, progress } = await ask("upload", kind, bytes, type, "mask.png");
    const response = await fetch(url);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(response.headers.get("content-type")).toBe(type);
    if (kind === "file") expect(url).toMatch(/mask\.png$/);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[progress.length - 1]).toEqual([bytes.length, bytes.length]);
  });

  test("a file path from the renderer is refused without touching the disk or the network", async () => {
    const before = emu.requests.length;
    const error = await ask("uploadRejection", "/etc/passwd");
    expect(error).toMatchObject({ isTypeError: true });
    expect(error.message).toContain("file paths can only be uploaded from the main process");
    expect(emu.requests.length).toBe(before);
  });

  test("a Blob inside an input is uploaded by main and replaced by its URL", async () => {
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    const result = await ask("subscribeWithBlobInput", SCHNELL, bytes, "image/png");
    const submit = emu.requests.find((r) => r.method === "POST" && r.path === `/queue/${SCHNELL}` && String(r.body).includes("blob input"));
    const imageUrl = JSON.parse(submit.body).image_url;
    expect(imageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\//);
    const response = await fetch(imageUrl);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("fal.stream from the renderer (run in main, events relayed)", () => {
  test("every event arrives in order, text intact; done() resolves with the last one", async () => {
    const { events, done, requestId, url } = await ask("streamAll", STREAM_TEST_ENDPOINT, { count: 20, text: "héllo 🌍 世界" });
    expect(events.map((event) => event.index)).toEqual([...Array(20).keys()]);
    expect(events.every((event) => event.text === "héllo 🌍 世界")).toBe(true);
    expect(done).toEqual(events[19]);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(url).toBe(`${emu.urls.run}/${STREAM_TEST_ENDPOINT}/stream`);
  });

  test("abort() in the renderer aborts the stream in main", async () => {
    const callsBefore = main.calls.length;
    const outcome = await ask("streamAbortAfter", STREAM_TEST_ENDPOINT, { count: 50, stallAfter: 3 }, 3);
    expect(outcome.received).toEqual([0, 1, 2]);
    expect(outcome.done.index).toBe(2);
    expect(outcome.signalAborted).toBe(true);
    const mainCall = main.calls.slice(callsBefore).find((call) => call.stream);
    await waitFor(() => mainCall.signal.aborted, "the main-side stream to be aborted");
  });

  test("a 422 before the stream starts reaches done() and 'error' as a ValidationError", async () => {
    const { viaDone, errors } = await ask("streamFailure", STREAM_TEST_ENDPOINT, { count: -1 });
    expect(viaDone).toMatchObject({ isValidationError: true, status: 422 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ isValidationError: true });
  });
});

describe("what page code sees through contextBridge (emulated copy rules)", () => {
  test("window.fal has the fal API shape and window.falBridge the raw bridge", async () => {
    const shape = await ask("pageShape");
    expect(shape.keys.sort()).toEqual(["fal", "falBridge"]);
    expect(shape.fal).toEqual(expect.arrayContaining(["run", "subscribe", "queue", "storage", "stream"]));
    expect(shape.queue).toEqual(expect.arrayContaining(["submit", "status", "result", "cancel", "subscribeToStatus"]));
    expect(shape.frozen).toBe(true);
  });

  test("window.fal.subscribe: callbacks cross the bridge, the result arrives intact", async () => {
    const { result, updates, enqueued } = await ask("pageSubscribe", SCHNELL, { input: { prompt: "a hare", seed: 2 }, pollInterval: 10 });
    expect(result.data.seed).toBe(2);
    expect(enqueued).toEqual([result.requestId]);
    expect(updates[updates.length - 1]).toBe("COMPLETED");
  });

  test("window.fal errors keep only their message (Electron's contextBridge rule); an AbortSignal cannot be passed", async () => {
    const error = await ask("pageRejection", SCHNELL, { input: { prompt: "x" }, pollInterval: 10, headers: { "x-fal-emulator-scenario": "fail-422" } });
    expect(error).toMatchObject({ isError: true, isValidationError: false, status: undefined });
    expect(typeof error.message).toBe("string");
    expect((await ask("pageAbortSignal", SCHNELL)).threw).toBe(true);
  });

  test("createFalRendererClient(window.falBridge) in page code gets full errors", async () => {
    const { ok, updates, failure } = await ask("pageBridgeClient", SCHNELL, {
      input: { prompt: "page world" },
      headers: { "x-fal-emulator-scenario": "fail-422" },
    });
    expect(ok.data.prompt).toBe("page world");
    expect(updates[updates.length - 1]).toBe("COMPLETED");
    expect(failure).toMatchObject({ isValidationError: true, status: 422 });
    expect(failure.body.detail[0].loc).toEqual(["body", "prompt"]);
  });
});

describe("unregister", () => {
  test("stops answering, aborts in-flight calls, removes its handlers, and the channel can be registered again", async () => {
    const before = ipcMain.registered;
    const unregister = registerFalIpc(ipcMain, { client: stuckMain.client, channel: "temp" });
    expect(ipcMain.registered.handlers).toBe(before.handlers + 1);
    expect(() => registerFalIpc(ipcMain, { client: stuckMain.client, channel: "temp" })).toThrow(/second handler/);

    await ask("start", "inflight-at-unregister", SCHNELL, { prompt: "cut short" }, "temp");
    unregister();
    unregister(); // idempotent
    expect(ipcMain.registered).toEqual(before);

    const cut = await ask("outcome", "inflight-at-unregister");
    expect(cut).toMatchObject({ code: "FAL_IPC_UNAVAILABLE" });
    const after = await ask("rejection", "run", SCHNELL, { input: { prompt: "x" } }, "temp");
    expect(after).toMatchObject({ isError: true, code: "FAL_IPC_UNAVAILABLE" });
    expect(after.message).toContain("No handler registered");

    const again = registerFalIpc(ipcMain, { config: { credentials: API_KEY, baseUrls: emu.urls }, channel: "temp" });
    try {
      expect((await ask("run", SCHNELL, { input: { prompt: "again", seed: 1 } }, "temp")).data.prompt).toBe("again");
    } finally {
      again();
    }
  });

  test("registerFalIpc checks its arguments", () => {
    expect(() => registerFalIpc({}, {})).toThrow(/needs Electron's ipcMain/);
    expect(() => registerFalIpc(createIpcMain(), { client: main.client, config: {} })).toThrow(/either options.client or options.config/);
    expect(() => registerFalIpc(createIpcMain(), { allowEndpoint: "yes" })).toThrow(/allowEndpoint must be a function/);
  });
});

test("the renderer stops listening for events once no call is in flight", async () => {
  expect(await ask("eventListeners")).toBe(0);
});

// Last: looks at every message of every test above.
test("the API key never crossed the channel, in any message", () => {
  expect(messages.length).toBeGreaterThan(50);
  const key = Buffer.from(API_KEY);
  const keyUtf16 = Buffer.from(API_KEY, "utf16le");
  let sawPrompt = false;
  for (const { message } of messages) {
    const bytes = v8.serialize(message);
    expect(bytes.includes(key)).toBe(false);
    expect(bytes.includes(keyUtf16)).toBe(false);
    if (bytes.includes(Buffer.from("a lynx"))) sawPrompt = true;
  }
  expect(sawPrompt).toBe(true); // the search does see message content
  // ...while main really used it against the emulator.
  expect(emu.requests.some((r) => r.headers.authorization === `Key ${API_KEY}`)).toBe(true);
});
