// All public types in one place; lib/index.ts re-exports the public subset.
export type * from "./auth";
export type * from "./client";
export type * from "./common";
export type * from "./config";
export type * from "./endpoint";
export type * from "./endpoints";
export type * from "./middleware";
export type * from "./queue";
export type * from "./realtime";
export type * from "./response";
export type * from "./retry";
export type * from "./storage";
export type * from "./streaming";
