// Main process: answers fal calls from renderers with a fal-native client that lives in main, so
// the API key never reaches a renderer. Request/response goes through ipcMain.handle; callbacks
// (onQueueUpdate, onEnqueue, upload progress) go back as events on the sender's webContents.
import type { FalClient } from "../../types/client";
import type { Config } from "../../types/config";
import { createFalClient } from "../api/client";
import { decodeInput, decodeUploadFile } from "./blob-codec";
import { IPC_ERROR_CODES, serializeError } from "./error-codec";
import { channelNames, type CallbackName, type CallEvent, type CallMethod, type CallReply, type CancelMessage } from "./protocol";
import { checkCallRequest, ipcError, type CheckedCall } from "./request-check";

/** The part of Electron's WebContents this module uses. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed?(): boolean;
  once?(event: "destroyed", listener: () => void): unknown;
  removeListener?(event: "destroyed", listener: () => void): unknown;
}

/** The part of Electron's IpcMainInvokeEvent / IpcMainEvent this module uses. */
export interface IpcMainEventLike {
  sender: WebContentsLike;
  /** The frame that sent the call (Electron's WebFrameMain); passed to the permission hooks. */
  senderFrame?: unknown;
}

/** The part of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainEventLike, ...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcMainEventLike, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

/** What the permission hooks learn about a call. */
export type FalIpcCallInfo = {
  method: CallMethod;
  sender: WebContentsLike;
  senderFrame: unknown;
};

export type RegisterFalIpcOptions = {
  /** The client that runs the calls. Default: `createFalClient(config)`. */
  client?: FalClient;
  /** Config for the client created here (credentials default to FAL_KEY of the main process). */
  config?: Config;
  /** Channel prefix; the renderer side must use the same. Default "fal-native". */
  channel?: string;
  /** Return false (or a promise of false) to refuse a call to this endpoint. Default: allow all. */
  allowEndpoint?: (endpointId: string, info: FalIpcCallInfo) => boolean | Promise<boolean>;
  /** Whether renderers may upload to fal storage. Default true. */
  allowUpload?: boolean | ((info: FalIpcCallInfo) => boolean | Promise<boolean>);
};

/** Stops answering; in-flight calls are aborted. Safe to call more than once. */
export type UnregisterFalIpc = () => void;

function checkIpcMain(ipcMain: unknown): asserts ipcMain is IpcMainLike {
  const methods = ["handle", "removeHandler", "on", "removeListener"];
  if (!ipcMain || typeof ipcMain !== "object" || methods.some((m) => typeof (ipcMain as any)[m] !== "function")) {
    throw new TypeError(`fal-native/electron: registerFalIpc(ipcMain) needs Electron's ipcMain (an object with ${methods.join(", ")})`);
  }
}

function resolveClient(options: RegisterFalIpcOptions): FalClient {
  if (options.client !== undefined && options.config !== undefined) {
    throw new TypeError("fal-native/electron: pass either options.client or options.config to registerFalIpc, not both");
  }
  if (options.client !== undefined) {
    const client = options.client as Partial<FalClient> | null;
    if (!client || typeof client.run !== "function" || typeof client.subscribe !== "function" || !client.queue || !client.storage) {
      throw new TypeError("fal-native/electron: options.client must be a client from createFalClient()");
    }
    return options.client;
  }
  return createFalClient(options.config);
}

function abortError(message: string): Error {
  return typeof DOMException === "function"
    ? (new DOMException(message, "AbortError") as unknown as Error)
    : Object.assign(new Error(message), { name: "AbortError" });
}

