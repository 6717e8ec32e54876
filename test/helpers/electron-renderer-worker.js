// Plays an Electron renderer in a worker thread (its own JS realm): a preload that uses
// fal-native/electron/preload over the MessagePort-backed ipcRenderer from electron-ipc.js, and a
// "page" (window) that sees what exposeFal put there through the contextBridge emulation.
// The test sends { id, name, args } on parentPort; each scenario answers with plain data.
"use strict";

// First, and alone: the module list right after loading the preload module shows what it pulled in.
const preload = require("../../dist/lib/electron/preload.js");
const modulesAfterPreload = Object.keys(require.cache);

const { parentPort, workerData } = require("worker_threads");
const { createIpcRenderer } = require("./electron-ipc");
const { createContextBridge } = require("./electron-context-bridge");

const ipcRenderer = createIpcRenderer(workerData.port);
const page = {}; // the page's `window`
preload.exposeFal(createContextBridge(page), ipcRenderer);

const clients = new Map();
const clientFor = (channel) => {
  const key = channel ?? "";
  if (!clients.has(key)) clients.set(key, preload.createFalRendererClient(ipcRenderer, channel ? { channel } : {}));
  return clients.get(key);
};

function describeError(error) {
  return {
    isError: error instanceof Error,
    isApiError: error instanceof preload.ApiError,
    isValidationError: error instanceof preload.ValidationError,
    isTransportError: error instanceof preload.TransportError,
    isTypeError: error instanceof TypeError,
    name: error?.name,
    message: error?.message,
    status: error?.status,
    body: error?.body,
    requestId: error?.requestId,
    code: error?.code,
    fieldErrors: error?.fieldErrors,
  };
}

async function rejectionOf(promise) {
  try {
    const value = await promise;
    return { resolved: true, value };
  } catch (error) {
    return describeError(error);
  }
}

function uploadBody(kind, bytes, type, name) {
  const data = Uint8Array.from(bytes);
  if (kind === "blob") return new Blob([data], { type });
  if (kind === "file") return new File([data], name, { type });
  if (kind === "arraybuffer") return data.buffer;
  return data;
}

/** Calls started by "start" and collected by "outcome" (for calls the test acts on mid-flight). */
const started = new Map();

