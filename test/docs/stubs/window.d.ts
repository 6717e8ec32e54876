// What exposeFal(contextBridge, ipcRenderer) puts on a renderer's window (docs/electron.md): an
// Electron app written in TypeScript declares the same.
interface Window {
  fal: import("fal-native").FalClient;
  falBridge: import("fal-native/electron/preload").FalBridge;
}
