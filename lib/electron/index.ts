/// <reference types="node" preserve="true" />
// fal-native/electron, main-process side: register once, and renderers call the fal API through
// IPC while credentials stay in main. The renderer side is fal-native/electron/preload.
//
//   const { ipcMain } = require("electron");
//   const { registerFalIpc } = require("fal-native/electron");
//   const unregister = registerFalIpc(ipcMain, { config: { credentials: process.env.FAL_KEY } });
export { registerFalIpc } from "./main-handler";
export type {
  FalIpcCallInfo,
  IpcMainEventLike,
  IpcMainLike,
  RegisterFalIpcOptions,
  UnregisterFalIpc,
  WebContentsLike,
} from "./main-handler";
export { IPC_ERROR_CODES } from "./error-codec";
export { DEFAULT_CHANNEL, channelNames } from "./protocol";
export type { CallEvent, CallMethod, CallReply, CallRequest, SerializedError } from "./protocol";
