// A stand-in for Electron's IPC between the main process and one renderer, built on a real
// MessageChannel (node:worker_threads), so every message really is copied with the structured
// clone algorithm (V8's serializer), as Electron's IPC does. Electron itself cannot be installed
// here; this emulates the parts fal-native/electron uses:
//   ipcMain.handle/removeHandler/on/removeListener, event.sender (webContents.send, isDestroyed,
//   once("destroyed")), ipcRenderer.invoke/send/on/removeListener.
// Like Electron: invoke against a channel without a handler rejects with "Error invoking remote
// method '<channel>': Error: No handler registered for '<channel>'", a handler that throws
// rejects with a plain Error carrying only the message, and DOM objects such as Blob (and
// functions) cannot be sent.
"use strict";

const { EventEmitter } = require("events");

function assertSendable(value, seen = new Set()) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") throw new Error("An object could not be cloned.");
    return;
  }
  if (seen.has(value)) return;
  seen.add(value);
  if (typeof Blob === "function" && value instanceof Blob) throw new Error("An object could not be cloned. (Blob)");
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  for (const item of Object.values(value)) assertSendable(item, seen);
}

/** Main side of the channel (lives in the test process). */
function createIpcMain() {
  const handlers = new Map();
  const listeners = new EventEmitter();
  return {
    handle(channel, handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
    on(channel, listener) {
      listeners.on(channel, listener);
      return this;
    },
    removeListener(channel, listener) {
      listeners.removeListener(channel, listener);
      return this;
    },
    /** Test introspection: how many things are registered. */
    get registered() {
      return { handlers: handlers.size, listeners: listeners.eventNames().reduce((n, name) => n + listeners.listenerCount(name), 0) };
    },
    _handlers: handlers,
    _listeners: listeners,
  };
}

let nextWebContentsId = 1;

/**
 * Connects one renderer (the other end of `port`) to `ipcMain`. Returns its fake webContents.
 * `record(direction, message)` sees every message that crosses, both ways.
 */
function attachRenderer(ipcMain, port, record = () => {}) {
  const emitter = new EventEmitter();
  let destroyed = false;
  const post = (message) => {
    if (destroyed) return;
    record("main->renderer", message);
    port.postMessage(message);
  };
  const webContents = {
    id: nextWebContentsId++,
    send(channel, ...args) {
      if (destroyed) throw new Error("Object has been destroyed");
      assertSendable(args);
      post({ kind: "event", channel, args });
    },
    isDestroyed: () => destroyed,
    once: (name, listener) => emitter.once(name, listener),
    removeListener: (name, listener) => emitter.removeListener(name, listener),
    /** Like closing the window: "destroyed" fires and the port closes. */
    destroy() {
      if (destroyed) return;
      destroyed = true;
      emitter.emit("destroyed");
      port.close();
    },
  };
  const event = { sender: webContents, senderFrame: { url: "file:///app/renderer.html" } };

  port.on("message", async (message) => {
    record("renderer->main", message);
    if (message.kind === "send") {
      ipcMain._listeners.emit(message.channel, event, ...message.args);
      return;
    }
    if (message.kind !== "invoke") return;
    const handler = ipcMain._handlers.get(message.channel);
    if (!handler) {
      post({ kind: "reply", id: message.id, error: `Error invoking remote method '${message.channel}': Error: No handler registered for '${message.channel}'` });
      return;
    }
    try {
      const result = await handler(event, ...message.args);
      assertSendable(result);
      post({ kind: "reply", id: message.id, result });
    } catch (error) {
      post({ kind: "reply", id: message.id, error: `Error invoking remote method '${message.channel}': ${error}` });
    }
  });
  return webContents;
}

/** Renderer side of the channel (lives in the worker, a separate JS realm). */
function createIpcRenderer(port) {
  const listeners = new EventEmitter();
  const waiting = new Map();
  let nextId = 0;
  const event = {}; // Electron's IpcRendererEvent; fal-native/electron does not read it
  port.on("message", (message) => {
    if (message.kind === "event") listeners.emit(message.channel, event, ...message.args);
    if (message.kind === "reply") {
      const entry = waiting.get(message.id);
      waiting.delete(message.id);
      if (!entry) return;
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
    }
  });
  return {
    invoke(channel, ...args) {
      return new Promise((resolve, reject) => {
        assertSendable(args);
        const id = ++nextId;
        waiting.set(id, { resolve, reject });
        port.postMessage({ kind: "invoke", id, channel, args });
      });
    },
    send(channel, ...args) {
      assertSendable(args);
      port.postMessage({ kind: "send", channel, args });
    },
    on(channel, listener) {
      listeners.on(channel, listener);
      return this;
    },
    removeListener(channel, listener) {
      listeners.removeListener(channel, listener);
      return this;
    },
    listenerCount: (channel) => listeners.listenerCount(channel),
  };
}

module.exports = { createIpcMain, attachRenderer, createIpcRenderer };
