// The message protocol between a renderer and the main process, shared by both sides.
//
// Everything here must stay free of the native addon and of Node-only modules: the preload side
// (lib/electron/preload.ts) imports it, and preloads may run sandboxed or be bundled for the web.
//
// Every message is plain data so that it survives Electron's IPC, which copies values with the
// structured clone algorithm (functions, AbortSignals and class prototypes do not survive).

/** Default channel prefix; `registerFalIpc` and the renderer side must use the same one. */
export const DEFAULT_CHANNEL = "fal-native";

/** Bumped when the message shapes change incompatibly. */
export const PROTOCOL_VERSION = 1;

export type ChannelNames = {
  /** ipcRenderer.invoke -> ipcMain.handle: one API call, answered with a CallReply. */
  call: string;
  /** ipcRenderer.send -> ipcMain.on: abort an in-flight call ({ callId }). */
  cancel: string;
  /** webContents.send -> ipcRenderer.on: a callback invocation for an in-flight call. */
  event: string;
};

export function channelNames(prefix: string = DEFAULT_CHANNEL): ChannelNames {
  if (typeof prefix !== "string" || prefix.length === 0) {
    throw new TypeError(`fal-native/electron: channel must be a non-empty string, got ${typeof prefix}`);
  }
  return { call: `${prefix}:call`, cancel: `${prefix}:cancel`, event: `${prefix}:event` };
}

/** The API calls a renderer may make, named by their path on the fal client. */
export const CALL_METHODS = [
  "run",
  "subscribe",
  "queue.submit",
  "queue.status",
  "queue.result",
  "queue.cancel",
  "queue.subscribeToStatus",
  "storage.upload",
  "stream",
] as const;

export type CallMethod = (typeof CALL_METHODS)[number];

/** Callback options re-created on the renderer side from events. */
export const USER_CALLBACKS = ["onQueueUpdate", "onEnqueue", "onProgress"] as const;
/** Events of fal.stream: the stream opened in main ({ url }), then each event ([event, requestId]). */
export const STREAM_EVENTS = ["streamOpen", "streamData"] as const;
export const CALLBACK_NAMES = [...USER_CALLBACKS, ...STREAM_EVENTS] as const;
export type CallbackName = (typeof CALLBACK_NAMES)[number];

const RUN_KEYS = ["input", "method", "storageSettings", "startTimeout"];
const SUBMIT_KEYS = [...RUN_KEYS, "webhookUrl", "priority", "hint", "headers"];

/**
 * Option names each call accepts from a renderer (besides the abort signal, which the renderer
 * turns into cancel messages). An allow-list, not a deny-list: the renderer is untrusted, and an
 * option added to the fal API later must be reviewed before a renderer can set it.
 */
export const ALLOWED_OPTIONS: Record<CallMethod, readonly string[]> = {
  run: RUN_KEYS,
  subscribe: [...SUBMIT_KEYS, "mode", "pollInterval", "connectionMode", "logs", "timeout", "onEnqueue", "onQueueUpdate"],
  "queue.submit": SUBMIT_KEYS,
  "queue.status": ["requestId", "logs"],
  "queue.result": ["requestId"],
  "queue.cancel": ["requestId"],
  "queue.subscribeToStatus": ["requestId", "logs", "mode", "pollInterval", "connectionMode", "timeout", "onQueueUpdate"],
  "storage.upload": ["lifecycle", "onProgress"],
  stream: ["input", "method", "queryParams", "timeout", "autoUpload", "accept", "connectionMode", "streamOpen", "streamData"],
};

/** Options that configure the client itself; they belong to the main process only. */
export const MAIN_ONLY_OPTIONS = [
  "credentials",
  "proxyUrl",
  "baseUrls",
  "requestMiddleware",
  "responseHandler",
  "fetch",
  "retry",
  "tokenProvider",
  "url",
  "suppressLocalCredentialsWarning",
];

/** Headers a renderer may not set on a submit: they carry or replace credentials. */
export const FORBIDDEN_HEADERS = ["authorization", "proxy-authorization", "cookie", "host"];

/** Marks a Blob or File inside an input or upload: `{ [BLOB_MARKER]: EncodedBlob }`. */
export const BLOB_MARKER = "$falNativeElectronBlob";

export type EncodedBlob = { bytes: Uint8Array; type: string; name?: string };

/** renderer -> main (invoke). */
export type CallRequest = {
  v: number;
  callId: string;
  method: CallMethod;
  endpointId?: string;
  /** The call's options without functions or abort signals. */
  options?: Record<string, unknown>;
  /** Which callback options the renderer passed; main forwards those as events. */
  callbacks?: CallbackName[];
  /** storage.upload: the bytes (a Uint8Array, or a marked Blob). */
  file?: unknown;
};

/** main -> renderer (webContents.send): one callback invocation. */
export type CallEvent = { callId: string; seq: number; callback: CallbackName; args: unknown[] };

/**
 * main -> renderer (invoke reply). `events` is how many CallEvents were sent for the call before
 * the reply, so the renderer can deliver all of them before it settles the call: IPC messages
 * and invoke replies are not promised to arrive in order.
 */
export type CallReply = { ok: true; value: unknown; events: number } | { ok: false; error: SerializedError; events: number };

/** renderer -> main (send). */
export type CancelMessage = { callId: string };

/** An error as plain data; the renderer rebuilds the matching class from `name`. */
export type SerializedError = {
  name: string;
  message: string;
  status?: number;
  body?: unknown;
  requestId?: string;
  timeoutType?: string;
  code?: string;
  url?: string;
  attempts?: number;
  curlCode?: number;
  cause?: { message: string; code?: string };
};

/**
 * A plain data object. Realm-agnostic: structured clone may create objects in another realm than
 * the code checking them (a vm context, a test sandbox), whose Object.prototype differs.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** ArrayBuffer from any realm (instanceof fails across realms). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

/** Bytes from any realm as a Uint8Array of this realm (same memory, no copy). */
export function asLocalBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return isArrayBuffer(value) ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
