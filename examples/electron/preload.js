// Preload (isolated world). With `sandbox: true` a preload can only require "electron" and a few
// built-ins, so bundle this file (esbuild/webpack/Vite) to inline fal-native/electron/preload, or
// set `sandbox: false`. The module is plain JS without the native addon either way.
"use strict";

const { contextBridge, ipcRenderer } = require("electron");
const { exposeFal } = require("fal-native/electron/preload");

// window.fal: the fal API (run, subscribe, queue.*, storage.upload, stream).
// window.falBridge: the raw bridge, for createFalRendererClient(window.falBridge) in page code.
exposeFal(contextBridge, ipcRenderer);
