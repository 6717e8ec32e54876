// Renderer side: the three operations the fal renderer client needs from IPC, either straight on
// ipcRenderer or through the bridge object exposeFal puts in the page's world.
// Free of the native addon and of Node-only modules (preloads may be sandboxed or bundled).
import { channelNames, type CallEvent, type CallReply, type CallRequest } from "./protocol";

/** The part of Electron's ipcRenderer the renderer client uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
}

/**
 * An IPC transport limited to fal's channels. exposeFal puts one on `window.falBridge` (plain
 * functions and plain data only, so it crosses contextBridge intact).
 */
export interface FalBridge {
  /** One API call; resolves with the reply envelope (it rejects only when IPC itself fails). */
  call(request: CallRequest): Promise<CallReply>;
  /** Aborts an in-flight call in the main process. */
  cancel(callId: string): void;
  /** Receives callback events of in-flight calls; returns the function that stops listening. */
  onEvent(listener: (event: CallEvent) => void): () => void;
}

export function isIpcRendererLike(value: unknown): value is IpcRendererLike {
  const v = value as IpcRendererLike;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof v.invoke === "function" &&
    typeof v.send === "function" &&
    typeof v.on === "function" &&
    typeof v.removeListener === "function"
  );
}

export function isFalBridge(value: unknown): value is FalBridge {
  const v = value as FalBridge;
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof v.call === "function" &&
    typeof v.cancel === "function" &&
    typeof v.onEvent === "function"
  );
}

export function bridgeOverIpcRenderer(ipcRenderer: IpcRendererLike, channel?: string): FalBridge {
  const channels = channelNames(channel);
  return {
    call: (request) => ipcRenderer.invoke(channels.call, request) as Promise<CallReply>,
    cancel: (callId) => ipcRenderer.send(channels.cancel, { callId }),
    onEvent: (listener) => {
      // Electron passes (event, ...args); the event object (it holds ipcRenderer) stays here.
      const onMessage = (_event: unknown, message: CallEvent) => listener(message);
      ipcRenderer.on(channels.event, onMessage);
      return () => {
        ipcRenderer.removeListener(channels.event, onMessage);
      };
    },
  };
}