const scenarios = {
  modules: () => ({ afterPreload: modulesAfterPreload, now: Object.keys(require.cache) }),

  eventListeners: () => ipcRenderer.listenerCount("fal-native:event"),

  run: (endpointId, options, channel) => clientFor(channel).run(endpointId, options),

  async subscribe(endpointId, options, channel) {
    const enqueued = [];
    const updates = [];
    const result = await clientFor(channel).subscribe(endpointId, {
      ...options,
      onEnqueue: (id) => enqueued.push(id),
      onQueueUpdate: (status) => updates.push(status),
    });
    return { result, enqueued, updates };
  },

  async queueFlow(endpointId, input) {
    const { queue } = clientFor();
    const submitted = await queue.submit(endpointId, { input });
    const updates = [];
    const completed = await queue.subscribeToStatus(endpointId, {
      requestId: submitted.request_id,
      pollInterval: 10,
      logs: true,
      onQueueUpdate: (status) => updates.push(status.status),
    });
    const status = await queue.status(endpointId, { requestId: submitted.request_id, logs: false });
    const result = await queue.result(endpointId, { requestId: submitted.request_id });
    return { submitted, completed, updates, status, result };
  },

  rejection: (method, endpointId, options, channel) => {
    const client = clientFor(channel);
    const fn = method.startsWith("queue.") ? client.queue[method.slice(6)] : client[method];
    return rejectionOf(fn(endpointId, options));
  },

  async upload(kind, bytes, type, name) {
    const progress = [];
    const url = await clientFor().storage.upload(uploadBody(kind, bytes, type, name), {
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    return { url, progress };
  },

  uploadRejection: (file) => rejectionOf(clientFor().storage.upload(file)),

  async subscribeWithBlobInput(endpointId, bytes, type) {
    const image = new Blob([Uint8Array.from(bytes)], { type });
    return clientFor().subscribe(endpointId, { input: { prompt: "blob input", image_url: image }, pollInterval: 10 });
  },

  /** Starts a subscribe and answers once it is enqueued; "abort" and "outcome" act on it later. */
  start(tag, endpointId, input, channel) {
    const controller = new AbortController();
    return new Promise((enqueued, failed) => {
      const promise = clientFor(channel).subscribe(endpointId, {
        input,
        pollInterval: 10,
        abortSignal: controller.signal,
        onEnqueue: (requestId) => enqueued(requestId),
      });
      const entry = { controller, settled: promise.then((value) => ({ resolved: true, value }), (error) => ({ error })) };
      started.set(tag, entry);
      entry.settled.then((outcome) => outcome.error && failed(describeError(outcome.error)));
    });
  },

  abort(tag) {
    const entry = started.get(tag);
    entry.controller.abort();
    return entry.settled.then((outcome) => ({
      ...(outcome.error ? describeError(outcome.error) : outcome),
      isSignalReason: outcome.error === entry.controller.signal.reason,
    }));
  },

  outcome: (tag) => started.get(tag).settled.then((outcome) => (outcome.error ? describeError(outcome.error) : outcome)),

  rawBridgeCall: (request) => page.falBridge.call(request),

  // --- fal.stream relayed from main ---
  async streamAll(endpointId, input) {
    const stream = await clientFor().stream(endpointId, { input });
    const events = [];
    for await (const event of stream) events.push(event);
    return { events, done: await stream.done(), requestId: stream.requestId, url: stream.url };
  },

  async streamAbortAfter(endpointId, input, n) {
    const stream = await clientFor().stream(endpointId, { input });
    const received = [];
    const ended = new Promise((resolve) =>
      stream.on("data", (event) => {
        received.push(event.index);
        if (received.length === n) {
          stream.abort();
          resolve();
        }
      }),
    );
    await ended;
    return { received, done: await stream.done(), signalAborted: stream.signal.aborted };
  },

  async streamFailure(endpointId, input) {
    const stream = await clientFor().stream(endpointId, { input });
    const errors = [];
    stream.on("error", (error) => errors.push(describeError(error)));
    const viaDone = await rejectionOf(stream.done());
    return { viaDone, errors };
  },

  // --- what page code sees through contextBridge ---
  pageShape: () => ({
    keys: Object.keys(page),
    fal: Object.keys(page.fal),
    queue: Object.keys(page.fal.queue),
    frozen: Object.isFrozen(page.fal),
  }),

  async pageSubscribe(endpointId, options) {
    const updates = [];
    const enqueued = [];
    const result = await page.fal.subscribe(endpointId, {
      ...options,
      onEnqueue: (id) => enqueued.push(id),
      onQueueUpdate: (status) => updates.push(status.status),
    });
    return { result, updates, enqueued };
  },

  pageRejection: (endpointId, options) => rejectionOf(page.fal.subscribe(endpointId, options)),

  pageAbortSignal: (endpointId) => {
    try {
      page.fal.subscribe(endpointId, { input: {}, abortSignal: new AbortController().signal });
      return { threw: false };
    } catch (error) {
      return { threw: true, message: error.message };
    }
  },

  pageConfig: () => {
    try {
      page.fal.config({ credentials: "renderer-key" });
      return { threw: false };
    } catch (error) {
      return { threw: true, message: error.message };
    }
  },

  /** Page code with its own client over window.falBridge: full errors and abort signals. */
  async pageBridgeClient(endpointId, options) {
    const fal = preload.createFalRendererClient(page.falBridge);
    const updates = [];
    const ok = await fal.subscribe(endpointId, { input: options.input, pollInterval: 10, onQueueUpdate: (s) => updates.push(s.status) });
    const failure = await rejectionOf(fal.subscribe(endpointId, { ...options, pollInterval: 10 }));
    return { ok, updates, failure };
  },
};

parentPort.on("message", async ({ id, name, args }) => {
  try {
    const value = await scenarios[name](...args);
    parentPort.postMessage({ id, ok: true, value });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: error && error.isError !== undefined ? error : describeError(error) });
  }
});
