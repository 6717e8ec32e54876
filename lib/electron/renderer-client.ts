// Renderer side: the fal API (run, subscribe, queue.*, storage.upload) with the same option names
// and results, where each call is a message to the main process. Callbacks, which cannot cross
// IPC, are re-created here from the events main sends; an AbortSignal becomes a cancel message;
// errors are rebuilt as the classes main threw (ApiError, ValidationError, TransportError...).
// Free of the native addon and of Node-only modules (preloads may be sandboxed or bundled).
import type { FalClient } from "../../types/client";
import { abortReason, isAbortSignal } from "../core/abort";
import { encodeInput, encodeUploadFile, isBlobLike } from "./blob-codec";
import { IPC_ERROR_CODES, rebuildError } from "./error-codec";
import {
  PROTOCOL_VERSION,
  USER_CALLBACKS,
  isArrayBuffer,
  type CallbackName,
  type CallEvent,
  type CallMethod,
  type CallReply,
  type CallRequest,
} from "./protocol";
import { RendererFalStream } from "./renderer-stream";
import { bridgeOverIpcRenderer, isFalBridge, isIpcRendererLike, type FalBridge, type IpcRendererLike } from "./transport";

export type FalRendererClientOptions = {
  /** Channel prefix given to registerFalIpc. Default "fal-native". */
  channel?: string;
};