export function registerFalIpc(ipcMain: IpcMainLike, options: RegisterFalIpcOptions = {}): UnregisterFalIpc {
  checkIpcMain(ipcMain);
  if (options === null || typeof options !== "object") {
    throw new TypeError("fal-native/electron: registerFalIpc options must be an object");
  }
  for (const hook of ["allowEndpoint"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function") {
      throw new TypeError(`fal-native/electron: options.${hook} must be a function`);
    }
  }
  if (options.allowUpload !== undefined && typeof options.allowUpload !== "boolean" && typeof options.allowUpload !== "function") {
    throw new TypeError("fal-native/electron: options.allowUpload must be a boolean or a function");
  }
  const client = resolveClient(options);
  const channels = channelNames(options.channel);

  /** In-flight calls per renderer, so a cancel or a closed window aborts exactly its own. */
  const inflight = new Map<WebContentsLike, Map<string, AbortController>>();
  const destroyListeners = new Map<WebContentsLike, () => void>();
  let closed = false;

  const abortSender = (sender: WebContentsLike, reason: Error) => {
    const calls = inflight.get(sender);
    if (!calls) return;
    for (const controller of calls.values()) controller.abort(reason);
    calls.clear();
  };

  const watchSender = (sender: WebContentsLike) => {
    if (destroyListeners.has(sender) || typeof sender.once !== "function") return;
    const listener = () => {
      abortSender(sender, abortError("fal-native/electron: the renderer was destroyed"));
      inflight.delete(sender);
      destroyListeners.delete(sender);
    };
    destroyListeners.set(sender, listener);
    sender.once("destroyed", listener);
  };

  const isAllowed = async (call: CheckedCall, info: FalIpcCallInfo): Promise<void> => {
    if (call.method === "storage.upload") {
      const allow = options.allowUpload ?? true;
      if ((typeof allow === "function" ? await allow(info) : allow) !== true) {
        throw ipcError(IPC_ERROR_CODES.denied, "fal-native/electron: the main process does not allow uploads from this renderer");
      }
      return;
    }
    if (options.allowEndpoint && (await options.allowEndpoint(call.endpointId as string, info)) !== true) {
      throw ipcError(IPC_ERROR_CODES.denied, `fal-native/electron: the main process does not allow calls to ${JSON.stringify(call.endpointId)}`);
    }
  };

  const handleCall = async (event: IpcMainEventLike, request: unknown): Promise<CallReply> => {
    const sender = event.sender;
    let events = 0;
    let callId: string | undefined;
    try {
      if (closed) throw ipcError(IPC_ERROR_CODES.unavailable, "fal-native/electron: the fal IPC handler was unregistered");
      const call = checkCallRequest(request);
      let calls = inflight.get(sender);
      if (!calls) inflight.set(sender, (calls = new Map()));
      if (calls.has(call.callId)) throw ipcError(IPC_ERROR_CODES.badRequest, `fal-native/electron: callId ${call.callId} is already in flight`, true);
      // Registered before the (possibly async) permission check, so an early cancel is not lost.
      const controller = new AbortController();
      calls.set(call.callId, controller);
      callId = call.callId;
      watchSender(sender);
      await isAllowed(call, { method: call.method, sender, senderFrame: event.senderFrame });
      if (controller.signal.aborted) throw controller.signal.reason;

      const emit = (callback: CallbackName, args: unknown[]) => {
        if (controller.signal.aborted || sender.isDestroyed?.()) return;
        const message: CallEvent = { callId: call.callId, seq: events + 1, callback, args };
        try {
          sender.send(channels.event, message);
          events += 1;
        } catch {
          // An uncloneable argument or a closing window: the renderer misses one update, the call goes on.
        }
      };
      const value = await runCall(client, call, controller.signal, emit);
      return { ok: true, value, events };
    } catch (error) {
      return { ok: false, error: serializeError(error), events };
    } finally {
      if (callId !== undefined) inflight.get(sender)?.delete(callId);
    }
  };

  const handleCancel = (event: IpcMainEventLike, message: CancelMessage) => {
    const callId = message && typeof message === "object" ? message.callId : undefined;
    if (typeof callId !== "string") return;
    inflight.get(event.sender)?.get(callId)?.abort(abortError("fal-native/electron: the renderer aborted the call"));
  };

  ipcMain.handle(channels.call, handleCall);
  ipcMain.on(channels.cancel, handleCancel);

  return () => {
    if (closed) return;
    closed = true;
    ipcMain.removeHandler(channels.call);
    ipcMain.removeListener(channels.cancel, handleCancel);
    const reason = ipcError(IPC_ERROR_CODES.unavailable, "fal-native/electron: the fal IPC handler was unregistered");
    for (const sender of inflight.keys()) abortSender(sender, reason);
    for (const [sender, listener] of destroyListeners) sender.removeListener?.("destroyed", listener);
    inflight.clear();
    destroyListeners.clear();
  };
}

/** Runs one checked call on the main-process client. */
async function runCall(
  client: FalClient,
  call: CheckedCall,
  signal: AbortSignal,
  emit: (callback: CallbackName, args: unknown[]) => void,
): Promise<unknown> {
  const callbacks: Record<string, (...args: unknown[]) => void> = {};
  for (const name of call.callbacks) callbacks[name] = (...args) => emit(name, args);
  const id = call.endpointId as string;
  const opts = call.options;
  const withInput = () => ({ ...opts, ...("input" in opts ? { input: decodeInput(opts.input) } : {}), ...callbacks, abortSignal: signal });
  switch (call.method) {
    case "run":
      return client.run(id as any, withInput() as any);
    case "subscribe":
      return client.subscribe(id as any, withInput() as any);
    case "queue.submit":
      return client.queue.submit(id as any, withInput() as any);
    case "queue.status":
      return client.queue.status(id, { ...opts, abortSignal: signal } as any);
    case "queue.result":
      return client.queue.result(id as any, { ...opts, abortSignal: signal } as any);
    case "queue.cancel":
      return client.queue.cancel(id, { ...opts, abortSignal: signal } as any);
    case "queue.subscribeToStatus":
      return client.queue.subscribeToStatus(id, { ...opts, ...callbacks, abortSignal: signal } as any);
    case "storage.upload":
      return client.storage.upload(decodeUploadFile(call.file), { ...opts, ...callbacks, signal } as any);
    case "stream":
      return runStream(client, id, opts, signal, emit);
  }
}

/**
 * fal.stream in main, relayed as events: "streamOpen" once the stream exists, "streamData" per
 * event; the reply carries what done() resolved with. Main consumes as fast as IPC takes the
 * events, so the renderer does not slow the transfer down (it buffers instead).
 */
async function runStream(
  client: FalClient,
  endpointId: string,
  opts: Record<string, unknown>,
  signal: AbortSignal,
  emit: (callback: CallbackName, args: unknown[]) => void,
): Promise<unknown> {
  const options = { ...opts, ...("input" in opts ? { input: decodeInput(opts.input) } : {}), signal };
  const stream = await client.stream(endpointId as any, options as any);
  // Without the query: in client mode it holds a temporary token, which stays in main.
  emit("streamOpen", [{ url: String(stream.url).split("?")[0] }]);
  for await (const event of stream) emit("streamData", [event, stream.requestId]);
  if (signal.aborted) throw signal.reason;
  return { done: await stream.done(), requestId: stream.requestId };
}
