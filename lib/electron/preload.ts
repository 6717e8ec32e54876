// fal-native/electron/preload: the renderer side. It never loads the native addon and never
// requires "electron" itself (you pass contextBridge and ipcRenderer in), so it works in sandboxed
// preloads and can be bundled into page code.
//
//   // preload.js (contextIsolation: true)
//   const { contextBridge, ipcRenderer } = require("electron");
//   require("fal-native/electron/preload").exposeFal(contextBridge, ipcRenderer);
//   // page: await window.fal.subscribe("fal-ai/flux/dev", { input, onQueueUpdate })
import type { FalClient } from "../../types/client";
import { createFalRendererClient } from "./renderer-client";
import { bridgeOverIpcRenderer, isIpcRendererLike, type FalBridge, type IpcRendererLike } from "./transport";

export { createFalRendererClient, type FalRendererClientOptions } from "./renderer-client";
export type { FalBridge, IpcRendererLike } from "./transport";
export { ApiError, ValidationError, TransportError } from "../core/errors";
export { IPC_ERROR_CODES } from "./error-codec";
export { DEFAULT_CHANNEL } from "./protocol";

/** The part of Electron's contextBridge used here. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export type ExposeFalOptions = {
  /** Where the fal API appears on `window`. Default "fal". */
  key?: string;
  /**
   * Where the raw bridge appears on `window` (for `createFalRendererClient(window.falBridge)` in
   * page code), or false for none. Default `${key}Bridge`.
   */
  bridgeKey?: string | false;
  /** Channel prefix given to registerFalIpc. Default "fal-native". */
  channel?: string;
};

/**
 * Exposes the fal API on `window[key]`, and the raw bridge on `window[bridgeKey]`.
 *
 * contextBridge copies values between worlds: callbacks work (functions are proxied) and results
 * arrive intact, but an Error keeps only its message, and an AbortSignal cannot be passed in.
 * Page code that needs `instanceof ApiError`, `err.status`, `err.body` or abort signals builds its
 * client in its own world: `createFalRendererClient(window.falBridge)` (import it from this module
 * in the page bundle; it is free of Node and of the addon).
 */
export function exposeFal(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike, options: ExposeFalOptions = {}): FalClient {
  if (!contextBridge || typeof contextBridge.exposeInMainWorld !== "function") {
    throw new TypeError("fal-native/electron: exposeFal(contextBridge, ipcRenderer) needs Electron's contextBridge");
  }
  if (!isIpcRendererLike(ipcRenderer)) {
    throw new TypeError("fal-native/electron: exposeFal(contextBridge, ipcRenderer) needs Electron's ipcRenderer");
  }
  const key = options.key ?? "fal";
  const bridgeKey = options.bridgeKey === undefined ? `${key}Bridge` : options.bridgeKey;
  if (typeof key !== "string" || key === "") throw new TypeError("fal-native/electron: options.key must be a non-empty string");
  if (bridgeKey !== false && (typeof bridgeKey !== "string" || bridgeKey === "" || bridgeKey === key)) {
    throw new TypeError("fal-native/electron: options.bridgeKey must be false or a non-empty string other than key");
  }

  const bridge = bridgeOverIpcRenderer(ipcRenderer, options.channel);
  const client = createFalRendererClient(bridge);
  contextBridge.exposeInMainWorld(key, toExposable(client));
  if (bridgeKey !== false) contextBridge.exposeInMainWorld(bridgeKey, toExposableBridge(bridge));
  return client;
}

/** contextBridge copies plain objects of functions; getters and prototypes would be dropped. */
function toExposable(client: FalClient): Record<string, unknown> {
  const q = client.queue;
  const s = client.storage;
  return {
    run: (id: string, o: any) => client.run(id as any, o),
    subscribe: (id: string, o: any) => client.subscribe(id as any, o),
    stream: (id: string, o: any) => client.stream(id as any, o),
    queue: {
      submit: (id: string, o: any) => q.submit(id as any, o),
      status: (id: string, o: any) => q.status(id, o),
      result: (id: string, o: any) => q.result(id as any, o),
      cancel: (id: string, o: any) => q.cancel(id, o),
      subscribeToStatus: (id: string, o: any) => q.subscribeToStatus(id, o),
      streamStatus: (id: string, o: any) => q.streamStatus(id, o),
    },
    storage: {
      upload: (file: any, o: any) => s.upload(file, o),
      transformInput: (input: any) => s.transformInput(input),
    },
    /** The page cannot configure the client: credentials and URLs live in the main process. */
    config: () => {
      throw new Error("fal-native/electron: the renderer cannot configure fal; pass config to registerFalIpc in the main process");
    },
  };
}

function toExposableBridge(bridge: FalBridge): FalBridge {
  return {
    call: (request) => bridge.call(request),
    cancel: (callId) => bridge.cancel(callId),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