type Pending = {
  callbacks: Partial<Record<CallbackName, (...args: unknown[]) => unknown>>;
  received: number;
  reply?: CallReply;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

const unavailable = (cause: unknown) =>
  Object.assign(
    new Error(
      `fal-native/electron: the main process did not answer (${(cause as Error)?.message ?? cause}). ` +
        "Is registerFalIpc(ipcMain) called in main, with the same channel?",
      { cause },
    ),
    { code: IPC_ERROR_CODES.unavailable },
  );

const notOverIpc = (what: string) =>
  new Error(`fal-native/electron: ${what} is not available through the renderer bridge; call it in the main process`);

/**
 * The fal client for a renderer. `ipc` is Electron's ipcRenderer (in a preload, or any code that
 * has it) or the bridge object exposeFal puts on `window.falBridge` (for page code behind
 * contextIsolation). No credentials here: main owns them.
 */
export function createFalRendererClient(ipc: IpcRendererLike | FalBridge, options: FalRendererClientOptions = {}): FalClient {
  let bridge: FalBridge;
  if (isFalBridge(ipc)) bridge = ipc;
  else if (isIpcRendererLike(ipc)) bridge = bridgeOverIpcRenderer(ipc, options?.channel);
  else {
    throw new TypeError(
      "fal-native/electron: createFalRendererClient needs Electron's ipcRenderer or the bridge from exposeFal (window.falBridge)",
    );
  }

  const pending = new Map<string, Pending>();
  const idPrefix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  let nextId = 0;
  let stopListening: (() => void) | undefined;

  const finish = (callId: string, entry: Pending, outcome: () => void) => {
    if (pending.get(callId) !== entry) return;
    pending.delete(callId);
    if (pending.size === 0 && stopListening) {
      stopListening();
      stopListening = undefined;
    }
    outcome();
  };

  const maybeSettle = (callId: string, entry: Pending) => {
    const reply = entry.reply;
    if (!reply || entry.received < reply.events) return; // some callback events are still on their way
    finish(callId, entry, () => (reply.ok ? entry.resolve(reply.value) : entry.reject(rebuildError(reply.error))));
  };

  const onEvent = (event: CallEvent) => {
    const entry = event && pending.get(event.callId);
    if (!entry) return; // a call that was already aborted here
    entry.received += 1;
    const callback = entry.callbacks[event.callback];
    try {
      callback?.(...(Array.isArray(event.args) ? event.args : []));
    } catch (error) {
      // As with a local client, a throwing callback fails the call; main stops working on it.
      finish(event.callId, entry, () => entry.reject(error));
      bridge.cancel(event.callId);
      return;
    }
    maybeSettle(event.callId, entry);
  };

  /** `internal`: event handlers and an abort signal of the library itself (fal.stream uses them). */
  function call(
    api: string,
    method: CallMethod,
    endpointId: string | undefined,
    rawOptions: unknown,
    file?: unknown,
    internal?: { callbacks: Pending["callbacks"]; signal: AbortSignal },
  ): Promise<any> {
    return new Promise((resolve, reject) => {
      const split = splitOptions(api, method, rawOptions);
      if (internal) Object.assign(split, { callbacks: { ...split.callbacks, ...internal.callbacks }, signal: internal.signal });
      const { signal } = split;
      if (signal?.aborted) return reject(abortReason(signal));

      const callId = `${idPrefix}-${++nextId}`;
      const entry: Pending = { callbacks: split.callbacks, received: 0, resolve, reject };
      pending.set(callId, entry);
      if (!stopListening) stopListening = bridge.onEvent(onEvent);

      let invoked = false;
      const onAbort = () => {
        finish(callId, entry, () => reject(abortReason(signal!)));
        if (invoked) bridge.cancel(callId);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const detach = () => signal?.removeEventListener("abort", onAbort);
      entry.resolve = (value) => (detach(), resolve(value));
      entry.reject = (error) => (detach(), reject(error));

      encodeRequest(callId, method, endpointId, split.options, Object.keys(split.callbacks) as CallbackName[], file)
        .then((request) => {
          if (pending.get(callId) !== entry) return; // aborted while Blobs were being read
          invoked = true;
          return bridge.call(request).then(
            (reply) => {
              if (!reply || typeof reply !== "object" || typeof reply.ok !== "boolean") throw new Error("malformed reply");
              entry.reply = reply;
              maybeSettle(callId, entry);
            },
            (error) => finish(callId, entry, () => entry.reject(unavailable(error))),
          );
        })
        .catch((error) => finish(callId, entry, () => entry.reject(error)));
    });
  }

  const queue: FalClient["queue"] = {
    submit: ((id: string, options: unknown) => call("fal.queue.submit", "queue.submit", id, options)) as any,
    status: (id, options) => call("fal.queue.status", "queue.status", id, options),
    result: ((id: string, options: unknown) => call("fal.queue.result", "queue.result", id, options)) as any,
    cancel: (id, options) => call("fal.queue.cancel", "queue.cancel", id, options),
    subscribeToStatus: (id, options) => call("fal.queue.subscribeToStatus", "queue.subscribeToStatus", id, options),
    streamStatus: async () => {
      throw notOverIpc("queue.streamStatus");
    },
  };

  const upload = (file: unknown, uploadOptions?: unknown) => call("fal.storage.upload", "storage.upload", undefined, uploadOptions, file);

  const storage: FalClient["storage"] = {
    upload: upload as FalClient["storage"]["upload"],
    transformInput: (input) => uploadBlobsIn(input, upload) as Promise<Record<string, any>>,
    download: (async () => {
      throw notOverIpc("storage.download");
    }) as any,
    downloadResultMedia: async () => {
      throw notOverIpc("storage.downloadResultMedia");
    },
  };

  const stream = ((endpointId: string, rawOptions?: unknown) =>
    new Promise((resolve, reject) => {
      if (rawOptions !== undefined && (rawOptions === null || typeof rawOptions !== "object" || Array.isArray(rawOptions))) {
        throw new TypeError("fal.stream: options must be an object");
      }
      const options = (rawOptions ?? {}) as Record<string, unknown>;
      const { signal: userSignal, ...sendable } = options;
      if (userSignal !== undefined && !isAbortSignal(userSignal)) throw new TypeError("fal.stream: options.signal must be an AbortSignal");
      if (userSignal?.aborted) throw abortReason(userSignal);
      // Aborts the IPC call; the stream's own abort() and the user's signal both end up here.
      const controller = new AbortController();
      let opened: RendererFalStream<unknown, unknown> | undefined;
      userSignal?.addEventListener("abort", () => (opened ? opened.abort(userSignal.reason) : controller.abort(userSignal.reason)), { once: true });
      const callbacks: Pending["callbacks"] = {
        streamOpen: (info) => {
          opened = new RendererFalStream(endpointId, String((info as { url?: string })?.url ?? ""), options as any, controller);
          resolve(opened as any);
        },
        streamData: (event, requestId) => opened?.push(event, requestId),
      };
      call("fal.stream", "stream", endpointId, sendable, undefined, { callbacks, signal: controller.signal }).then(
        (value) => {
          if (!opened) return reject(new Error("fal-native/electron: the stream ended before it opened"));
          // The reply is settled only after every relayed event was delivered (see maybeSettle).
          opened.noteRequestId(value?.requestId);
          opened.finish(value?.done);
        },
        (error) => (opened ? opened.fail(error) : reject(error)),
      );
    })) as FalClient["stream"];

  return {
    queue,
    storage,
    streaming: { stream },
    realtime: {
      connect: () => {
        throw notOverIpc("realtime.connect");
      },
    } as unknown as FalClient["realtime"],
    stream,
    run: ((id: string, options: unknown) => call("fal.run", "run", id, options)) as FalClient["run"],
    subscribe: ((id: string, options: unknown) => call("fal.subscribe", "subscribe", id, options)) as FalClient["subscribe"],
  };
}

type SplitOptions = {
  options: Record<string, unknown>;
  callbacks: Partial<Record<CallbackName, (...args: unknown[]) => unknown>>;
  signal: AbortSignal | undefined;
};

/** Options -> what can cross IPC, the callbacks kept here, and the abort signal kept here. */
function splitOptions(api: string, method: CallMethod, raw: unknown): SplitOptions {
  if (raw === undefined || raw === null) return { options: {}, callbacks: {}, signal: undefined };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new TypeError(`${api}: options must be an object, got ${Array.isArray(raw) ? "an array" : typeof raw}`);
  }
  const signalKey = method === "storage.upload" || method === "stream" ? "signal" : "abortSignal";
  const out: SplitOptions = { options: {}, callbacks: {}, signal: undefined };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (key === signalKey) {
      if (!isAbortSignal(value)) throw new TypeError(`${api}: options.${key} must be an AbortSignal`);
      out.signal = value;
    } else if ((USER_CALLBACKS as readonly string[]).includes(key)) {
      if (typeof value !== "function") throw new TypeError(`${api}: options.${key} must be a function`);
      out.callbacks[key as CallbackName] = value as (...args: unknown[]) => unknown;
    } else if (typeof value === "function") {
      throw new TypeError(`${api}: options.${key} is a function, which cannot be sent to the main process`);
    } else {
      out.options[key] = value;
    }
  }
  return out;
}

async function encodeRequest(
  callId: string,
  method: CallMethod,
  endpointId: string | undefined,
  options: Record<string, unknown>,
  callbacks: CallbackName[],
  file: unknown,
): Promise<CallRequest> {
  const request: CallRequest = { v: PROTOCOL_VERSION, callId, method, options, callbacks };
  if (endpointId !== undefined || method !== "storage.upload") request.endpointId = endpointId;
  if ("input" in options) request.options = { ...options, input: await encodeInput(options.input) };
  if (method === "storage.upload") request.file = await encodeUploadFile(file);
  return request;
}

/** storage.transformInput for a renderer: Blobs and bytes are uploaded through main, like main would. */
async function uploadBlobsIn(value: unknown, upload: (file: unknown) => Promise<string>, depth = 0): Promise<unknown> {
  if (depth > 64) throw new TypeError("fal-native/electron: the input is nested too deeply (or has a cycle)");
  if (isBlobLike(value) || isArrayBuffer(value) || ArrayBuffer.isView(value)) return upload(value);
  if (Array.isArray(value)) return Promise.all(value.map((item) => uploadBlobsIn(item, upload, depth + 1)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await uploadBlobsIn(item, upload, depth + 1);
    return out;
  }
  return value;
}
