// The slice of Electron's API that the Electron examples in docs/electron.md use. Electron is not
// installed in this repository, so its module is declared here, with fal-native's own structural
// types (which follow Electron's documented signatures).
declare module "electron" {
  export const app: { on(event: "will-quit" | "ready" | "window-all-closed", listener: () => void): unknown };
  export const ipcMain: import("fal-native/electron").IpcMainLike;
  export const ipcRenderer: import("fal-native/electron/preload").IpcRendererLike;
  export const contextBridge: import("fal-native/electron/preload").ContextBridgeLike;
}
