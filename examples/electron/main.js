// Electron main process: the fal key lives here only. Renderers call fal through IPC.
// Run with `npx electron .` from this folder after `npm install electron fal-native` (see package.json).
"use strict";

const path = require("path");
const { app, BrowserWindow, ipcMain } = require("electron");
const { registerFalIpc } = require("fal-native/electron");

// Only the endpoints this app uses; a compromised page cannot spend credits elsewhere.
const ALLOWED_ENDPOINTS = new Set(["fal-ai/flux-1/schnell", "fal-ai/flux-pro/kontext"]);

app.whenReady().then(() => {
  const unregister = registerFalIpc(ipcMain, {
    // FAL_KEY of the main process is the default; pass it explicitly (or load it from a keychain).
    config: { credentials: process.env.FAL_KEY },
    allowEndpoint: (endpointId, { senderFrame }) =>
      ALLOWED_ENDPOINTS.has(endpointId) && String(senderFrame?.url ?? "").startsWith("file://"),
  });

  const win = new BrowserWindow({
    width: 900,
    height: 700,
    webPreferences: {
      preload: path.join(__dirname, "preload.js"),
      contextIsolation: true, // the default since Electron 12; keeps the page away from ipcRenderer
      // A sandboxed preload can require only "electron" and a few built-ins. fal-native/electron/preload
      // never loads the native addon, so `sandbox: true` works once preload.js is bundled
      // (esbuild/webpack/Vite inline the module); this unbundled example turns the sandbox off.
      sandbox: false,
      nodeIntegration: false,
    },
  });
  win.loadFile(path.join(__dirname, "renderer.html"));

  app.on("will-quit", unregister);
});

app.on("window-all-closed", () => app.quit());
